package io.gpux.store;

import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
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
  void laysOutEveryFileAtItsPathWithItsBytes() throws Exception {
    VersionManifest m =
        store.commit(
            manifest(
                "v1",
                put(store, "onnx/model.onnx", "graph"),
                put(store, "onnx/model.onnx_data", "external weights"),
                put(store, "tokenizer.json", "{}")));
    Path dir = store.materialize(m);
    assertEquals(home.resolve("snapshots/hf/org/model/@v1"), dir);
    assertEquals("graph", Files.readString(dir.resolve("onnx/model.onnx")));
    assertEquals("external weights", Files.readString(dir.resolve("onnx/model.onnx_data")));
    assertEquals("{}", Files.readString(dir.resolve("tokenizer.json")));
    try (Stream<Path> files = Files.walk(dir)) {
      assertEquals(3, files.filter(Files::isRegularFile).count(), "nothing else in the folder");
    }
  }

  @Test
  void filesAreHardLinksToTheBlobs() throws Exception {
    ManifestFile f = put(store, "tokenizer.json", "{}");
    Path dir = store.materialize(store.commit(manifest("v1", f)));
    Object key =
        Files.readAttributes(dir.resolve("tokenizer.json"), BasicFileAttributes.class).fileKey();
    Object blobKey =
        Files.readAttributes(store.blobPath(f.sha256()), BasicFileAttributes.class).fileKey();
    if (key != null) { // null where the file system has no inodes to compare
      assertEquals(blobKey, key, "a hard link, not a copy");
    }
  }

  @Test
  void isIdempotentAndRepairsAnIncompleteSnapshot() throws Exception {
    VersionManifest m =
        store.commit(manifest("v1", put(store, "a/b.txt", "b"), put(store, "c", "c")));
    Path dir = store.materialize(m);
    Object before = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    assertEquals(dir, store.materialize(m));
    assertEquals(
        before, Files.readAttributes(dir, BasicFileAttributes.class).fileKey(), "not rebuilt");
    Files.delete(dir.resolve("a/b.txt"));
    assertEquals(dir, store.materialize(m));
    assertEquals("b", Files.readString(dir.resolve("a/b.txt")));
    try (Stream<Path> siblings = Files.list(dir.getParent())) {
      assertEquals(List.of(dir), siblings.toList(), "no temporary folder left behind");
    }
  }

  @Test
  void refusesWhenABlobIsMissingNamingIt() throws Exception {
    ManifestFile f = put(store, "model.onnx", "w");
    VersionManifest m = store.commit(manifest("v1", f));
    Files.delete(store.blobPath(f.sha256()));
    GpuxException e = assertThrows(GpuxException.class, () -> store.materialize(m));
    assertTrue(e.problem().contains(f.sha256()), e.problem());
    assertFalse(Files.exists(home.resolve("snapshots/hf/org/model/@v1")));
  }
}
