package io.gpux.bench;

import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the benchmark's generated model and its input: a MatMul chain heavy enough that one
 * inference takes over 10 ms on one thread.
 *
 * <pre>java ... GenerateModels OUT_DIR SIZE DEPTH BATCH</pre>
 */
public final class GenerateModels {
  private GenerateModels() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int size = Integer.parseInt(args[1]);
    int depth = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    Path model = OnnxModels.matMulChain(dir, size, depth);
    Random r = new Random(3);
    StringBuilder sb = new StringBuilder("{\"x\": [");
    for (int i = 0; i < batch; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < size; j++) {
        sb.append(j == 0 ? "" : ",").append((float) r.nextGaussian());
      }
      sb.append(']');
    }
    Files.writeString(dir.resolve("matmul_input.json"), sb.append("]}").toString());
    System.out.println(model);
  }
}
