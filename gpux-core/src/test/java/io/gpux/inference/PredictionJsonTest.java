package io.gpux.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.onnx.ElementType;
import io.gpux.project.TensorSpec;
import io.gpux.tensor.Tensor;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streamed answer of gpux serve's /predict is the tree's text, character for character. */
class PredictionJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String streamed(Prediction p) throws Exception {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
      p.writeJson(g);
    }
    return w.toString();
  }

  @Test
  void everyElementTypeAndTheLabelsReadAsTheTreeWrites() throws Exception {
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    outputs.put(
        "scores",
        Tensor.ofFloats(new long[] {2, 3}, 0.1f, 0.7f, 0.2f, Float.NaN, 1e-8f, 3.4028235e38f));
    outputs.put("ids", Tensor.ofLongs(new long[] {2}, 2, Long.MIN_VALUE));
    ByteBuffer d = Tensor.allocate(ElementType.FLOAT64, 2);
    d.asDoubleBuffer().put(new double[] {1.0 / 3, -0.0});
    outputs.put("f64", Tensor.of(ElementType.FLOAT64, new long[] {2, 1, 1}, d));
    ByteBuffer u = Tensor.allocate(ElementType.UINT64, 1);
    u.asLongBuffer().put(-1L);
    outputs.put("u64", Tensor.of(ElementType.UINT64, new long[] {}, u));
    ByteBuffer b = Tensor.allocate(ElementType.BOOL, 2);
    b.put(0, (byte) 1);
    outputs.put("flags", Tensor.of(ElementType.BOOL, new long[] {2}, b));
    outputs.put("text", Tensor.ofStrings(new long[] {1, 2}, "a\"b", "é\n"));
    outputs.put("empty", Tensor.ofFloats(new long[] {0, 3}));
    Map<String, TensorSpec> specs =
        Map.of(
            "scores",
            new TensorSpec("scores", null, null, true, null, List.of("x", "y", "z"), null),
            "ids",
            new TensorSpec("ids", null, null, true, null, List.of("zero", "one", "two"), null));
    Prediction p = new Prediction(outputs, specs);
    assertEquals(MAPPER.writeValueAsString(p.toJson()), streamed(p));
  }
}
