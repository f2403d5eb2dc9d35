package io.gpux.store;

import io.gpux.digest.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Blobs and manifests for store tests, made the way a pull makes them. */
final class StoreFixture {
  static final Instant PULLED = Instant.parse("2026-01-01T00:00:00Z");

  private StoreFixture() {}

  static String sha256(String content) {
    return Sha256.hex(content.getBytes(StandardCharsets.UTF_8));
  }

  /** Downloads {@code content} into the store's temporary folder and puts it as a blob. */
  static ManifestFile put(ModelStore store, String path, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Path tmp = Files.write(Files.createTempFile(store.tempDir(), "dl", ".partial"), bytes);
    String sha = sha256(content);
    store.putBlob(tmp, sha);
    return new ManifestFile(path, bytes.length, sha, null);
  }

  static VersionManifest manifest(String version, ManifestFile... files) {
    return manifest("hf", "org/model", version, PULLED, files);
  }

  static VersionManifest manifest(
      String registry, String name, String version, Instant pulledAt, ManifestFile... files) {
    return new VersionManifest(
        VersionManifest.SCHEMA_VERSION,
        registry,
        name,
        version,
        "main",
        pulledAt,
        "https://hub.example/" + name,
        List.of(files),
        Map.of("commit", version));
  }

  /** Makes a file look {@code age} old, as prune sees it. */
  static void age(Path p, Duration age) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
  }

  /** Overwrites a blob the way rot or a stray write would (blobs are read-only). */
  static void overwrite(Path blob, String content) throws IOException {
    blob.toFile().setWritable(true);
    Files.writeString(blob, content);
  }
}
