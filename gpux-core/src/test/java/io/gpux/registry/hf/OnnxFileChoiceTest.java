package io.gpux.registry.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxFileChoiceTest {
  private static final List<String> XENOVA =
      List.of(
          ".gitattributes",
          "README.md",
          "config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "vocab.txt",
          "onnx/model.onnx",
          "onnx/model_quantized.onnx",
          "onnx/model_fp16.onnx",
          "pytorch_model.bin");

  @Test
  void picksThePlainModelWithItsTokenizerAndConfig() {
    assertEquals(
        List.of(
            "onnx/model.onnx",
            "tokenizer.json",
            "tokenizer_config.json",
            "config.json",
            "vocab.txt",
            "README.md"),
        OnnxFileChoice.choose("hf:x", XENOVA, null, List.of(), List.of()));
  }

  @Test
  void variantPicksTheQuantizedExport() {
    assertEquals(
        "onnx/model_quantized.onnx",
        OnnxFileChoice.choose("hf:x", XENOVA, "quantized", List.of(), List.of()).get(0));
  }

  @Test
  void unknownVariantListsTheAvailableOnes() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> OnnxFileChoice.choose("hf:x", XENOVA, "int4", List.of(), List.of()));
    assertTrue(e.hint().contains("quantized") && e.hint().contains("fp16"), e.hint());
  }

  @Test
  void externalDataTravelsWithTheModel() {
    List<String> files = List.of("model.onnx", "model.onnx_data", "other.onnx_data", "config.json");
    assertEquals(
        List.of("model.onnx", "model.onnx_data", "config.json"),
        OnnxFileChoice.choose("hf:x", files, null, List.of(), List.of()));
  }

  @Test
  void includeAndExcludePatterns() {
    List<String> chosen =
        OnnxFileChoice.choose(
            "hf:x", XENOVA, null, List.of("*.bin"), List.of("README.md", "vocab.*"));
    assertTrue(chosen.contains("pytorch_model.bin"));
    assertTrue(!chosen.contains("README.md") && !chosen.contains("vocab.txt"), chosen.toString());
  }

  @Test
  void aRepositoryWithoutOnnxSaysWhatItHas() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                OnnxFileChoice.choose(
                    "hf:org/m",
                    List.of("model.safetensors", "config.json"),
                    null,
                    List.of(),
                    List.of()));
    assertTrue(
        e.problem().contains("has no ONNX model file (it has model.safetensors)"), e.problem());
    assertTrue(e.hint().contains("conversion"), e.hint());
  }
}
