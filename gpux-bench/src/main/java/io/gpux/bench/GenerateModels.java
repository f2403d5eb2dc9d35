package io.gpux.bench;

import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the benchmark's generated model and its input: {@code OnnxModels.matMulChain(dir, SIZE,
 * DEPTH)} (a MatMul chain heavy enough that one inference takes over 10 ms on one thread) and
 * {@code matmul_chain_SIZExDEPTH_bBATCH.json}, a seeded float32 {@code x[BATCH, SIZE]} that the
 * Java and the Python side both read, so both feed identical values to the identical file.
 *
 * <pre>java ... GenerateModels OUT_DIR SIZE DEPTH BATCH</pre>
 *
 * Prints the model's path, then the input's path.
 */
public final class GenerateModels {
  private GenerateModels() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: GenerateModels OUT_DIR SIZE DEPTH BATCH");
      System.exit(2);
    }
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
        // Float.toString is the shortest text that reads back as this float in Java and numpy.
        sb.append(j == 0 ? "" : ",").append((float) r.nextGaussian());
      }
      sb.append(']');
    }
    Path input = dir.resolve("matmul_chain_" + size + "x" + depth + "_b" + batch + ".json");
    Files.writeString(input, sb.append("]}").toString());
    System.out.println(model);
    System.out.println(input);
  }
}
