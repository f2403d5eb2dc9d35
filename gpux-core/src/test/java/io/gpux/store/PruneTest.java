package io.gpux.store;

import static io.gpux.store.StoreFixture.age;
import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {
  private static final Duration OLD = Duration.ofDays(2);

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

  @Test
  void partialsThatCannotBeResumedGoAtOnceAndThoseBeingWrittenStay() throws Exception {
    String key = "0123456789abcdef0123456789abcdef";
    Path whole = Files.write(store.tempDir().resolve(key + ".4.partial"), new byte[4]);
    Path over =
        Files.write(store.tempDir().resolve("1" + key.substring(1) + ".4.partial"), new byte[9]);
    Path unknown =
        Files.write(store.tempDir().resolve("2" + key.substring(1) + ".x.partial"), new byte[9]);
    Path older = Files.write(store.tempDir().resolve("abc.partial"), new byte[9]);
    Path sidecar =
        Files.writeString(over.resolveSibling(over.getFileName() + ".parts"), "gpux-parts");
    Path resumable =
        Files.write(store.tempDir().resolve("3" + key.substring(1) + ".10.partial"), new byte[4]);
    Path busy =
        Files.write(store.tempDir().resolve("4" + key.substring(1) + ".x.partial"), new byte[9]);
    // A pull in another process writes `busy`: it holds the lock on its lock file.
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,sys,time; f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX);"
                    + " print('locked', flush=True); time.sleep(60)",
                busy + ".lock")
            .redirectErrorStream(true)
            .start();
    try {
      assertEquals(
          "locked",
          new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
              .readLine());
      PruneReport r = store.prune(false);
      assertEquals(
          java.util.Set.of(
              over.getFileName().toString(),
              unknown.getFileName().toString(),
              older.getFileName().toString()),
          java.util.Set.copyOf(r.partials()));
      assertTrue(Files.exists(whole), "a whole partial is checked and moved by the next pull");
      for (Path gone : List.of(over, unknown, older, sidecar)) {
        assertFalse(Files.exists(gone), gone + " stays");
      }
      assertTrue(Files.exists(resumable), "a partial a later pull resumes stays for a day");
      assertTrue(Files.exists(busy), "a partial being written is never touched");
    } finally {
      holder.destroy();
      holder.waitFor();
    }
  }

  @Test
  void aDryRunReportsWhatARealRunDeletes() throws Exception {
    ManifestFile kept = put(store, "model.onnx", "kept");
    store.commit(manifest("v1", kept));
    ManifestFile orphan = put(store, "x", "orphan");
    age(store.blobPath(orphan.sha256()), OLD);
    age(store.blobPath(kept.sha256()), OLD);
    Path stale = Files.writeString(store.tempDir().resolve("abc.partial"), "half");
    age(stale, OLD);
    // A partial a later pull can resume: its listed size (100) is in its name, and it is shorter.
    Path active =
        Files.writeString(
            store.tempDir().resolve("0123456789abcdef0123456789abcdef.100.partial"), "downloading");

    PruneReport dry = store.prune(true);
    assertTrue(dry.dryRun());
    assertEquals(List.of(orphan.sha256()), dry.blobs());
    assertEquals(List.of("abc.partial"), dry.partials());
    assertEquals("orphan".length() + "half".length(), dry.bytes());
    assertTrue(store.hasBlob(orphan.sha256()), "a dry run deletes nothing");
    assertTrue(Files.exists(stale));

    PruneReport real = store.prune(false);
    assertEquals(dry.blobs(), real.blobs());
    assertEquals(dry.bytes(), real.bytes());
    assertFalse(store.hasBlob(orphan.sha256()));
    assertTrue(store.hasBlob(kept.sha256()), "referenced blobs stay, however old");
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(active), "a download in progress stays");
    assertTrue(store.verify().clean());
    assertEquals(0, store.prune(false).bytes(), "nothing left to do");
  }

  @Test
  void youngUnreferencedBlobsStayBecauseAPullMayBeAboutToCommitThem() throws Exception {
    ManifestFile fresh = put(store, "y", "fresh orphan");
    java.time.Instant written =
        Files.getLastModifiedTime(store.blobPath(fresh.sha256())).toInstant();
    PruneReport r = store.prune(false);
    assertTrue(r.blobs().isEmpty());
    assertTrue(store.hasBlob(fresh.sha256()));
    assertEquals(1, r.kept().blobs(), "the report says what it kept");
    assertEquals("fresh orphan".length(), r.kept().bytes());
    assertEquals(ModelStore.PRUNE_GRACE, r.kept().grace());
    assertEquals(written.plus(ModelStore.PRUNE_GRACE), r.kept().until(), "and until when");
  }

  @Test
  void pruneNowDeletesYoungUnreferencedBlobsToo() throws Exception {
    ManifestFile fresh = put(store, "y", "fresh orphan");
    ManifestFile used = put(store, "model.onnx", "used");
    store.commit(manifest("v1", used));
    PruneReport r = store.prune(false, true);
    assertEquals(List.of(fresh.sha256()), r.blobs());
    assertEquals(0, r.kept().blobs());
    assertFalse(store.hasBlob(fresh.sha256()));
    assertTrue(store.hasBlob(used.sha256()), "a referenced blob stays, whatever --now says");
    assertTrue(store.verify().clean());
  }

  @Test
  void removeThenPruneFreesWhatOnlyThatVersionUsed() throws Exception {
    ManifestFile shared = put(store, "config.json", "shared");
    ManifestFile only1 = put(store, "model.onnx", "only in v1");
    store.commit(manifest("v1", shared, only1));
    store.commit(manifest("v2", shared, put(store, "model.onnx", "only in v2")));
    store.remove("hf", "org/model", "v1");
    age(store.blobPath(only1.sha256()), OLD);
    age(store.blobPath(shared.sha256()), OLD);
    assertEquals(List.of(only1.sha256()), store.prune(false).blobs());
    assertTrue(store.hasBlob(shared.sha256()));
    assertTrue(store.verify().clean());
  }

  @Test
  void aManifestTheIndexMissedStillProtectsItsBlobs() throws Exception {
    ManifestFile f = put(store, "a", "unindexed");
    age(store.blobPath(f.sha256()), OLD);
    Path file = store.layout().manifest("hf", "org/model", "v1");
    Files.createDirectories(file.getParent());
    Files.write(file, ManifestJson.write(manifest("v1", f)));
    assertTrue(store.prune(false).blobs().isEmpty());
    assertTrue(store.hasBlob(f.sha256()));
  }

  @Test
  void refusesToPruneWhileAManifestIsDamaged() throws Exception {
    ManifestFile f = put(store, "a", "1");
    store.commit(manifest("v1", f));
    age(store.blobPath(put(store, "b", "orphan").sha256()), OLD);
    Files.writeString(store.layout().manifest("hf", "org/model", "v1"), "{\"files\": 3");
    GpuxException e = assertThrows(GpuxException.class, () -> store.prune(false));
    assertTrue(e.problem().contains("is damaged"), e.problem());
    assertTrue(store.hasBlob(f.sha256()));
  }

  @Test
  void deletesLeftoversOfInterruptedWritesAndEmptyFolders() throws Exception {
    ManifestFile f = put(store, "onnx/model.onnx", "w");
    VersionManifest v1 = store.commit(manifest("v1", f));
    VersionManifest v2 = store.commit(manifest("hf", "gone/model", "v2", StoreFixture.PULLED, f));
    Path live = store.materialize(v1);
    Path removed = store.materialize(v2);
    // A removal that died before deleting the snapshot; a commit that died before its rename.
    Files.delete(store.layout().manifest("hf", "gone/model", "v2"));
    Path tmpManifest =
        Files.writeString(
            store.layout().manifest("hf", "org/model", "v3").resolveSibling(".@v3.json123.tmp"),
            "{");
    Path building = Files.createDirectories(live.resolveSibling(".snapshot123"));
    for (Path p : List.of(removed, tmpManifest)) {
      age(p, OLD);
    }
    store.rebuildIndex();

    PruneReport r = store.prune(false);
    assertEquals(
        List.of("manifests/hf/org/model/.@v3.json123.tmp", "snapshots/hf/gone/model/@v2"),
        r.leftovers());
    assertFalse(Files.exists(removed));
    assertFalse(Files.exists(home.resolve("snapshots/hf/gone")), "emptied folders go");
    assertFalse(Files.exists(home.resolve("manifests/hf/gone")));
    assertTrue(Files.exists(building), "a young snapshot under construction stays");
    assertEquals("w", Files.readString(live.resolve("onnx/model.onnx")));
    assertTrue(Files.isDirectory(home.resolve("manifests")));
  }
}
