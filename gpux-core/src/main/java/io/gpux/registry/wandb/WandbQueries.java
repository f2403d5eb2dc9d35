package io.gpux.registry.wandb;

/**
 * The fixed GraphQL documents GPUX sends, the same root fields and arguments the official {@code
 * wandb} client uses (research notes registry-protocols-1 §3.3-3.4), so any W&amp;B server that
 * answers the client answers GPUX.
 */
final class WandbQueries {
  private WandbQueries() {}

  static final String VIEWER = "query Viewer { viewer { id entity username } }";

  static final String ORG_INFO =
      """
      query FetchOrgInfoFromEntity($entity: String!) {
        entity(name: $entity) {
          organization { name orgEntity { name } }
          user { organizations { name orgEntity { name } } }
        }
      }""";

  private static final String ARTIFACT_FIELDS =
      """
      id versionIndex description metadata state size digest fileCount createdAt
      artifactType { name }
      artifactSequence { __typename name project { name entity { name } } }
      """;

  static final String MEMBERSHIP =
      """
      query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!) {
        project(name: $project, entityName: $entity) {
          artifactCollectionMembership(name: $name) {
            __typename id versionIndex createdAt
            aliases { alias }
            artifactCollection { __typename name project { name entity { name } } }
            artifact { %s }
          }
        }
      }"""
          .formatted(ARTIFACT_FIELDS);

  static final String MANIFEST =
      """
      query FetchArtifactManifest($id: ID!) {
        artifact(id: $id) { currentManifest { file { directUrl } } }
      }""";

  static final String FILE_URLS =
      """
      query GetArtifactMembershipFileUrls($entity: String!, $project: String!,
          $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
        project(name: $project, entityName: $entity) {
          artifactCollection(name: $collection) {
            __typename
            artifactMembership(aliasName: $alias) {
              files(after: $cursor, first: $perPage) {
                pageInfo { endCursor hasNextPage }
                edges { node { name directUrl } }
              }
            }
          }
        }
      }""";

  static final String CREATED_BY =
      """
      query ArtifactCreatedBy($id: ID!) {
        artifact(id: $id) {
          createdBy {
            __typename
            ... on Run { id name displayName config summaryMetrics project { name entity { name } } }
          }
        }
      }""";

  static final String VERSIONS =
      """
      query ProjectArtifacts($entity: String!, $project: String!, $type: String!,
          $collection: String!, $cursor: String, $perPage: Int = 50, $filters: JSONString) {
        project(entityName: $entity, name: $project) {
          artifactType(name: $type) {
            artifactCollection(name: $collection) {
              __typename
              artifacts(after: $cursor, first: $perPage, filters: $filters) {
                pageInfo { endCursor hasNextPage }
                edges { version node { %s aliases { alias artifactCollection { name } } } }
              }
            }
          }
        }
      }"""
          .formatted(ARTIFACT_FIELDS);

  static final String PROJECT_COLLECTIONS =
      """
      query ArtifactTypeArtifactCollections($entity: String!, $project: String!, $type: String!,
          $cursor: String, $perPage: Int) {
        project(entityName: $entity, name: $project) {
          artifactType(name: $type) {
            artifactCollections(after: $cursor, first: $perPage) {
              pageInfo { endCursor hasNextPage }
              edges { node { __typename name description createdAt updatedAt
                project { name entity { name } } } }
            }
          }
        }
      }""";

  static final String REGISTRY_COLLECTIONS =
      """
      query RegistryCollections($organization: String!, $registryFilter: JSONString,
          $collectionFilter: JSONString, $collectionTypes: [ArtifactCollectionType!] = [PORTFOLIO],
          $cursor: String, $perPage: Int) {
        organization(name: $organization) {
          orgEntity {
            name
            artifactCollections(projectFilters: $registryFilter, filters: $collectionFilter,
                collectionTypes: $collectionTypes, after: $cursor, first: $perPage) {
              pageInfo { endCursor hasNextPage }
              edges { node { __typename name description createdAt updatedAt
                project { name entity { name } } type: defaultArtifactType { name } } }
            }
          }
        }
      }""";
}
