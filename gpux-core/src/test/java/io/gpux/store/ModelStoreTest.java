package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.GpuxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelStoreTest {
  @TempDir Path home;
  private ModelStore store;

  @BeforeEach
  void open() {
    store = ModelStore.open(home);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ManifestFile put(String path, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    String sha = ModelStore.sha256(Files.write(Files.createTempFile(home, "x", ".tmp"), bytes));
    Path tmp = Files.write(Files.createTempFile(store.tempDir(), "dl", ".partial"), bytes);
    store.putBlob(tmp, sha);
    return new ManifestFile(path, bytes.length, sha, null);
  }

  private VersionManifest manifest(String version, ManifestFile... files) {
    return new VersionManifest(
        VersionManifest.SCHEMA_VERSION,
        "hf",
        "org/model",
        version,
        "main",
        Instant.parse("2026-01-01T00:00:00Z"),
        "https://hub/org/model",
        List.of(files),
        Map.of("commit", version));
  }

  @Test
  void commitsResolvesAndTagsVersions() throws Exception {
    VersionManifest v1 =
        store.commit(manifest("aaa1110000", put("model.onnx", "one"), put("config.json", "{}")));
    store.tag("hf", "org/model", "main", "aaa1110000");
    assertEquals(v1, store.resolve("hf", "org/model", "aaa1110000").orElseThrow());
    assertEquals(v1, store.resolve("hf", "org/model", "main").orElseThrow());
    assertEquals(v1, store.resolve("hf", "org/model", "aaa1110").orElseThrow(), "a short sha");
    assertEquals(v1, store.resolve("hf", "org/model", null).orElseThrow(), "latest");
    assertTrue(store.resolve("hf", "org/model", "nope").isEmpty());

    store.commit(manifest("bbb222", put("model.onnx", "two")));
    store.tag("hf", "org/model", "main", "bbb222");
    assertEquals("bbb222", store.resolve("hf", "org/model", "main").orElseThrow().version());
    assertEquals(List.of("main"), store.tagsOf("hf", "org/model", "bbb222"));
    List<String[]> history = store.tagHistory("hf", "org/model", "main");
    assertEquals(2, history.size());
    assertEquals("aaa1110000", history.get(1)[2], "the move records where main pointed before");
    assertEquals(2, store.versions("hf", "org/model").size());
  }

  @Test
  void manifestsAreImmutable() throws Exception {
    ManifestFile a = put("model.onnx", "one");
    store.commit(manifest("v1", a));
    store.commit(manifest("v1", a)); // the same again: a no-op
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> store.commit(manifest("v1", put("model.onnx", "other"))));
    assertTrue(e.problem().contains("already in the store with different files"), e.problem());
  }

  @Test
  void refusesAManifestWhoseBlobsAreMissing() {
    ManifestFile ghost = new ManifestFile("model.onnx", 3, "a".repeat(64), null);
    assertThrows(GpuxException.class, () -> store.commit(manifest("v1", ghost)));
    assertTrue(store.list().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "/abs",
        "a//b",
        "a\\b",
        "a/\u0000b",
        "a/../../b",
        "./a",
        "",
        "C:/x",
        "a/."
      })
  void refusesUnsafeFilePaths(String path) throws Exception {
    ManifestFile f = put("ok", "content");
    ManifestFile bad = new ManifestFile(path, f.size(), f.sha256(), null);
    GpuxException e = assertThrows(GpuxException.class, () -> store.commit(manifest("v1", bad)));
    assertTrue(e.problem().startsWith("refusing file path"), e.problem());
  }

  @Test
  void hostileNamesAndVersionsStayInsideTheStore() throws Exception {
    ManifestFile f = put("model.onnx", "x");
    VersionManifest m =
        new VersionManifest(
            1, "hf", "org/model", "../../../etc", null, Instant.now(), null, List.of(f), Map.of());
    store.commit(m);
    Path file = store.manifestFile("hf", "org/model", "../../../etc");
    assertTrue(file.normalize().startsWith(home.resolve("manifests")), file.toString());
    assertTrue(store.manifest("hf", "org/model", "../../../etc").isPresent());
    assertThrows(GpuxException.class, () -> store.blobPath("../../secret"));
  }

  @Test
  void pruneDeletesOnlyUnreferencedOldBlobsAndStalePartials() throws Exception {
    ManifestFile kept = put("model.onnx", "kept");
    store.commit(manifest("v1", kept));
    ManifestFile orphan = put("x", "orphan");
    ManifestFile fresh = put("y", "fresh orphan");
    Instant old = Instant.now().minus(Duration.ofDays(2));
    Files.setLastModifiedTime(store.blobPath(orphan.sha256()), FileTime.from(old));
    Files.setLastModifiedTime(store.blobPath(kept.sha256()), FileTime.from(old));
    Path stale = Files.writeString(store.tempDir().resolve("abc.partial"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(old));
    Path active = Files.writeString(store.tempDir().resolve("def.partial"), "downloading");

    PruneReport dry = store.prune(true);
    assertEquals(List.of(orphan.sha256()), dry.blobs());
    assertEquals(List.of("abc.partial"), dry.partials());
    assertTrue(store.hasBlob(orphan.sha256()), "a dry run deletes nothing");

    PruneReport real = store.prune(false);
    assertEquals(dry.bytes(), real.bytes());
    assertFalse(store.hasBlob(orphan.sha256()));
    assertTrue(store.hasBlob(kept.sha256()));
    assertTrue(store.hasBlob(fresh.sha256()), "young blobs may belong to a pull in progress");
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(active));
  }

  @Test
  void removeThenPruneFreesWhatOnlyThatVersionUsed() throws Exception {
    ManifestFile shared = put("config.json", "shared");
    ManifestFile only1 = put("model.onnx", "only in v1");
    store.commit(manifest("v1", shared, only1));
    store.commit(manifest("v2", shared, put("model.onnx", "only in v2")));
    DiskUsage usage = store.diskUsage();
    DiskUsage.VersionUsage v1 =
        usage.versions().stream()
            .filter(v -> v.reference().endsWith("@v1"))
            .findFirst()
            .orElseThrow();
    assertEquals(only1.size(), v1.uniqueBytes());
    assertEquals(shared.size(), v1.sharedBytes());
    assertEquals(1, store.remove("hf", "org/model", "v1"));
    Files.setLastModifiedTime(
        store.blobPath(only1.sha256()), FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    store.prune(false);
    assertFalse(store.hasBlob(only1.sha256()));
    assertTrue(store.hasBlob(shared.sha256()));
    assertTrue(store.verify().clean());
  }

  @Test
  void verifyFindsCorruptAndMissingBlobs() throws Exception {
    ManifestFile a = put("a", "aaaa");
    ManifestFile b = put("b", "bbbb");
    store.commit(manifest("v1", a, b));
    assertTrue(store.verify().clean());
    Files.writeString(store.blobPath(a.sha256()), "aaab");
    Files.delete(store.blobPath(b.sha256()));
    VerifyReport r = store.verify();
    assertEquals(2, r.problems().size());
    assertTrue(r.problems().get(0).what().startsWith("corrupt"), r.toString());
    assertEquals("missing", r.problems().get(1).what());
  }

  @Test
  void materializeLaysOutFilesAtTheirPaths() throws Exception {
    VersionManifest m =
        store.commit(
            manifest("v1", put("onnx/model.onnx", "weights"), put("tokenizer.json", "{}")));
    Path dir = store.materialize(m);
    assertEquals("weights", Files.readString(dir.resolve("onnx/model.onnx")));
    assertEquals("{}", Files.readString(dir.resolve("tokenizer.json")));
    assertEquals(dir, store.materialize(m), "idempotent");
    Object key =
        Files.readAttributes(
                dir.resolve("tokenizer.json"), java.nio.file.attribute.BasicFileAttributes.class)
            .fileKey();
    Object blobKey =
        Files.readAttributes(
                store.blobPath(m.files().get(1).sha256()),
                java.nio.file.attribute.BasicFileAttributes.class)
            .fileKey();
    assertEquals(blobKey, key, "a hard link, not a copy");
  }

  @Test
  void indexIsRebuiltFromManifestsWhenLost() throws Exception {
    store.commit(manifest("v1", put("model.onnx", "x")));
    store.close();
    Files.delete(home.resolve("index.db"));
    Files.deleteIfExists(home.resolve("index.db-wal"));
    Files.deleteIfExists(home.resolve("index.db-shm"));
    store = ModelStore.open(home);
    assertEquals(1, store.list().size());
    assertEquals(1, store.schemaVersion());
  }

  @Test
  void concurrentPutsAndCommitsOfTheSameVersionAgree() throws Exception {
    byte[] bytes = "same content".getBytes(StandardCharsets.UTF_8);
    String sha = ModelStore.sha256(Files.write(home.resolve("ref"), bytes));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<VersionManifest>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(
          pool.submit(
              () -> {
                Path tmp =
                    Files.write(Files.createTempFile(store.tempDir(), "dl", ".partial"), bytes);
                store.putBlob(tmp, sha);
                return store.commit(
                    manifest("v1", new ManifestFile("model.onnx", bytes.length, sha, null)));
              }));
    }
    for (Future<VersionManifest> f : results) {
      assertEquals("v1", f.get().version());
    }
    pool.shutdown();
    assertEquals(1, store.list().size());
    assertTrue(store.verify().clean());
    try (var files = Files.list(store.tempDir())) {
      assertEquals(0, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void locksExcludeOtherHolders() throws Exception {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread other;
    try (StoreLock lock = store.lock("hf/org/model")) {
      other =
          new Thread(
              () -> {
                try (StoreLock l = store.lock("hf/org/model")) {
                  order.add("second");
                }
              });
      other.start();
      other.join(300);
      order.add("first");
    }
    other.join();
    assertEquals(List.of("first", "second"), order);
  }

  @Test
  void clockDecidesWhatIsStale() throws Exception {
    store.close();
    store =
        ModelStore.open(home, Clock.fixed(Instant.now().plus(Duration.ofDays(3)), ZoneOffset.UTC));
    Files.writeString(store.tempDir().resolve("old.partial"), "x");
    assertEquals(List.of("old.partial"), store.prune(true).partials());
    assertArrayEquals(new String[0], new String[0]);
  }
}
