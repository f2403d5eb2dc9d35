package io.gpux.testing.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server's folder layout and options ({@code FakeHfHub.main}). */
class FolderImportTest {
  @TempDir Path root;

  @Test
  void eachOrgNameFolderIsARepoWithOneCommitOnMain() throws Exception {
    Path repo = Files.createDirectories(root.resolve("acme/bert/onnx"));
    Files.writeString(root.resolve("acme/bert/config.json"), "{}");
    Files.write(repo.resolve("model.onnx"), FakeHfHubDownloadTest.bytes(300));
    Files.write(root.resolve("acme/bert/weights.bin"), new byte[] {1, 2});
    Files.writeString(
        root.resolve("acme/bert/.gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    Files.createDirectories(root.resolve("acme/bert/.git"));
    Files.writeString(root.resolve("acme/bert/.git/HEAD"), "ref: refs/heads/main\n");
    Files.createDirectories(root.resolve("other/tiny"));
    Files.writeString(root.resolve("other/tiny/README.md"), "# tiny\n");

    try (FakeHfHub hub =
        FolderImport.serve(
            List.of("--root", root.toString(), "--lfs-threshold", "256", "--page-size", "1"))) {
      Map<String, HubFile> files = hub.repo("acme/bert").files("main");
      assertEquals(
          List.of(".gitattributes", "config.json", "onnx/model.onnx", "weights.bin"),
          List.copyOf(files.keySet()));
      assertTrue(files.get("onnx/model.onnx").lfs(), "over the threshold");
      assertTrue(files.get("weights.bin").lfs(), "marked by .gitattributes");
      assertFalse(files.get("config.json").lfs());
      assertTrue(hub.repo("other/tiny").resolve("main") != null);
      assertArrayEquals(
          FakeHfHubDownloadTest.bytes(300),
          Http.get(hub.cdnUrl(files.get("onnx/model.onnx").sha256())).body());
      assertTrue(
          Http.get(hub.url() + "/api/models").headers().firstValue("Link").isPresent(),
          "pages of 1");
    }
  }

  @Test
  void badArgumentsAreRejectedWithTheReason() {
    IllegalArgumentException noRoot =
        assertThrows(
            IllegalArgumentException.class, () -> FolderImport.serve(List.of("--port", "0")));
    assertTrue(noRoot.getMessage().contains("--root"), noRoot.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> FolderImport.serve(List.of("--colour", "red")));
    assertThrows(IllegalArgumentException.class, () -> FolderImport.serve(List.of("--root")));
  }
}
