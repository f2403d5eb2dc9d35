package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability checked after the fact: records of unforced blobs, settled or checked at open. */
class WriteBackTest {
  private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
  @TempDir Path home;

  private ModelStore open(String boot, Instant now) {
    return ModelStore.open(
        home, Clock.fixed(now, ZoneOffset.UTC), false, Optional.ofNullable(boot));
  }

  private List<String> records() throws Exception {
    try (Stream<Path> s = Files.list(home.resolve("writeback"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aBlobLeftToTheKernelIsRecordedThenSettledOnceItHadTimeToReachTheDisk() throws Exception {
    ManifestFile f;
    try (ModelStore store = open("boot-a", T0)) {
      f = StoreFixture.put(store, "model.onnx", "weights");
      store.commit(StoreFixture.manifest("v1", f));
    }
    assertEquals(List.of(f.sha256()), records(), "recorded before the blob entered the store");
    try (ModelStore store = open("boot-a", T0.plusSeconds(10))) {
      assertEquals(List.of(f.sha256()), records(), "too soon: the kernel may still be writing");
    }
    try (ModelStore store = open("boot-a", T0.plus(WriteBack.SETTLE_AFTER).plusSeconds(1))) {
      assertTrue(records().isEmpty(), "forced (nearly free by now) and forgotten");
      assertTrue(store.damagedAfterRestart().isEmpty());
      assertTrue(store.verify().problems().isEmpty());
    }
  }

  @Test
  void afterARestartABlobACrashDamagedIsFoundAndRemovedAndTheOthersKept() throws Exception {
    ManifestFile good;
    ManifestFile torn;
    try (ModelStore store = open("boot-a", T0)) {
      good = StoreFixture.put(store, "config.json", "{}");
      torn = StoreFixture.put(store, "model.onnx", "weights that never reached the disk");
      store.commit(StoreFixture.manifest("v1", good, torn));
    }
    // What a power cut can leave of a file the kernel had not written back: fewer bytes.
    StoreFixture.overwrite(home.resolve("blobs/sha256").resolve(torn.sha256()), "weights");

    try (ModelStore store = open("boot-b", T0.plusSeconds(5))) {
      assertEquals(List.of(torn.sha256()), store.damagedAfterRestart());
      assertTrue(records().isEmpty());
      assertFalse(store.hasBlob(torn.sha256()), "a damaged model is never used");
      assertTrue(store.hasBlob(good.sha256()));
      VerifyReport report = store.verify();
      assertEquals(1, report.problems().size(), report.problems().toString());
      assertEquals("model.onnx", report.problems().get(0).path());
      assertEquals("missing", report.problems().get(0).what());
    }
  }

  @Test
  void aBlobWithTheRightSizeButOtherBytesIsCaughtByItsDigest() throws Exception {
    ManifestFile f;
    try (ModelStore store = open("boot-a", T0)) {
      f = StoreFixture.put(store, "model.onnx", "abcdef");
    }
    StoreFixture.overwrite(home.resolve("blobs/sha256").resolve(f.sha256()), "\0\0\0\0\0\0");
    try (ModelStore store = open("boot-b", T0)) {
      assertEquals(List.of(f.sha256()), store.damagedAfterRestart());
    }
  }

  /**
   * Records are not forced (only their folder is), so a power cut may leave one empty, cut short or
   * zero-filled: each still has its blob checked after the restart, never trusted.
   */
  @Test
  void aRecordThePowerCutEmptiedOrCutShortStillHasItsBlobChecked() throws Exception {
    ManifestFile[] f = new ManifestFile[4];
    try (ModelStore store = open("boot-a", T0)) {
      for (int i = 0; i < f.length; i++) {
        f[i] = StoreFixture.put(store, "f" + i + ".bin", "bytes that never reached the disk " + i);
      }
    }
    Path records = home.resolve("writeback");
    String whole = Files.readString(records.resolve(f[0].sha256()));
    StoreFixture.overwrite(records.resolve(f[0].sha256()), "");
    StoreFixture.overwrite(records.resolve(f[1].sha256()), whole.substring(0, 3));
    StoreFixture.overwrite(records.resolve(f[2].sha256()), "\0".repeat(whole.length()));
    // The record lost its size, not its boot id: the digest still decides.
    StoreFixture.overwrite(
        records.resolve(f[3].sha256()), whole.substring(0, whole.lastIndexOf(' ')));
    for (ManifestFile m : f) {
      StoreFixture.overwrite(home.resolve("blobs/sha256").resolve(m.sha256()), "torn");
    }
    try (ModelStore store = open("boot-b", T0.plusSeconds(5))) {
      assertEquals(
          java.util.Arrays.stream(f).map(ManifestFile::sha256).sorted().toList(),
          store.damagedAfterRestart().stream().sorted().toList());
      assertTrue(records().isEmpty());
    }
  }

  @Test
  void forcedBlobsAndSystemsWithoutABootIdKeepNoRecords() throws Exception {
    try (ModelStore store =
        ModelStore.open(home, Clock.fixed(T0, ZoneOffset.UTC), true, Optional.of("boot-a"))) {
      StoreFixture.put(store, "a.bin", "forced");
    }
    assertTrue(records().isEmpty(), "GPUX_FSYNC=1: forced before the rename, nothing to check");
    try (ModelStore store = open(null, T0)) {
      StoreFixture.put(store, "b.bin", "no boot id");
    }
    assertTrue(records().isEmpty(), "no way to tell a restart: forced instead");
  }
}
