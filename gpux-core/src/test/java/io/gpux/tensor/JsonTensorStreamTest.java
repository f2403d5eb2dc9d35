package io.gpux.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTensorStreamTest {
  private static final JsonFactory JSON = new JsonFactory();

  private static Tensor read(String json, ElementType type) throws Exception {
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      return JsonTensorStream.read(p, "x", type, -1, 1 << 24);
    }
  }

  @Test
  void shapesAreInferredFromTheNestingAsTheValuesStreamBy() throws Exception {
    Tensor t = read("[[1, 2, 3], [4, 5, 6]]", ElementType.FLOAT32);
    assertArrayEquals(new long[] {2, 3}, t.shape());
    assertEquals(6.0, t.doubleAt(5));
    assertArrayEquals(new long[] {2, 0}, read("[[], []]", ElementType.INT64).shape());
    assertArrayEquals(new long[0], read("7", ElementType.INT64).shape());
    assertEquals(1, read("[true, false]", ElementType.BOOL).longAt(0));
  }

  @Test
  void theLibrarysRulesHoldValueByValue() throws Exception {
    GpuxException ragged =
        assertThrows(GpuxException.class, () -> read("[[1, 2], [3]]", ElementType.FLOAT32));
    assertTrue(ragged.problem().contains("ragged"), ragged.problem());
    assertThrows(GpuxException.class, () -> read("[[1, 2], 3]", ElementType.FLOAT32));
    assertThrows(GpuxException.class, () -> read("[1, [2]]", ElementType.FLOAT32));
    GpuxException big =
        assertThrows(GpuxException.class, () -> read("[1e39]", ElementType.FLOAT32));
    assertTrue(big.problem().contains("outside the range of float32"), big.problem());
    assertThrows(GpuxException.class, () -> read("[1e400]", ElementType.FLOAT64));
    assertThrows(GpuxException.class, () -> read("[1.5]", ElementType.INT64));
    assertThrows(GpuxException.class, () -> read("[300]", ElementType.UINT8));
    assertEquals(-1L, read("[18446744073709551615]", ElementType.UINT64).longAt(0));
    GpuxException text = assertThrows(GpuxException.class, () -> read("[\"a\"]", ElementType.INT8));
    assertTrue(text.problem().contains("the string \"a\""), text.problem());
    GpuxException deep =
        assertThrows(
            GpuxException.class, () -> read("[".repeat(40) + "]".repeat(40), ElementType.FLOAT32));
    assertTrue(deep.problem().contains("deeper than 32"), deep.problem());
  }

  @Test
  void aLimitOnValuesIsEnforcedBeforeTheyAreStored() throws Exception {
    try (JsonParser p = JSON.createParser("[1, 2, 3, 4, 5]")) {
      p.nextToken();
      GpuxException e =
          assertThrows(
              GpuxException.class, () -> JsonTensorStream.read(p, "x", ElementType.FLOAT32, -1, 4));
      assertTrue(e.problem().contains("more than 4 values"), e.problem());
    }
  }

  /**
   * A tree of boxed values cost about 30x the body (issue 20: 50 MB took 1.7 GB); streamed, the
   * heap sees only the parser's small buffers (the tensor is direct memory).
   */
  @Test
  void aLargeBodyAllocatesLittleHeapBeyondItsOwnBytes() throws Exception {
    String row = "[" + "0.25, ".repeat(255) + "0.25]";
    byte[] body = ("[" + (row + ",").repeat(4095) + row + "]").getBytes(StandardCharsets.UTF_8);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    Tensor t;
    try (JsonParser p = JSON.createParser(body)) {
      p.nextToken();
      t = JsonTensorStream.read(p, "x", ElementType.FLOAT32, -1, body.length);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertArrayEquals(new long[] {4096, 256}, t.shape());
    assertTrue(
        allocated < body.length / 4,
        "heap allocated reading " + body.length + " bytes of JSON: " + allocated);
  }
}
