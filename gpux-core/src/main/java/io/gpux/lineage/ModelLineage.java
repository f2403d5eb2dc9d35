package io.gpux.lineage;

import io.gpux.pull.ModelPuller;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a stored version came from.
 *
 * @param reference the exact reference, in the registry's grammar
 * @param version the registry's exact version
 * @param requested the movable name it was pulled by (a branch, an alias), or null
 * @param tags the local names that point at it now
 * @param server the registry's server, without credentials, or null
 * @param source the model's own URL, without credentials, or null
 * @param pulledBy the GPUX version that pulled it, or null (pulled before GPUX recorded it)
 * @param run the run that produced it, or null when the registry names none
 * @param metadata the rest of what the registry recorded, sorted by key
 */
public record ModelLineage(
    String reference,
    String registry,
    String name,
    String version,
    String selection,
    String requested,
    List<String> tags,
    String server,
    String source,
    Instant pulledAt,
    String pulledBy,
    List<FileLineage> files,
    Run run,
    Map<String, String> metadata) {

  /**
   * One file of the version.
   *
   * @param registryDigest the registry's own digest ({@code git-blob-sha1:...}, {@code md5:...}),
   *     or null
   * @param derived how GPUX made the file from the registry's ones, or null for a registry file
   */
  public record FileLineage(
      String path, long size, String sha256, String registryDigest, String derived) {}

  /**
   * The run that produced the version.
   *
   * @param system {@code mlflow} or {@code wandb}
   * @param group the MLflow experiment id or the W&amp;B {@code entity/project}, or null
   * @param url the run's page on its server, without credentials, or null
   * @param attributes the run's own fields (user, status, start time), sorted by key
   */
  public record Run(
      String system,
      String id,
      String name,
      String group,
      String url,
      Map<String, String> attributes,
      Map<String, String> params,
      Map<String, String> metrics) {}

  /** Keys the registries use for their server (hf, wandb: endpoint; mlflow: server). */
  private static final List<String> SERVER_KEYS = List.of("endpoint", "server");

  /** Keys shown elsewhere in the lineage, not again among the metadata. */
  private static final Set<String> SHOWN =
      Set.of("registry", "endpoint", "server", ModelPuller.PULLED_BY);

  public static ModelLineage of(VersionManifest m, List<String> tags, String reference) {
    Map<String, String> l = m.lineage();
    String server = null;
    for (String k : SERVER_KEYS) {
      if (server == null && l.containsKey(k)) {
        server = withoutCredentials(l.get(k));
      }
    }
    List<FileLineage> files =
        m.files().stream()
            .map(
                (ManifestFile f) ->
                    new FileLineage(
                        f.path(),
                        f.size(),
                        f.sha256(),
                        f.registryDigest(),
                        l.get("derived:" + f.path())))
            .toList();
    Run run = run(m.registry(), l, server);
    Map<String, String> metadata = new TreeMap<>();
    l.forEach(
        (k, v) -> {
          if (!SHOWN.contains(k) && !k.startsWith("derived:") && !usedByRun(m.registry(), k)) {
            metadata.put(k, v);
          }
        });
    return new ModelLineage(
        reference,
        m.registry(),
        m.name(),
        m.registryVersion(),
        m.selection(),
        m.requested() == null || m.requested().equals(m.registryVersion()) ? null : m.requested(),
        List.copyOf(tags),
        server,
        m.source() == null ? null : withoutCredentials(m.source()),
        m.pulledAt(),
        l.get(ModelPuller.PULLED_BY),
        files,
        run,
        java.util.Collections.unmodifiableMap(metadata));
  }

  private static boolean usedByRun(String registry, String key) {
    return switch (registry) {
      case "mlflow" ->
          key.equals("run_id")
              || key.equals("experiment_id")
              || key.startsWith("run.")
              || key.startsWith("param.")
              || key.startsWith("metric.");
      case "wandb" ->
          key.startsWith("run.") || key.startsWith("config.") || key.startsWith("summary.");
      default -> false;
    };
  }

  /**
   * The producing run as MLflow (run_id, param.*, metric.*) or W&B (run.id, config.*) record it.
   */
  private static Run run(String registry, Map<String, String> l, String server) {
    if ("mlflow".equals(registry) && l.containsKey("run_id")) {
      String id = l.get("run_id");
      String experiment = l.get("experiment_id");
      return new Run(
          "mlflow",
          id,
          l.get("run.name"),
          experiment,
          server == null || experiment == null
              ? null
              : trimSlash(server) + "/#/experiments/" + experiment + "/runs/" + id,
          prefixed(l, "run.", Set.of("run.name")),
          prefixed(l, "param.", Set.of()),
          prefixed(l, "metric.", Set.of()));
    }
    if ("wandb".equals(registry) && l.containsKey("run.id")) {
      String id = l.get("run.id");
      String project = l.get("run.project");
      return new Run(
          "wandb",
          id,
          l.get("run.name"),
          project,
          server == null || project == null
              ? null
              : trimSlash(server) + "/" + project + "/runs/" + id,
          prefixed(l, "run.", Set.of("run.id", "run.name", "run.project")),
          prefixed(l, "config.", Set.of()),
          prefixed(l, "summary.", Set.of()));
    }
    return null;
  }

  private static Map<String, String> prefixed(
      Map<String, String> l, String prefix, Set<String> skip) {
    Map<String, String> out = new TreeMap<>();
    l.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && !skip.contains(k)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return java.util.Collections.unmodifiableMap(out);
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * A URL without user information, query or fragment: registries record none, but a server
   * variable may carry {@code user:password@}, and a lineage is for sharing.
   */
  static String withoutCredentials(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null) {
        return url.replaceAll("//[^/@]*@", "//");
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (java.net.URISyntaxException e) {
      return url.replaceAll("//[^/@]*@", "//").replaceAll("[?#].*", "");
    }
  }
}
