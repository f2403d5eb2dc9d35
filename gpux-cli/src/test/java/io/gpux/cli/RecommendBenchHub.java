package io.gpux.cli;

import io.gpux.testing.OnnxModelBuilder;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Hugging Face test hub for {@code bench/recommend.sh}: {@code RecommendBenchHub PORT DIR}
 * serves ten tabular classifiers (MLPs of width 64 to 576, each with a model-index accuracy) on
 * PORT until killed, printing {@code ready} once it answers.
 */
public final class RecommendBenchHub {
  private RecommendBenchHub() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[1]));
    FakeHfHub hub = FakeHfHub.start(Integer.parseInt(args[0]));
    for (int i = 0; i < 10; i++) {
      int width = 64 + 56 * i;
      OnnxModelBuilder b = OnnxModels.builder().opset(17).input("x", "float32", "batch", width);
      b.initializer("w", "float32", new long[] {width, width}, new float[width * width]);
      b.node("MatMul", List.of("x", "w"), List.of("y"));
      Path f = dir.resolve("m" + i + ".onnx");
      b.output("y", "float32", "batch", width).writeTo(f);
      hub.repo("bench/classifier-" + i)
          .file("model.onnx", Files.readAllBytes(f))
          .file(
              "README.md",
              "---\nmodel-index:\n- name: c\n  results:\n  - metrics:\n    - {type: accuracy, value: "
                  + (0.7 + 0.02 * i)
                  + "}\n---\n")
          .pipelineTag("tabular-classification")
          .commit("initial");
    }
    System.out.println("ready " + hub.url());
    System.out.flush();
    Thread.currentThread().join();
  }
}
