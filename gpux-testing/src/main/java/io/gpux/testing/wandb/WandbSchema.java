package io.gpux.testing.wandb;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeRuntimeWiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The GraphQL engine of {@link FakeWandb}: {@code schema.graphqls} wired to the server's fixtures.
 * Objects are served as maps (graphql-java reads their keys); fields with arguments have fetchers.
 */
final class WandbSchema {
  private static final String KIND = "__kind";
  private final FakeWandb wb;
  private final GraphQL graphql;

  WandbSchema(FakeWandb wb) {
    this.wb = wb;
    String sdl;
    try (InputStream in = WandbSchema.class.getResourceAsStream("schema.graphqls")) {
      sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RuntimeWiring.Builder w = RuntimeWiring.newRuntimeWiring();
    for (String s : List.of("JSONString", "JSON", "DateTime", "Int64", "Duration")) {
      w.scalar(LenientScalar.named(s));
    }
    w.type(
        TypeRuntimeWiring.newTypeWiring("Query")
            .dataFetcher("viewer", e -> viewer())
            .dataFetcher("serverInfo", e -> serverInfo())
            .dataFetcher(
                "project",
                e ->
                    project(
                        Optional.ofNullable((String) e.getArgument("entityName"))
                            .orElse(wb.viewerEntity()),
                        e.getArgument("name")))
            .dataFetcher(
                "artifact",
                e ->
                    Optional.ofNullable(wb.versions.get((String) e.getArgument("id")))
                        .map(this::artifact)
                        .orElse(null))
            .dataFetcher("entity", e -> entity(e.getArgument("name")))
            .dataFetcher("organization", e -> organization(e.getArgument("name"))));
    w.type(
        TypeRuntimeWiring.newTypeWiring("Project")
            .dataFetcher(
                "artifactCollectionMembership",
                e -> byName(e, e.getArgument("name")).map(this::membership).orElse(null))
            .dataFetcher(
                "artifactCollection",
                e ->
                    wb.collection(
                            (String) src(e, "_entity"),
                            (String) src(e, "name"),
                            e.getArgument("name"))
                        .map(this::collection)
                        .orElse(null))
            .dataFetcher(
                "artifact",
                e -> byName(e, e.getArgument("name")).map(m -> artifact(m.version())).orElse(null))
            .dataFetcher(
                "artifactType",
                e ->
                    artifactType(
                        (String) src(e, "_entity"), (String) src(e, "name"), e.getArgument("name")))
            .dataFetcher(
                "artifactTypes",
                e -> artifactTypes((String) src(e, "_entity"), (String) src(e, "name"))));
    w.type(
        TypeRuntimeWiring.newTypeWiring("ArtifactType")
            .dataFetcher(
                "artifactCollection",
                e ->
                    typed(e).stream()
                        .filter(c -> c.name.equals(e.getArgument("name")))
                        .findFirst()
                        .map(this::collection)
                        .orElse(null))
            .dataFetcher("artifactCollections", e -> page(e, typed(e), this::collection)));
    for (String t : List.of("ArtifactSequence", "ArtifactPortfolio")) {
      w.type(
          TypeRuntimeWiring.newTypeWiring(t)
              .dataFetcher(
                  "artifactMembership",
                  e -> {
                    WandbCollection c = (WandbCollection) src(e, "_c");
                    return c.find(e.getArgument("aliasName"))
                        .map(i -> membership(new Member(c, i, c.members().get(i))))
                        .orElse(null);
                  })
              .dataFetcher("artifacts", this::artifacts));
    }
    w.type(
        TypeRuntimeWiring.newTypeWiring("ArtifactCollection")
            .typeResolver(
                e -> e.getSchema().getObjectType((String) ((Map<?, ?>) e.getObject()).get(KIND))));
    w.type(
        TypeRuntimeWiring.newTypeWiring("ArtifactCreator")
            .typeResolver(
                e -> e.getSchema().getObjectType((String) ((Map<?, ?>) e.getObject()).get(KIND))));
    w.type(
        TypeRuntimeWiring.newTypeWiring("ArtifactCollectionMembership")
            .dataFetcher("files", e -> files(e, ((Member) src(e, "_m")).version())));
    w.type(
        TypeRuntimeWiring.newTypeWiring("Artifact")
            .dataFetcher("files", e -> files(e, (WandbVersion) src(e, "_v"))));
    w.type(
        TypeRuntimeWiring.newTypeWiring("Entity")
            .dataFetcher("projects", this::registries)
            .dataFetcher("artifactMemberships", this::registryMemberships)
            .dataFetcher("artifactCollections", this::registryCollections));
    GraphQLSchema schema =
        new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), w.build());
    graphql = GraphQL.newGraphQL(schema).build();
  }

  record Answer(
      Map<String, Object> body, List<String> rootFields, boolean unknown, String errors) {}

  record Member(WandbCollection collection, int index, WandbVersion version) {}

  Answer execute(String query, Map<String, Object> variables) {
    ExecutionResult r =
        graphql.execute(
            ExecutionInput.newExecutionInput().query(query).variables(variables).build());
    boolean unknown = false;
    List<String> messages = new ArrayList<>();
    for (GraphQLError e : r.getErrors()) {
      String cls = String.valueOf(e.getErrorType());
      unknown |= cls.contains("ValidationError") || cls.contains("InvalidSyntax");
      messages.add(e.getMessage());
    }
    return new Answer(r.toSpecification(), rootFields(query), unknown, String.join("; ", messages));
  }

  private static List<String> rootFields(String query) {
    List<String> out = new ArrayList<>();
    try {
      Document d = Parser.parse(query);
      for (OperationDefinition op : d.getDefinitionsOfType(OperationDefinition.class)) {
        op.getSelectionSet().getSelectionsOfType(Field.class).forEach(f -> out.add(f.getName()));
      }
    } catch (RuntimeException e) {
      out.add("<unparsable>");
    }
    return out;
  }

  private static Object src(DataFetchingEnvironment e, String key) {
    return ((Map<?, ?>) e.getSource()).get(key);
  }

  // ---- roots

  private Map<String, Object> viewer() {
    Map<String, Object> v = new LinkedHashMap<>();
    String entity = wb.viewerEntity();
    v.put("id", wb.nodeId("User"));
    v.put("name", entity);
    v.put("entity", entity);
    v.put("username", entity);
    v.put("email", entity + "@example.com");
    v.put("admin", false);
    v.put("flags", "{}");
    List<Map<String, Object>> teams = new ArrayList<>();
    wb.entityOrgs.keySet().stream()
        .filter(t -> !t.equals(entity))
        .forEach(t -> teams.add(Map.of("node", entity(t))));
    v.put("teams", Map.of("edges", teams));
    List<Object> orgs = new ArrayList<>();
    wb.orgEntities.keySet().forEach(o -> orgs.add(organization(o)));
    v.put("organizations", orgs);
    return v;
  }

  private Map<String, Object> serverInfo() {
    List<Map<String, Object>> features = new ArrayList<>();
    for (String f :
        List.of(
            "PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP",
            "ARTIFACT_REGISTRY_SEARCH",
            "ARTIFACT_COLLECTION_MEMBERSHIP_FILES",
            "TOTAL_COUNT_IN_FILE_CONNECTION",
            "ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID")) {
      features.add(Map.of("name", f, "isEnabled", true));
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("features", features);
    info.put("cliVersionInfo", Map.of());
    info.put("latestLocalVersionInfo", null);
    return info;
  }

  private Map<String, Object> entity(String name) {
    if (name == null) {
      return null;
    }
    boolean known =
        wb.entityOrgs.containsKey(name)
            || name.equals(wb.viewerEntity())
            || wb.collections.stream().anyMatch(c -> c.entity.equals(name));
    if (!known) {
      return null;
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", wb.nodeId("Entity"));
    e.put("name", name);
    e.put("isTeam", !name.equals(wb.viewerEntity()));
    String org = wb.entityOrgs.get(name);
    e.put("organization", org == null ? null : organization(org));
    if (name.equals(wb.viewerEntity())) {
      List<Object> orgs = new ArrayList<>();
      wb.orgEntities.keySet().forEach(o -> orgs.add(organization(o)));
      Map<String, Object> user = new LinkedHashMap<>();
      user.put("id", wb.nodeId("User"));
      user.put("organizations", orgs);
      e.put("user", user);
    } else {
      e.put("user", null);
    }
    return e;
  }

  private Map<String, Object> organization(String name) {
    if (name == null) {
      return null;
    }
    String org =
        wb.orgEntities.containsKey(name)
            ? name
            : wb.orgEntities.entrySet().stream()
                .filter(x -> x.getValue().equals(name))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    if (org == null) {
      return null;
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", wb.nodeId("Organization"));
    o.put("name", org);
    String orgEntity = wb.orgEntities.get(org);
    Map<String, Object> ent = new LinkedHashMap<>();
    ent.put("id", wb.nodeId("Entity"));
    ent.put("name", orgEntity);
    ent.put("isTeam", true);
    o.put("orgEntity", ent);
    return o;
  }

  private Map<String, Object> project(String entity, String name) {
    if (entity == null || name == null || !wb.projectExists(entity, name)) {
      return null;
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", "UHJvamVjdDo" + Integer.toHexString((entity + "/" + name).hashCode()));
    p.put("internalId", Integer.toString(Math.abs((entity + "/" + name).hashCode())));
    p.put("name", name);
    p.put("entityName", entity);
    p.put("_entity", entity);
    Map<String, Object> ent = new LinkedHashMap<>();
    ent.put("id", wb.nodeId("Entity"));
    ent.put("name", entity);
    String org = wb.entityOrgs.get(entity);
    ent.put("organization", org == null ? null : Map.of("id", "org", "name", org));
    p.put("entity", ent);
    p.put("description", "");
    p.put("createdAt", "2026-01-01T00:00:00");
    p.put("updatedAt", "2026-01-01T00:00:00");
    p.put("access", "PRIVATE");
    p.put("allowAllArtifactTypesInRegistry", true);
    return p;
  }

  // ---- collections, memberships, artifacts

  private Optional<Member> byName(DataFetchingEnvironment e, String name) {
    int colon = name.indexOf(':');
    String coll = colon < 0 ? name : name.substring(0, colon);
    String alias = colon < 0 ? "latest" : name.substring(colon + 1);
    return wb.collection((String) src(e, "_entity"), (String) src(e, "name"), coll)
        .flatMap(c -> c.find(alias).map(i -> new Member(c, i, c.members().get(i))));
  }

  private Map<String, Object> collection(WandbCollection c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(KIND, c.portfolio ? "ArtifactPortfolio" : "ArtifactSequence");
    m.put("_c", c);
    m.put("id", c.id);
    m.put("name", c.name);
    m.put("description", c.description);
    m.put("createdAt", timestamp(c.created));
    m.put("updatedAt", timestamp(c.created));
    m.put("project", project(c.entity, c.project));
    m.put("defaultArtifactType", Map.of("id", "type-" + c.type, "name", c.type));
    m.put("tags", Map.of("edges", List.of()));
    List<Map<String, Object>> aliases = new ArrayList<>();
    for (int i = 0; i < c.members().size(); i++) {
      for (String a : c.aliasesOf(i)) {
        aliases.add(Map.of("node", Map.of("id", c.id + ":" + a, "alias", a)));
      }
    }
    m.put("aliases", Map.of("edges", aliases));
    return m;
  }

  private Map<String, Object> membership(Member mem) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_m", mem);
    m.put(
        "id",
        java.util.Base64.getEncoder()
            .encodeToString(
                ("ArtifactCollectionMembership:" + mem.collection().id + ":" + mem.index())
                    .getBytes(StandardCharsets.UTF_8)));
    m.put("versionIndex", mem.index());
    m.put("createdAt", timestamp(mem.version().created));
    m.put("aliases", aliases(mem.collection(), mem.index(), false));
    m.put("artifactCollection", collection(mem.collection()));
    m.put("artifact", artifact(mem.version()));
    return m;
  }

  private List<Map<String, Object>> aliases(WandbCollection c, int index, boolean withCollection) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String a : c.aliasesOf(index)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id + ":" + a);
      m.put("alias", a);
      if (withCollection) {
        m.put("artifactCollection", collection(c));
      }
      out.add(m);
    }
    return out;
  }

  private Map<String, Object> artifact(WandbVersion v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_v", v);
    m.put("id", v.id);
    m.put("artifactSequence", collection(v.sequence));
    m.put("versionIndex", v.index);
    m.put("artifactType", Map.of("id", "type-" + v.sequence.type, "name", v.sequence.type));
    m.put("description", v.description);
    m.put("metadata", v.metadataJson);
    m.put("ttlDurationSeconds", -1);
    m.put("ttlIsInherited", true);
    m.put("tags", List.of());
    m.put("historyStep", null);
    m.put("state", v.state);
    m.put("size", v.size());
    m.put("digest", v.digest());
    m.put("digestAlgorithm", "MANIFEST_MD5");
    m.put("commitHash", v.state.equals("COMMITTED") ? v.digest().substring(0, 12) : null);
    m.put("fileCount", v.files.size() + v.references.size());
    m.put("createdAt", timestamp(v.created));
    m.put("updatedAt", timestamp(v.created));
    // Every alias of the version, in every collection it is a member of (the client filters).
    List<Map<String, Object>> all = new ArrayList<>();
    for (WandbCollection c : wb.collections) {
      List<WandbVersion> members = c.members();
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i) == v) {
          all.addAll(aliases(c, i, true));
        }
      }
    }
    m.put("aliases", all);
    Map<String, Object> manifestFile = new LinkedHashMap<>();
    manifestFile.put("id", "manifest-" + v.number);
    manifestFile.put("name", "wandb_manifest.json");
    manifestFile.put("directUrl", wb.manifestUrl(v));
    m.put("currentManifest", Map.of("id", "manifest-" + v.number, "file", manifestFile));
    if (v.run != null) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put(KIND, "Run");
      run.put("id", "UnVuOi" + v.run.id());
      run.put("name", v.run.id());
      run.put("displayName", v.run.displayName());
      run.put("project", project(v.sequence.entity, v.sequence.project));
      run.put("config", v.run.configJson());
      run.put("summaryMetrics", v.run.summaryJson());
      m.put("createdBy", run);
    } else {
      m.put("createdBy", null);
    }
    return m;
  }

  private Object files(DataFetchingEnvironment e, WandbVersion v) {
    List<String> names = e.getArgument("names");
    List<String> paths = new ArrayList<>(v.files.keySet());
    if (names != null) {
      paths.retainAll(names);
    }
    return page(
        e,
        paths,
        p -> {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("id", "file-" + v.number + "-" + p);
          f.put("name", p);
          f.put("directUrl", wb.fileUrl(v, p));
          f.put("url", wb.fileUrl(v, p));
          f.put("sizeBytes", v.files.get(p).length);
          f.put("md5", v.md5(p));
          f.put("digest", v.md5(p));
          return f;
        });
  }

  private Map<String, Object> artifactType(String entity, String project, String type) {
    boolean any =
        wb.collections.stream()
            .anyMatch(
                c -> c.entity.equals(entity) && c.project.equals(project) && c.type.equals(type));
    if (!any) {
      return null;
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", "type-" + type);
    t.put("name", type);
    t.put("_entity", entity);
    t.put("_project", project);
    return t;
  }

  private Map<String, Object> artifactTypes(String entity, String project) {
    List<Map<String, Object>> edges = new ArrayList<>();
    wb.collections.stream()
        .filter(c -> c.entity.equals(entity) && c.project.equals(project))
        .map(c -> c.type)
        .distinct()
        .forEach(t -> edges.add(Map.of("node", artifactType(entity, project, t))));
    return Map.of("edges", edges);
  }

  private List<WandbCollection> typed(DataFetchingEnvironment e) {
    String entity = (String) src(e, "_entity");
    String project = (String) src(e, "_project");
    String type = (String) src(e, "name");
    return wb.collections.stream()
        .filter(c -> c.entity.equals(entity) && c.project.equals(project) && c.type.equals(type))
        .toList();
  }

  private Object artifacts(DataFetchingEnvironment e) {
    WandbCollection c = (WandbCollection) src(e, "_c");
    String filters = e.getArgument("filters");
    String state = null;
    if (filters != null) {
      try {
        state = FakeWandb.JSON.readTree(filters).path("state").asText(null);
      } catch (IOException ex) {
        throw new IllegalArgumentException("filters is not JSON: " + filters);
      }
    }
    List<Member> members = new ArrayList<>();
    List<WandbVersion> all = c.members();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (state == null || all.get(i).state.equals(state)) {
        members.add(new Member(c, i, all.get(i)));
      }
    }
    Map<String, Object> p =
        page(
            e,
            members,
            m -> {
              Map<String, Object> a = artifact(m.version());
              a.put("_label", "v" + m.index()); // the version within this collection
              return a;
            });
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> edges = (List<Map<String, Object>>) p.get("edges");
    List<Map<String, Object>> withVersion = new ArrayList<>();
    for (Map<String, Object> edge : edges) {
      Map<String, Object> n = new LinkedHashMap<>(edge);
      Map<?, ?> node = (Map<?, ?>) edge.get("node");
      n.put("version", node.get("_label"));
      withVersion.add(n);
    }
    Map<String, Object> out = new LinkedHashMap<>(p);
    out.put("edges", withVersion);
    return out;
  }

  // ---- registries (projects wandb-registry-* under an org entity)

  private List<WandbCollection> registryCollections(String orgEntity) {
    return wb.collections.stream()
        .filter(c -> c.entity.equals(orgEntity) && c.project.startsWith("wandb-registry-"))
        .toList();
  }

  private Object registries(DataFetchingEnvironment e) {
    String orgEntity = (String) src(e, "name");
    List<String> projects =
        registryCollections(orgEntity).stream().map(c -> c.project).distinct().toList();
    return page(e, projects, p -> project(orgEntity, p));
  }

  private Object registryMemberships(DataFetchingEnvironment e) {
    List<Member> out = new ArrayList<>();
    for (WandbCollection c : filterCollections(e, "collectionFilters")) {
      List<WandbVersion> all = c.members();
      for (int i = all.size() - 1; i >= 0; i--) {
        out.add(new Member(c, i, all.get(i)));
      }
    }
    return page(e, out, this::membership);
  }

  private Object registryCollections(DataFetchingEnvironment e) {
    return page(e, filterCollections(e, "filters"), this::collection);
  }

  /** Applies {@code projectFilters} (a registry {@code name}) and a collection {@code name}. */
  private List<WandbCollection> filterCollections(DataFetchingEnvironment e, String collArg) {
    String projectName = jsonName(e.getArgument("projectFilters"));
    String collectionName = jsonName(e.getArgument(collArg));
    return registryCollections((String) src(e, "name")).stream()
        .filter(c -> projectName == null || c.project.equals(projectName))
        .filter(c -> collectionName == null || c.name.equals(collectionName))
        .toList();
  }

  private static String jsonName(String json) {
    if (json == null) {
      return null;
    }
    try {
      var n = FakeWandb.JSON.readTree(json).path("name");
      if (n.isTextual()) {
        return n.asText();
      }
      if (n.isObject() && n.has("$eq")) {
        return n.path("$eq").asText();
      }
      return null;
    } catch (IOException ex) {
      throw new IllegalArgumentException("filters is not JSON: " + json);
    }
  }

  // ---- helpers

  /** A Relay connection over {@code items}: cursors are positions. */
  private static <T> Map<String, Object> page(
      DataFetchingEnvironment e, List<T> items, Function<T, Object> node) {
    Integer first = e.getArgument("first");
    String after = e.getArgument("after");
    int from = after == null ? 0 : Integer.parseInt(after) + 1;
    int n = first == null ? 50 : first;
    int to = Math.min(items.size(), from + n);
    List<Map<String, Object>> edges = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Map<String, Object> edge = new LinkedHashMap<>();
      edge.put("node", node.apply(items.get(i)));
      edge.put("cursor", Integer.toString(i));
      edges.add(edge);
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("endCursor", to > from ? Integer.toString(to - 1) : after);
    info.put("hasNextPage", to < items.size());
    info.put("startCursor", to > from ? Integer.toString(from) : null);
    info.put("hasPreviousPage", from > 0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("totalCount", items.size());
    out.put("pageInfo", info);
    out.put("edges", edges);
    return out;
  }

  private static String timestamp(java.time.Instant t) {
    // W&B's DateTime has no zone suffix: "2026-01-01T00:00:00".
    return t.toString().replace("Z", "");
  }

  static DataFetcher<Object> constant(Object o) {
    return e -> o;
  }
}
