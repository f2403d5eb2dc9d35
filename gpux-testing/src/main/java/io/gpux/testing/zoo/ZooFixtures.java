package io.gpux.testing.zoo;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.TensorProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zoo models tests share, generated at test time: {@code Adder} ({@code y = x + 1} on float32
 * {@code x[batch, 4]}) at opsets 7 and 12 (the same graph; opset 12's bytes differ by a doc string,
 * so the two files have different sha256s), each with a {@code model_with_data} archive whose
 * {@code test_data_set_0} holds {@link #INPUT} and its expected output.
 */
public final class ZooFixtures {
  public static final float[] INPUT = {1, 2, 3, 4};
  public static final float[] OUTPUT = {2, 3, 4, 5};

  private ZooFixtures() {}

  /** The model's bytes at {@code opset} (written into {@code dir}). */
  public static byte[] adder(Path dir, int opset) {
    try {
      Path file =
          OnnxModels.addOne(Files.createDirectories(dir).resolve("adder-" + opset + ".onnx"));
      byte[] bytes = Files.readAllBytes(file);
      if (opset != 12) {
        // Another file for another opset: a trailing unknown field (doc_string, 6) changes the
        // bytes and not the model.
        byte[] tag = ("adder opset " + opset).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 2 + tag.length);
        out[bytes.length] = (6 << 3) | 2;
        out[bytes.length + 1] = (byte) tag.length;
        System.arraycopy(tag, 0, out, bytes.length + 2, tag.length);
        return out;
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The zoo archive of {@code model}: {@code <folder>/model.onnx} and one data set. */
  public static byte[] archive(String folder, byte[] model, float[] expected) {
    return new ZooArchive(folder, model)
        .tensor(0, "input", 0, TensorProtos.raw("x", "float32", new long[] {1, 4}, INPUT))
        .tensor(0, "output", 0, TensorProtos.raw("y", "float32", new long[] {1, 4}, expected))
        .toTarGz();
  }

  /**
   * Adds Adder at opsets 7 and 12 to {@code server} (tags {@code arithmetic}), with archives.
   *
   * @return the opset-12 model's path in the catalogue
   */
  public static String addAdder(ZooServer server, Path dir) {
    byte[] m7 = adder(dir, 7);
    server.model("Adder", 7, m7, archive("adder", m7, OUTPUT), "arithmetic");
    byte[] m12 = adder(dir, 12);
    return server.model("Adder", 12, m12, archive("adder", m12, OUTPUT), "arithmetic");
  }
}
