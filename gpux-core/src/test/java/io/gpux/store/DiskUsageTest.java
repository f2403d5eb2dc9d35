package io.gpux.store;

import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskUsageTest {
  @TempDir Path home;

  @Test
  void splitsEachVersionIntoBytesUniqueToItAndBytesSharedWithOthers() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile shared = put(store, "tokenizer.json", "shared tokenizer"); // 16 bytes
      ManifestFile only1 = put(store, "model.onnx", "weights one"); // 11
      ManifestFile only2 = put(store, "model.onnx", "weights two!"); // 12
      store.commit(manifest("v1", shared, only1));
      store.commit(manifest("v2", shared, only2));
      put(store, "orphan", "orphan"); // 6, referenced by nothing
      Files.writeString(store.tempDir().resolve("x.partial"), "part"); // 4

      DiskUsage d = store.diskUsage();
      DiskUsage.VersionUsage v1 = find(d, "hf:org/model@v1");
      assertEquals(27, v1.totalBytes());
      assertEquals(11, v1.uniqueBytes());
      assertEquals(16, v1.sharedBytes());
      DiskUsage.VersionUsage v2 = find(d, "hf:org/model@v2");
      assertEquals(12, v2.uniqueBytes());
      assertEquals(16, v2.sharedBytes());
      assertEquals(16 + 11 + 12 + 6, d.storeBytes());
      assertEquals(16 + 11 + 12, d.referencedBytes(), "a shared blob counts once");
      assertEquals(6, d.unreferencedBytes());
      assertEquals(4, d.partialBytes());
    }
  }

  @Test
  void aFileUsedTwiceInOneVersionIsStillUniqueToIt() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile a = put(store, "a.bin", "same");
      store.commit(manifest("v1", a, new ManifestFile("copy/a.bin", a.size(), a.sha256(), null)));
      DiskUsage.VersionUsage v1 = find(store.diskUsage(), "hf:org/model@v1");
      assertEquals(8, v1.totalBytes());
      assertEquals(4, v1.uniqueBytes());
      assertEquals(0, v1.sharedBytes());
    }
  }

  private static DiskUsage.VersionUsage find(DiskUsage d, String reference) {
    return d.versions().stream()
        .filter(v -> v.reference().equals(reference))
        .findFirst()
        .orElseThrow(() -> new AssertionError(d.toString()));
  }
}
