package io.gpux.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertOptionsTest {
  @TempDir Path dir;

  @Test
  void inputShapesParseAsTheFlagWritesThem() {
    Map<String, List<Long>> shapes =
        ConvertOptions.parseShapes(List.of("image=1x224x224x3", "serving_default_x:0=2X5"));
    assertEquals(List.of(1L, 224L, 224L, 3L), shapes.get("image"));
    assertEquals(List.of(2L, 5L), shapes.get("serving_default_x:0"));
    assertEquals("1x224x224x3", ConvertOptions.format(shapes.get("image")));
  }

  @Test
  void badInputShapesNameTheValueAndTheForm() {
    for (String bad :
        List.of(
            "image", "=1x2", "image=", "image=1x-1", "image=ax2", "image=0x2", "x=99999999999")) {
      GpuxException e =
          assertThrows(GpuxException.class, () -> ConvertOptions.parseShapes(List.of(bad)), bad);
      assertEquals(ErrorCategory.INVALID_INPUT, e.category(), bad);
      assertTrue(e.problem().contains(bad.isEmpty() ? "" : "--input-shape"), e.problem());
      assertTrue(e.hint() != null && !e.hint().isEmpty(), bad);
    }
    GpuxException twice =
        assertThrows(GpuxException.class, () -> ConvertOptions.parseShapes(List.of("a=1", "a=2")));
    assertTrue(twice.problem().contains("twice"), twice.problem());
  }

  @Test
  void opsetsAndTolerancesOutOfRangeAreBadInput() {
    assertEquals(
        ErrorCategory.INVALID_INPUT,
        assertThrows(GpuxException.class, () -> ConvertOptions.defaults().withOpset(99))
            .category());
    assertEquals(
        ErrorCategory.INVALID_INPUT,
        assertThrows(GpuxException.class, () -> ConvertOptions.defaults().withTolerance(-1.0, null))
            .category());
    assertEquals(17, ConvertOptions.defaults().effectiveOpset());
  }

  @Test
  void frameworksAreDetectedFromTheFiles() throws Exception {
    Path saved = Files.createDirectories(dir.resolve("sm"));
    Files.write(saved.resolve("saved_model.pb"), new byte[] {0});
    assertEquals(Framework.TENSORFLOW, ModelConverter.detect(saved));
    Path keras = Files.write(dir.resolve("m.keras"), new byte[] {0});
    assertEquals(Framework.KERAS, ModelConverter.detect(keras));
    assertEquals(
        Framework.KERAS, ModelConverter.detect(Files.write(dir.resolve("w.H5"), new byte[] {0})));
    Path lite = Files.createDirectories(dir.resolve("lite"));
    Files.write(lite.resolve("model.tflite"), new byte[] {0});
    assertEquals(Framework.TFLITE, ModelConverter.detect(lite));
    assertEquals(lite.resolve("model.tflite"), Framework.TFLITE.locate().apply(lite));
    Files.write(lite.resolve("other.tflite"), new byte[] {0});
    GpuxException two = assertThrows(GpuxException.class, () -> ModelConverter.detect(lite));
    assertEquals(ErrorCategory.INVALID_INPUT, two.category());
    assertTrue(two.hint().contains("--framework tensorflow, keras, tflite, pytorch"), two.hint());
    assertNull(Framework.named("caffe"));
    assertEquals(Framework.PYTORCH, Framework.named("pytorch"));
    Path pt = Files.write(dir.resolve("m.pt"), new byte[] {0});
    assertEquals(Framework.PYTORCH, ModelConverter.detect(pt));
    Path hub = Files.createDirectories(dir.resolve("hub"));
    Files.writeString(hub.resolve("hubconf.py"), "dependencies = []\n");
    Files.write(hub.resolve("weights.pt"), new byte[] {0});
    assertEquals(Framework.PYTORCH, ModelConverter.detect(hub));
    assertEquals(hub, Framework.PYTORCH.locate().apply(hub), "the repository, not its .pt file");
    assertEquals(Framework.TFLITE, Framework.named(" TFLite"));
    GpuxException unknown =
        assertThrows(GpuxException.class, () -> ModelConverter.framework("caffe"));
    assertTrue(unknown.problem().contains("unknown framework 'caffe'"), unknown.problem());
  }

  @Test
  void projectNamesComeFromTheSource() {
    assertEquals("tiny", ModelConverter.projectName(Path.of("/x/tiny.keras")));
    assertEquals("saved_model", ModelConverter.projectName(Path.of("/x/saved_model")));
    assertEquals("my-model-v2", ModelConverter.projectName(Path.of("/x/My Model v2.tflite")));
  }
}
