package io.gpux.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.testing.oci.OciArtifacts;
import io.gpux.testing.oci.OciArtifacts.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image layers stacked as a container runtime stacks them, within limits. */
class OverlayTest {
  @TempDir Path work;

  private Path tar(String name, List<Entry> entries, boolean gzip) throws Exception {
    byte[] t = OciArtifacts.tar(entries);
    return Files.write(work.resolve(name), gzip ? OciArtifacts.gzip(t) : t);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anOpaqueWhiteoutHidesTheFolderOfEarlierLayersOnly() throws Exception {
    Path lower =
        tar(
            "lower.tar",
            List.of(Entry.file("models/a", text("a")), Entry.file("models/sub/b", text("b"))),
            false);
    Path upper =
        tar(
            "upper.tar",
            List.of(
                Entry.file("models/sub/c", text("c")),
                Entry.file("models/sub/.wh..wh..opq", new byte[0])),
            true);
    Path dir = Files.createDirectories(work.resolve("w"));
    try (Overlay o = new Overlay(dir, 1 << 20, 100)) {
      o.add(lower, Overlay.Compression.NONE, "models/", true, "lower");
      o.add(upper, Overlay.Compression.GZIP, "models/", true, "upper");
      assertEquals(Set.of("a", "sub/c"), o.files().keySet());
      assertEquals(io.gpux.digest.Sha256.hex(text("c")), o.files().get("sub/c").sha256());
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "close deletes what the store did not take");
    }
  }

  @Test
  void moreBytesOrEntriesThanTheLimitsAreRefused() throws Exception {
    Path big = tar("big.tar.gz", List.of(Entry.file("m/zeros", new byte[200_000])), true);
    GpuxException bytes =
        assertThrows(
            GpuxException.class,
            () -> {
              try (Overlay o = new Overlay(work, 100_000, 100)) {
                o.add(big, Overlay.Compression.GZIP, "", false, "layer big");
              }
            });
    assertTrue(bytes.problem().contains("unpacks to more than"), bytes.problem());
    Path many =
        tar(
            "many.tar",
            List.of(
                Entry.file("a", text("1")), Entry.file("b", text("2")), Entry.file("c", text("3"))),
            false);
    GpuxException entries =
        assertThrows(
            GpuxException.class,
            () -> {
              try (Overlay o = new Overlay(work, 1 << 20, 2)) {
                o.add(many, Overlay.Compression.NONE, "", false, "layer many");
              }
            });
    assertTrue(entries.problem().contains("more than 2 entries"), entries.problem());
  }

  @Test
  void aLoopOfLinksAndALinkToNothingAreRefused() throws Exception {
    Path loop = tar("loop.tar", List.of(Entry.symlink("a", "b"), Entry.symlink("b", "a")), false);
    Path dangling = tar("dangling.tar", List.of(Entry.symlink("a", "missing")), false);
    for (Path t : List.of(loop, dangling)) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () -> {
                try (Overlay o = new Overlay(work, 1 << 20, 100)) {
                  o.add(t, Overlay.Compression.NONE, "", false, t.getFileName().toString());
                  o.files();
                }
              });
      assertTrue(e.problem().startsWith("refusing"), e.problem());
    }
  }
}
