package io.gpux.versions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.RemoteFile;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.RegistryDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What changed between a stored version and a remote one, by the strongest digest both have. */
class ChangesTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static VersionManifest local(ManifestFile... files) {
    return new VersionManifest(
        1,
        "hf",
        "org/m",
        "c1",
        "main",
        Instant.EPOCH,
        null,
        List.of(files),
        Map.of("derived:gpux.yml", "generated"));
  }

  @Test
  void filesAreComparedBySha256ThenRegistryDigestThenSize() {
    VersionManifest local =
        local(
            new ManifestFile("model.onnx", 100, A, null),
            new ManifestFile("config.json", 10, B, "git-blob-sha1:" + "1".repeat(40)),
            new ManifestFile("notes.txt", 5, B, null),
            new ManifestFile("old.txt", 7, A, null),
            new ManifestFile("gpux.yml", 50, A, null));
    List<RemoteFile> remote =
        List.of(
            new RemoteFile("model.onnx", 100, A, null, null),
            new RemoteFile(
                "config.json",
                10,
                null,
                new RegistryDigest(RegistryDigest.Algorithm.GIT_BLOB_SHA1, "2".repeat(40)),
                null),
            new RemoteFile("notes.txt", 5, null, null, null),
            new RemoteFile("new.bin", 20, null, null, null));
    Changes c = Changes.between(local, remote);
    assertEquals(List.of("new.bin"), c.added());
    assertEquals(List.of("old.txt"), c.removed(), "a derived gpux.yml is the store's, not removed");
    assertEquals(List.of("config.json"), c.changed(), "the git blob id differs");
    assertEquals(List.of("notes.txt"), c.unknown(), "same size and no digest: cannot tell");
    assertEquals(20 - 7, c.bytesDelta());
    assertEquals(false, c.signatureChanged(), "model.onnx has the same sha256");
  }

  @Test
  void aSizeChangeIsAChangeWithoutDigests() {
    Changes c =
        Changes.between(
            local(new ManifestFile("MLmodel", 300, A, null)),
            List.of(new RemoteFile("MLmodel", 310, null, null, null)));
    assertEquals(List.of("MLmodel"), c.changed());
    assertEquals(10, c.bytesDelta());
    Changes model =
        Changes.between(
            local(new ManifestFile("model.onnx", 300, A, null)),
            List.of(new RemoteFile("model.onnx", 300, B, null, null)));
    assertEquals(null, model.signatureChanged(), "unknown without the new model's bytes");
  }
}
