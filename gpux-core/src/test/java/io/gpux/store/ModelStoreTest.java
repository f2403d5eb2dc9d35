package io.gpux.store;

import static io.gpux.store.StoreFixture.PULLED;
import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static io.gpux.store.StoreFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.index.Migrations;
import io.gpux.index.TagMove;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
  @TempDir Path home;
  private ModelStore store;

  @BeforeEach
  void open() {
    store =
        ModelStore.open(home, Clock.fixed(Instant.parse("2026-02-01T00:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void opensTheLayoutUnderItsHome() {
    for (String dir : List.of("blobs/sha256", "manifests", "snapshots", "tmp", "locks")) {
      assertTrue(Files.isDirectory(home.resolve(dir)), dir);
    }
    assertTrue(Files.isRegularFile(home.resolve("index.db")));
    assertEquals(home.resolve("tmp"), store.tempDir());
    assertEquals(home.resolve("blobs/sha256/" + "a".repeat(64)), store.blobPath("a".repeat(64)));
  }

  @Test
  void putBlobMovesTheVerifiedFileIntoPlaceReadOnly() throws Exception {
    Path tmp = Files.writeString(store.tempDir().resolve("x.partial"), "weights");
    store.putBlob(tmp, sha256("weights"));
    assertFalse(Files.exists(tmp), "the temporary file is consumed");
    assertEquals("weights", Files.readString(store.blobPath(sha256("weights"))));
    PosixFileAttributeView posix =
        Files.getFileAttributeView(store.blobPath(sha256("weights")), PosixFileAttributeView.class);
    if (posix != null) {
      assertEquals(
          "r--r--r--",
          java.nio.file.attribute.PosixFilePermissions.toString(
              posix.readAttributes().permissions()));
    }
  }

  @Test
  void puttingABlobThatExistsReplacesItWithTheVerifiedCopy() throws Exception {
    ManifestFile f = put(store, "model.onnx", "weights");
    StoreFixture.overwrite(store.blobPath(f.sha256()), "rotten!");
    Path again = Files.writeString(store.tempDir().resolve("again.partial"), "weights");
    store.putBlob(again, f.sha256());
    assertFalse(Files.exists(again));
    assertEquals("weights", Files.readString(store.blobPath(f.sha256())));
  }

  @Test
  void putBlobAcceptsAFileFromAnotherFolder() throws Exception {
    Path elsewhere =
        Files.writeString(Files.createTempDirectory("gpux-elsewhere").resolve("f"), "x");
    store.putBlob(elsewhere, sha256("x"));
    assertTrue(store.hasBlob(sha256("x")));
    assertFalse(Files.exists(elsewhere));
  }

  @Test
  void blobPathRefusesAnythingButASha256() {
    for (String bad :
        List.of(
            "../../secret", "A".repeat(64), "a".repeat(63), "a".repeat(65), "", "g".repeat(64))) {
      GpuxException e = assertThrows(GpuxException.class, () -> store.blobPath(bad), bad);
      assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    }
  }

  @Test
  void commitsResolvesAndMovesTags() throws Exception {
    VersionManifest v1 =
        store.commit(
            manifest(
                "aaa1110000", put(store, "model.onnx", "one"), put(store, "config.json", "{}")));
    store.tag("hf", "org/model", "main", "aaa1110000");
    assertEquals(v1, store.resolve("hf", "org/model", "aaa1110000").orElseThrow());
    assertEquals(v1, store.resolve("hf", "org/model", "main").orElseThrow());
    assertEquals(v1, store.resolve("hf", "org/model", "aaa1110").orElseThrow(), "a short sha");
    assertEquals(v1, store.resolve("hf", "org/model", null).orElseThrow(), "the newest");
    assertTrue(store.resolve("hf", "org/model", "nope").isEmpty());
    assertTrue(store.resolve("hf", "other/model", "main").isEmpty());

    VersionManifest v2 =
        manifest(
            "hf", "org/model", "bbb222", PULLED.plusSeconds(60), put(store, "model.onnx", "two"));
    store.commit(v2);
    assertEquals(v2, store.resolve("hf", "org/model", "latest").orElseThrow());
    assertEquals(v1, store.resolve("hf", "org/model", "main").orElseThrow(), "until it moves");
    store.tag("hf", "org/model", "main", "bbb222");
    assertEquals(v2, store.resolve("hf", "org/model", "main").orElseThrow());
    assertEquals(List.of("main"), store.tagsOf("hf", "org/model", "bbb222"));
    assertEquals(List.of(), store.tagsOf("hf", "org/model", "aaa1110000"));

    List<TagMove> history = store.tagHistory("hf", "org/model", "main");
    assertEquals(2, history.size());
    assertEquals("aaa1110000", history.get(0).version());
    assertEquals(null, history.get(0).previousVersion());
    assertEquals("bbb222", history.get(1).version());
    assertEquals("aaa1110000", history.get(1).previousVersion());
    assertEquals(Instant.parse("2026-02-01T00:00:00Z"), history.get(1).movedAt());
    store.tag("hf", "org/model", "main", "bbb222");
    assertEquals(2, store.tagHistory("hf", "org/model", "main").size(), "no move, no history");
    assertEquals(List.of(v2, v1), store.versions("hf", "org/model"), "newest pull first");
  }

  @Test
  void aTagWinsOverTheImplicitLatest() throws Exception {
    store.commit(manifest("hf", "org/model", "old", PULLED, put(store, "a", "1")));
    store.commit(manifest("hf", "org/model", "new", PULLED.plusSeconds(1), put(store, "a", "2")));
    store.tag("hf", "org/model", "latest", "old");
    assertEquals("old", store.resolve("hf", "org/model", "latest").orElseThrow().version());
    assertEquals("new", store.resolve("hf", "org/model", null).orElseThrow().version());
  }

  @Test
  void taggingAVersionThatIsNotStoredFails() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> store.tag("hf", "org/model", "main", "nope"));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
  }

  @Test
  void listGroupsByModelNewestFirstEvenWhenTimestampsDifferInPrecision() throws Exception {
    ManifestFile f = put(store, "a", "x");
    // Instant.toString() drops a zero fraction, so as text "…00Z" sorts after "…00.500Z".
    store.commit(manifest("hf", "b/model", "v1", Instant.parse("2026-01-01T00:00:00Z"), f));
    store.commit(manifest("hf", "b/model", "v2", Instant.parse("2026-01-01T00:00:00.500Z"), f));
    store.commit(manifest("hf", "a/model", "v1", Instant.parse("2026-01-01T00:00:00Z"), f));
    store.commit(manifest("mlflow", "a/model", "3", Instant.parse("2026-03-01T00:00:00Z"), f));
    assertEquals(
        List.of("hf:a/model@v1", "hf:b/model@v2", "hf:b/model@v1", "mlflow:a/model@3"),
        store.list().stream().map(VersionManifest::reference).toList());
  }

  @Test
  void manifestsAreImmutable() throws Exception {
    ManifestFile a = put(store, "model.onnx", "one");
    VersionManifest first = store.commit(manifest("v1", a));
    VersionManifest again =
        new VersionManifest(
            1,
            "hf",
            "org/model",
            "v1",
            "other-branch",
            PULLED.plusSeconds(5),
            null,
            List.of(a),
            Map.of());
    assertEquals(first, store.commit(again), "the same files: a no-op keeping the first pull");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> store.commit(manifest("v1", put(store, "model.onnx", "other"))));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains("hf:org/model@v1 is already in the store"), e.problem());
    assertEquals(first, store.manifest("hf", "org/model", "v1").orElseThrow());
  }

  @Test
  void commitRefusesAManifestWhoseBlobIsMissingAndNamesIt() {
    String ghost = "a".repeat(64);
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> store.commit(manifest("v1", new ManifestFile("model.onnx", 3, ghost, null))));
    assertTrue(e.problem().contains(ghost), e.problem());
    assertTrue(store.list().isEmpty());
    assertTrue(store.manifest("hf", "org/model", "v1").isEmpty());
  }

  @Test
  void commitRefusesASizeThatDoesNotMatchTheBlob() throws Exception {
    ManifestFile f = put(store, "model.onnx", "four");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> store.commit(manifest("v1", new ManifestFile(f.path(), 5, f.sha256(), null))));
    assertTrue(e.problem().contains("listed with 5 bytes"), e.problem());
  }

  @Test
  void hostileNamesAndVersionsStayInsideTheStore() throws Exception {
    ManifestFile f = put(store, "model.onnx", "x");
    for (String version : List.of("../../../etc", "refs/pr/1", "v1:sha256:abc", "a\u0000b")) {
      store.commit(manifest("hf", "org/model", version, PULLED, f));
      assertTrue(store.manifest("hf", "org/model", version).isPresent(), version);
      Path snapshot = store.materialize(store.manifest("hf", "org/model", version).orElseThrow());
      assertTrue(
          snapshot.normalize().startsWith(home.resolve("snapshots/hf/org/model")),
          snapshot.toString());
    }
    try (var walk = Files.walk(home.resolve("manifests"))) {
      assertTrue(walk.allMatch(p -> p.normalize().startsWith(home.resolve("manifests"))));
    }
    for (String name : List.of("../x", "a//b", "/abs", "a/..", "")) {
      assertThrows(
          GpuxException.class, () -> store.commit(manifest("hf", name, "v1", PULLED, f)), name);
    }
  }

  @Test
  void aVersionNamedLikeAModelSegmentDoesNotCollideWithThatModel() throws Exception {
    ManifestFile f = put(store, "weights.bin", "x");
    ManifestFile g = put(store, "other.bin", "y");
    store.commit(manifest("oci", "host/repo", "sub", PULLED, f));
    store.commit(manifest("oci", "host/repo/sub", "v1", PULLED, g));
    Path a = store.materialize(store.manifest("oci", "host/repo", "sub").orElseThrow());
    Path b = store.materialize(store.manifest("oci", "host/repo/sub", "v1").orElseThrow());
    assertFalse(b.startsWith(a));
    assertEquals(1, store.remove("oci", "host/repo", null));
    assertTrue(Files.exists(b.resolve("other.bin")));
    assertEquals(1, store.versions("oci", "host/repo/sub").size());
  }

  @Test
  void removeDropsVersionsTagsAndSnapshotsButKeepsBlobs() throws Exception {
    ManifestFile shared = put(store, "config.json", "shared");
    store.commit(manifest("v1", shared, put(store, "model.onnx", "1")));
    store.commit(manifest("v2", shared, put(store, "model.onnx", "2")));
    store.tag("hf", "org/model", "main", "v1");
    Path snapshot = store.materialize(store.manifest("hf", "org/model", "v1").orElseThrow());

    assertEquals(1, store.remove("hf", "org/model", "v1"));
    assertFalse(Files.exists(snapshot));
    assertTrue(store.resolve("hf", "org/model", "main").isEmpty(), "its tag went with it");
    assertTrue(store.hasBlob(sha256("1")), "blobs wait for prune");
    assertEquals(0, store.remove("hf", "org/model", "v1"));
    assertEquals(1, store.remove("hf", "org/model", null));
    assertTrue(store.list().isEmpty());
  }

  @Test
  void aDamagedManifestIsLeftOutOfTheListAndCanBeRemoved() throws Exception {
    store.commit(manifest("v1", put(store, "a", "1")));
    store.commit(manifest("v2", put(store, "a", "2")));
    Path file = store.layout().manifest("hf", "org/model", "v2");
    Files.writeString(file, "{ not json");
    assertEquals(List.of("v1"), store.list().stream().map(VersionManifest::version).toList());
    GpuxException e =
        assertThrows(GpuxException.class, () -> store.manifest("hf", "org/model", "v2"));
    assertTrue(e.problem().contains("is damaged"), e.problem());
    assertEquals(2, store.remove("hf", "org/model", null));
    assertFalse(Files.exists(file));
  }

  @Test
  void aManifestTheIndexMissedIsIndexedWhenLookedUp() throws Exception {
    ManifestFile f = put(store, "a", "1");
    // As if the process died between writing the manifest and indexing it.
    Path file = store.layout().manifest("hf", "org/model", "v1");
    Files.createDirectories(file.getParent());
    Files.write(file, ManifestJson.write(manifest("v1", f)));
    assertTrue(store.list().isEmpty());
    assertTrue(store.manifest("hf", "org/model", "v1").isPresent());
    assertEquals(1, store.list().size());
  }

  @Test
  void committingTheSameVersionAgainIndexesItIfTheIndexMissedIt() throws Exception {
    ManifestFile f = put(store, "a", "1");
    Path file = store.layout().manifest("hf", "org/model", "v1");
    Files.createDirectories(file.getParent());
    Files.write(file, ManifestJson.write(manifest("v1", f)));
    store.commit(manifest("v1", f));
    assertEquals(1, store.versions("hf", "org/model").size());
  }

  @Test
  void manifestsRoundTripThroughJson() throws Exception {
    VersionManifest m =
        new VersionManifest(
            1,
            "wandb",
            "entity/project/artifact",
            "v3:1234abcd",
            "production",
            Instant.parse("2026-01-02T03:04:05.123456789Z"),
            "https://api.wandb.ai/artifacts/entity/project/artifact",
            List.of(new ManifestFile("onnx/model.onnx", 3, sha256("abc"), "md5:900150983cd24fb0")),
            Map.of("run", "abc123", "framework", "onnx"));
    assertEquals(m, ManifestJson.read(ManifestJson.write(m)));
  }

  @Test
  void nullLineageValuesAreLeftOut() {
    Map<String, String> lineage = new java.util.HashMap<>();
    lineage.put("run", null);
    lineage.put("framework", "onnx");
    VersionManifest m =
        new VersionManifest(1, "hf", "a/b", "v", null, PULLED, null, List.of(), lineage);
    assertEquals(Map.of("framework", "onnx"), m.lineage());
  }

  @Test
  void schemaIsMigratedToTheLatestVersion() {
    assertEquals(Migrations.LATEST, store.schemaVersion());
  }

  @Test
  void aClockDecidesWhatIsStale() throws Exception {
    store.close();
    store =
        ModelStore.open(home, Clock.fixed(Instant.now().plus(Duration.ofDays(3)), ZoneOffset.UTC));
    Files.writeString(store.tempDir().resolve("old.partial"), "x");
    assertEquals(List.of("old.partial"), store.prune(true).partials());
  }
}
