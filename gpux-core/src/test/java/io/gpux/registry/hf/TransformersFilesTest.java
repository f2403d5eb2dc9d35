package io.gpux.registry.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gpux.convert.ConvertOptions;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.PullOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which files a --convert pull of a Transformers repository fetches, and what it refuses. */
class TransformersFilesTest {
  private static final String REF = "hf:acme/bert@main";
  private static final PullOptions CONVERT =
      PullOptions.defaults().withConversion(true, false, null);

  @Test
  void safetensorsAndTheTokenizerAreFetchedNotThePickles() {
    TransformersFiles t =
        TransformersFiles.of(
            List.of(
                "config.json",
                "model.safetensors",
                "pytorch_model.bin",
                "tf_model.h5",
                "tokenizer.json",
                "vocab.txt",
                "onnx-notes/readme.txt",
                "README.md"));
    assertEquals(
        List.of("config.json", "tokenizer.json", "vocab.txt", "README.md", "model.safetensors"),
        t.choose(REF, CONVERT));
  }

  @Test
  void shardedWeightsComeWithTheirIndex() {
    TransformersFiles t =
        TransformersFiles.of(
            List.of(
                "config.json",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"));
    assertEquals(
        List.of(
            "config.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json"),
        t.choose(REF, CONVERT));
  }

  @Test
  void aRepositoryWithOnnxOrWithoutConfigIsNoneOfThis() {
    assertNull(TransformersFiles.of(List.of("config.json", "model.safetensors", "model.onnx")));
    assertNull(TransformersFiles.of(List.of("pytorch_model.bin")));
    assertNull(TransformersFiles.of(List.of("config.json", "README.md")));
  }

  @Test
  void withoutConvertTheRefusalNamesTheFlag() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                TransformersFiles.of(List.of("config.json", "model.safetensors"))
                    .choose(REF, PullOptions.defaults()));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertEquals(
        "hf:acme/bert@main has no ONNX file but Transformers weights (model.safetensors): add"
            + " --convert to export it to ONNX",
        e.problem());
  }

  @Test
  void picklesOnlyNeedTrust() {
    TransformersFiles t = TransformersFiles.of(List.of("config.json", "pytorch_model.bin"));
    GpuxException e = assertThrows(GpuxException.class, () -> t.choose(REF, CONVERT));
    assertEquals(
        "hf:acme/bert@main has only pickle weights (pytorch_model.bin), and loading a pickle runs"
            + " code: add --trust to convert it",
        e.problem());
    assertEquals(
        List.of("config.json", "pytorch_model.bin"),
        t.choose(REF, PullOptions.defaults().withConversion(true, true, null)));
  }

  @Test
  void excludeStillApplies() {
    TransformersFiles t =
        TransformersFiles.of(List.of("config.json", "model.safetensors", "README.md"));
    assertEquals(
        List.of("config.json", "model.safetensors"),
        t.choose(
            REF,
            new PullOptions(List.of(), List.of("*.md"), null, false)
                .withConversion(true, false, null)));
  }

  @Test
  void anUnknownTaskNamesTheNearestOnes() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> ConvertOptions.checkTask("text-clasification"));
    assertEquals(
        "unknown task 'text-clasification'; did you mean text-classification?", e.problem());
    GpuxException far = assertThrows(GpuxException.class, () -> ConvertOptions.checkTask("speech"));
    assertEquals("unknown task 'speech'", far.problem());
    assertEquals("fill-mask", ConvertOptions.checkTask(" Fill-Mask "));
  }

  @Test
  void anotherTaskIsAnotherSelection() {
    assertEquals(
        "task-fill-mask",
        PullOptions.defaults().withConversion(true, false, "fill-mask").selection());
    assertNull(PullOptions.defaults().withConversion(true, false, null).selection());
  }
}
