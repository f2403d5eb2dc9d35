package io.gpux.store;

import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {
  @TempDir Path home;

  @Test
  void reportsCorruptAndMissingBlobsPerVersionWithoutFixingThem() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile a = put(store, "a", "aaaa");
      ManifestFile b = put(store, "b", "bbbb");
      store.commit(manifest("v1", a, b));
      store.commit(manifest("v2", a));
      assertTrue(store.verify().clean());

      StoreFixture.overwrite(store.blobPath(a.sha256()), "aaab");
      Files.delete(store.blobPath(b.sha256()));
      VerifyReport r = store.verify();
      assertFalse(r.clean());
      assertEquals(2, r.versions());
      assertEquals(3, r.files());
      assertEquals(
          List.of("hf:org/model@v1 a", "hf:org/model@v1 b", "hf:org/model@v2 a"),
          r.problems().stream().map(p -> p.reference() + " " + p.path()).toList());
      assertTrue(r.problems().get(0).what().startsWith("corrupt"), r.toString());
      assertEquals("missing", r.problems().get(1).what());
      assertEquals("aaab", Files.readString(store.blobPath(a.sha256())), "reported, not repaired");

      put(store, "a", "aaaa"); // what pull --force does
      put(store, "b", "bbbb");
      assertTrue(store.verify().clean());
    }
  }

  @Test
  void reportsATruncatedBlobBySize() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile a = put(store, "a", "aaaa");
      store.commit(manifest("v1", a));
      StoreFixture.overwrite(store.blobPath(a.sha256()), "aa");
      assertEquals("size 2, expected 4", store.verify().problems().get(0).what());
    }
  }

  @Test
  void reportsADamagedManifest() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(manifest("v1", put(store, "a", "aaaa")));
      Files.writeString(store.layout().manifest("hf", "org/model", "v1"), "[]");
      VerifyReport r = store.verify();
      assertEquals(1, r.problems().size());
      assertEquals("manifests/hf/org/model/@v1.json", r.problems().get(0).reference());
      assertTrue(r.problems().get(0).what().startsWith("damaged manifest"), r.toString());
    }
  }
}
