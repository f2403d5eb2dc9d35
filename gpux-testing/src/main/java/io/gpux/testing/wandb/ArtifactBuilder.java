package io.gpux.testing.wandb;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Logs one artifact version, as {@code run.log_artifact} would. */
public final class ArtifactBuilder {
  private final FakeWandb server;
  private final WandbCollection sequence;
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, String> references = new LinkedHashMap<>();
  private final List<String> aliases = new ArrayList<>();
  private String metadata = "{}";
  private String state = "COMMITTED";
  private String description = "";
  private WandbVersion.WandbRun run;
  private Instant created;

  ArtifactBuilder(FakeWandb server, WandbCollection sequence) {
    this.server = server;
    this.sequence = sequence;
  }

  public ArtifactBuilder file(String path, byte[] content) {
    files.put(path, content.clone());
    return this;
  }

  public ArtifactBuilder file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8));
  }

  /** A reference entry: the manifest points at {@code url} instead of storing the bytes. */
  public ArtifactBuilder reference(String path, String url) {
    references.put(path, url);
    return this;
  }

  /** The artifact's metadata, a JSON object. */
  public ArtifactBuilder metadata(String json) {
    this.metadata = json;
    return this;
  }

  public ArtifactBuilder description(String text) {
    this.description = text;
    return this;
  }

  public ArtifactBuilder aliases(String... names) {
    aliases.addAll(List.of(names));
    return this;
  }

  /** The producing run, with its config and summary metrics as JSON objects. */
  public ArtifactBuilder run(String id, String configJson, String summaryJson) {
    this.run = new WandbVersion.WandbRun(id, id + "-name", configJson, summaryJson);
    return this;
  }

  /** Leaves the version uploading: clients refuse to download it. */
  public ArtifactBuilder pending() {
    this.state = "PENDING";
    return this;
  }

  public ArtifactBuilder createdAt(Instant at) {
    this.created = at;
    return this;
  }

  public WandbVersion commit() {
    return server.commit(
        sequence, files, references, metadata, state, created, run, description, aliases);
  }
}
