package io.gpux.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.Conversion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zipball a PyTorch Hub pull fetches, unpacked for the converter: GitHub's layout only. */
class PullConversionsTest {
  @TempDir Path dir;

  private Path zip(String... names) throws IOException {
    Path z = dir.resolve("repo-" + names.length + "-" + System.nanoTime() + ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
      for (String n : names) {
        out.putNextEntry(new ZipEntry(n));
        if (!n.endsWith("/")) {
          out.write(("# " + n + "\n").getBytes());
        }
        out.closeEntry();
      }
    }
    return z;
  }

  @Test
  void theOneTopLevelFolderIsTheRepository() throws Exception {
    Path z = zip("o-r-abc1234/", "o-r-abc1234/hubconf.py", "o-r-abc1234/pkg/m.py");
    Path repo = PullConversions.unzipSingleFolder(z, dir.resolve("out"), "torchhub:o/r/m");
    assertEquals("o-r-abc1234", repo.getFileName().toString());
    assertTrue(Files.isRegularFile(repo.resolve("hubconf.py")));
    assertTrue(Files.isRegularFile(repo.resolve("pkg/m.py")));
  }

  @Test
  void entriesLeavingTheFolderAndSeveralTopLevelEntriesAreRefused() throws Exception {
    GpuxException slip =
        assertThrows(
            GpuxException.class,
            () ->
                PullConversions.unzipSingleFolder(
                    zip("o-r/hubconf.py", "o-r/../../evil.py"),
                    dir.resolve("a"),
                    "torchhub:o/r/m"));
    assertEquals(ErrorCategory.INVALID_INPUT, slip.category());
    assertTrue(slip.problem().contains("would land outside its folder"), slip.problem());
    assertFalse(Files.exists(dir.resolve("evil.py")));
    GpuxException two =
        assertThrows(
            GpuxException.class,
            () ->
                PullConversions.unzipSingleFolder(
                    zip("a/hubconf.py", "b/x.py"), dir.resolve("b"), "torchhub:o/r/m"));
    assertTrue(two.problem().contains("2 top-level entries"), two.problem());
    assertTrue(two.hint().contains("GPUX_GITHUB_URL"), two.hint());
  }

  @Test
  void itTakesEveryFrameworkGpuxConvertKnowsAndNothingElse() {
    PullConversions c = new PullConversions(null, ConvertListener.NONE);
    assertTrue(c.converts(new Conversion("pytorch", "PyTorch Hub", "torchhub:o/r/m", null)));
    assertTrue(c.converts(new Conversion("tensorflow", "TensorFlow 2", "kaggle:x", null)));
    assertTrue(c.converts(new Conversion("tflite", "TFLite", "kaggle:x", null)));
    assertFalse(c.converts(new Conversion("jax", "JAX", "kaggle:x", null)));
  }
}
