package io.gpux.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every ready-made model must load and compute the right numbers in ONNX Runtime. */
class OnnxModelsTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @TempDir Path dir;

  private final List<OnnxTensor> tensors = new ArrayList<>();

  @AfterEach
  void closeTensors() {
    tensors.forEach(OnnxTensor::close);
  }

  @Test
  void addOneAddsOneToEveryElement() throws OrtException {
    Path model = OnnxModels.addOne(dir);
    assertEquals(dir.resolve("add_one.onnx"), model);
    try (OrtSession session = session(model)) {
      float[][] x = {{1, 2, 3, 4}, {-1, 0, 0.5f, 100}};
      float[][] y = (float[][]) run(session, Map.of("x", tensor(x))).get("y");
      assertArrayEquals(new float[] {2, 3, 4, 5}, y[0]);
      assertArrayEquals(new float[] {0, 1, 1.5f, 101}, y[1]);
    }
  }

  @Test
  void addConstantAddsItsConstant() throws OrtException {
    Path model = OnnxModels.addConstant(dir, 2.5f);
    assertEquals(dir.resolve("add_constant.onnx"), model);
    try (OrtSession session = session(model)) {
      float[][] y =
          (float[][]) run(session, Map.of("x", tensor(new float[][] {{1, 2, 3, 4}}))).get("y");
      assertArrayEquals(new float[] {3.5f, 4.5f, 5.5f, 6.5f}, y[0]);
    }
  }

  @Test
  void addOneDeclaresANamedBatchDimension() throws OrtException {
    try (OrtSession session = session(OnnxModels.addOne(dir))) {
      TensorInfo x = (TensorInfo) session.getInputInfo().get("x").getInfo();
      assertArrayEquals(new long[] {-1, 4}, x.getShape());
      assertArrayEquals(new String[] {"batch", ""}, x.getDimensionNames());
    }
  }

  @Test
  void writesToAGivenFileName() {
    Path file = dir.resolve("nested/custom.onnx");
    assertEquals(file, OnnxModels.addOne(file));
    assertTrue(Files.isRegularFile(file));
  }

  @Test
  void multiDtypeCopiesEveryTypeThrough() throws OrtException {
    try (OrtSession session = session(OnnxModels.multiDtype(dir))) {
      assertEquals(OnnxModels.MULTI_DTYPE_TYPES.size(), session.getNumInputs());
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("float32", tensor(new float[][] {{1.5f, -2}}));
      inputs.put("float64", tensor(new double[][] {{1e300, -0.25}}));
      inputs.put("int32", tensor(new int[][] {{Integer.MAX_VALUE, -7}}));
      inputs.put("int64", tensor(new long[][] {{Long.MIN_VALUE, 9}}));
      inputs.put("int8", tensor(new byte[][] {{-128, 127}}));
      inputs.put("bool", tensor(new boolean[][] {{true, false}}));
      OnnxTensor uint8 =
          OnnxTensor.createTensor(
              ENV,
              ByteBuffer.wrap(new byte[] {(byte) 255, 1}),
              new long[] {1, 2},
              OnnxJavaType.UINT8);
      tensors.add(uint8);
      inputs.put("uint8", uint8);

      Map<String, Object> out = run(session, inputs);

      assertArrayEquals(new float[] {1.5f, -2}, ((float[][]) out.get("float32_out"))[0]);
      assertArrayEquals(new double[] {1e300, -0.25}, ((double[][]) out.get("float64_out"))[0]);
      assertArrayEquals(new int[] {Integer.MAX_VALUE, -7}, ((int[][]) out.get("int32_out"))[0]);
      assertArrayEquals(new long[] {Long.MIN_VALUE, 9}, ((long[][]) out.get("int64_out"))[0]);
      assertArrayEquals(new byte[] {-128, 127}, ((byte[][]) out.get("int8_out"))[0]);
      assertArrayEquals(new byte[] {(byte) 255, 1}, ((byte[][]) out.get("uint8_out"))[0]);
      assertArrayEquals(new boolean[] {true, false}, ((boolean[][]) out.get("bool_out"))[0]);
    }
  }

  @Test
  void multiDtypeDeclaresOnnxTypes() throws OrtException {
    try (OrtSession session = session(OnnxModels.multiDtype(dir))) {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      assertEquals(OnnxJavaType.UINT8, ((TensorInfo) inputs.get("uint8").getInfo()).type);
      assertEquals(OnnxJavaType.INT8, ((TensorInfo) inputs.get("int8").getInfo()).type);
      assertEquals(OnnxJavaType.BOOL, ((TensorInfo) inputs.get("bool").getInfo()).type);
      assertEquals(OnnxJavaType.DOUBLE, ((TensorInfo) inputs.get("float64").getInfo()).type);
    }
  }

  @Test
  void twoOutputsGivesRowSumsAndDoubles() throws OrtException {
    try (OrtSession session = session(OnnxModels.twoOutputs(dir))) {
      float[][] x = {{1, 2, 3}, {4, 5, 6.5f}};
      Map<String, Object> out = run(session, Map.of("x", tensor(x)));
      assertArrayEquals(new float[] {6, 15.5f}, (float[]) out.get("sum"));
      float[][] doubled = (float[][]) out.get("doubled");
      assertArrayEquals(new float[] {2, 4, 6}, doubled[0]);
      assertArrayEquals(new float[] {8, 10, 13}, doubled[1]);
    }
  }

  @Test
  void stringIdentityReturnsTheSameStrings() throws OrtException {
    try (OrtSession session = session(OnnxModels.stringIdentity(dir))) {
      String[] text = {"hello", "", "ünïcødé ✓"};
      OnnxTensor input = OnnxTensor.createTensor(ENV, text);
      tensors.add(input);
      assertArrayEquals(text, (String[]) run(session, Map.of("text", input)).get("text_out"));
    }
  }

  @Test
  void tokenIdsModelMasksIdsAndCountsTokens() throws OrtException {
    try (OrtSession session = session(OnnxModels.tokenIdsModel(dir))) {
      long[][] ids = {{101, 2023, 102, 0}, {101, 102, 0, 0}};
      long[][] mask = {{1, 1, 1, 0}, {1, 1, 0, 0}};
      Map<String, Object> out =
          run(session, Map.of("input_ids", tensor(ids), "attention_mask", tensor(mask)));
      long[][] masked = (long[][]) out.get("masked");
      assertArrayEquals(new long[] {101, 2023, 102, 0}, masked[0]);
      assertArrayEquals(new long[] {101, 102, 0, 0}, masked[1]);
      assertArrayEquals(new long[] {3, 2}, (long[]) out.get("lengths"));
    }
  }

  @Test
  void matMulChainIsAPositivelyHomogeneousReluNetwork() throws OrtException {
    // Without biases, MatMul and Relu both commute with scaling by a positive number, so
    // f(2x) = 2 f(x): a check of the whole chain that needs no copy of the weights.
    int size = 64;
    try (OrtSession session = session(OnnxModels.matMulChain(dir, size, 4))) {
      float[][] x = new float[1][size];
      float[][] twice = new float[1][size];
      for (int i = 0; i < size; i++) {
        x[0][i] = (float) Math.sin(i);
        twice[0][i] = 2 * x[0][i];
      }
      float[] y = ((float[][]) run(session, Map.of("x", tensor(x))).get("y"))[0];
      float[] y2 = ((float[][]) run(session, Map.of("x", tensor(twice))).get("y"))[0];
      assertEquals(size, y.length);
      double norm = 0;
      for (int i = 0; i < size; i++) {
        assertEquals(2 * y[i], y2[i], 1e-4 * (1 + Math.abs(y2[i])));
        norm += y[i] * y[i];
      }
      assertTrue(norm > 1e-3, "the output should not vanish, but its squared norm is " + norm);
    }
  }

  @Test
  void matMulChainIsReproducible() throws Exception {
    Path a = OnnxModels.matMulChain(dir.resolve("a.onnx"), 16, 3);
    Path b = OnnxModels.matMulChain(dir.resolve("b.onnx"), 16, 3);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertEquals(4L * 16 * 16 * 3, Files.size(a), 4L * 16 * 16 * 3 / 10 + 2000);
  }

  @Test
  void externalInitializersAreReadFromTheSideFile() throws OrtException {
    Path model =
        OnnxModelBuilder.builder()
            .input("x", "float32", "batch", 3)
            .externalInitializer("w", "float32", new long[] {3}, new float[] {10, 20, 30}, "w.bin")
            .node("Add", List.of("x", "w"), List.of("y"))
            .output("y", "float32", "batch", 3)
            .writeTo(dir.resolve("external.onnx"));
    assertTrue(Files.isRegularFile(dir.resolve("w.bin")));
    try (OrtSession session = session(model)) {
      float[][] y =
          (float[][]) run(session, Map.of("x", tensor(new float[][] {{1, 2, 3}}))).get("y");
      assertArrayEquals(new float[] {11, 22, 33}, y[0]);
    }
  }

  @Test
  void attributesOfEveryKindAreAccepted() throws OrtException {
    // Transpose takes INTS, Gemm FLOAT and INT: a wrong attribute encoding fails the load.
    Path model =
        OnnxModelBuilder.builder()
            .input("a", "float32", 2, 3)
            .initializer("b", "float32", new long[] {2, 2}, new float[] {1, 0, 0, 1})
            .node("Transpose", List.of("a"), List.of("at"), Map.of("perm", new long[] {1, 0}))
            .node(
                "Gemm",
                List.of("at", "b"),
                List.of("y"),
                Map.of("alpha", 2.0f, "transB", 1, "beta", 1.0))
            .output("y", "float32", 3, 2)
            .writeTo(dir.resolve("attributes.onnx"));
    try (OrtSession session = session(model)) {
      float[][] a = {{1, 2, 3}, {4, 5, 6}};
      float[][] y = (float[][]) run(session, Map.of("a", tensor(a))).get("y");
      assertArrayEquals(new float[] {2, 8}, y[0]);
      assertArrayEquals(new float[] {6, 12}, y[2]);
    }
  }

  private static OrtSession session(Path model) throws OrtException {
    return ENV.createSession(model.toString(), new OrtSession.SessionOptions());
  }

  private OnnxTensor tensor(Object data) throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(ENV, data);
    tensors.add(t);
    return t;
  }

  private static Map<String, Object> run(OrtSession session, Map<String, OnnxTensor> inputs)
      throws OrtException {
    Map<String, Object> values = new HashMap<>();
    try (OrtSession.Result result = session.run(inputs)) {
      result.forEach(e -> values.put(e.getKey(), valueOf(e.getValue())));
    }
    return values;
  }

  private static Object valueOf(ai.onnxruntime.OnnxValue value) {
    try {
      return value.getValue();
    } catch (OrtException e) {
      throw new AssertionError(e);
    }
  }
}
