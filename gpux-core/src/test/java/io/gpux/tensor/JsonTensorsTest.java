package io.gpux.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTensorsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  private static TensorSignature sig(ElementType t, Long... shape) {
    return new TensorSignature("x", t, Arrays.asList(shape), null);
  }

  @Test
  void castsNumbersToTheModelsDtype() throws Exception {
    Tensor t = JsonTensors.read("x", json("[[1, 2.5], [3, 4]]"), sig(ElementType.FLOAT32, -1L, 2L));
    assertEquals(ElementType.FLOAT32, t.type());
    assertArrayEquals(new long[] {2, 2}, t.shape());
    assertEquals(2.5, t.doubleAt(1), 0);
    Tensor i8 = JsonTensors.read("x", json("[-128, 127]"), sig(ElementType.INT8, 2L));
    assertEquals(-128, i8.longAt(0));
    Tensor u8 = JsonTensors.read("x", json("[255]"), sig(ElementType.UINT8, 1L));
    assertEquals(255, u8.longAt(0));
    Tensor f16 = JsonTensors.read("x", json("[0.5]"), sig(ElementType.FLOAT16, 1L));
    assertEquals(0.5, f16.doubleAt(0), 0);
    Tensor d = JsonTensors.read("x", json("[0.1]"), sig(ElementType.FLOAT64, 1L));
    assertEquals(0.1, d.doubleAt(0), 0);
  }

  @Test
  void roundTripsEveryDtypeThroughJson() throws Exception {
    for (ElementType t :
        List.of(
            ElementType.FLOAT32,
            ElementType.FLOAT64,
            ElementType.INT8,
            ElementType.UINT8,
            ElementType.INT16,
            ElementType.INT32,
            ElementType.INT64)) {
      JsonNode in = json("[[1, 2, 3], [4, 5, 6]]");
      Tensor tensor = JsonTensors.read("x", in, sig(t, -1L, 3L));
      JsonNode out = JsonTensors.write(tensor);
      assertEquals(in.toString(), out.toString().replace(".0", ""), t.toString());
    }
  }

  @Test
  void readsBooleansAndStrings() throws Exception {
    Tensor b = JsonTensors.read("x", json("[true, false, 1]"), sig(ElementType.BOOL, 3L));
    assertEquals(1, b.longAt(0));
    assertEquals(0, b.longAt(1));
    assertEquals("[true,false,true]", JsonTensors.write(b).toString());
    Tensor s = JsonTensors.read("x", json("[[\"a\", \"b\"]]"), sig(ElementType.STRING, -1L, 2L));
    assertEquals("b", s.stringAt(1));
  }

  @Test
  void addsABatchDimensionToASingleExample() throws Exception {
    Tensor t = JsonTensors.read("x", json("[1, 2, 3]"), sig(ElementType.FLOAT32, -1L, 3L));
    assertArrayEquals(new long[] {1, 3}, t.shape());
  }

  @Test
  void scalarsHaveRankZero() throws Exception {
    Tensor t = JsonTensors.read("x", json("7"), sig(ElementType.INT64));
    assertEquals(0, t.rank());
    assertEquals("7", JsonTensors.write(t).toString());
  }

  @Test
  void rejectsWrongRankNamingTheExpectedShape() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("x", json("[[[1]]]"), sig(ElementType.FLOAT32, -1L, 3L)));
    assertTrue(
        e.problem()
            .contains(
                "input 'x' has shape [1, 1, 1] (rank 3) but the model expects [?, 3] (rank 2)"),
        e.problem());
  }

  @Test
  void rejectsWrongFixedDimension() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("x", json("[[1, 2]]"), sig(ElementType.FLOAT32, -1L, 3L)));
    assertTrue(e.problem().contains("dimension 1 must be 3"), e.problem());
  }

  @Test
  void rejectsRaggedArrays() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("x", json("[[1, 2], [3]]"), sig(ElementType.FLOAT32, -1L, 2L)));
    assertTrue(e.problem().contains("ragged"), e.problem());
    assertThrows(
        GpuxException.class,
        () -> JsonTensors.read("x", json("[[1], [2, 3]]"), sig(ElementType.FLOAT32, -1L, -1L)));
  }

  @Test
  void rejectsFractionsAndOutOfRangeForIntegerDtypes() {
    GpuxException frac =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("ids", json("[1.5]"), sig(ElementType.INT64, 1L)));
    assertTrue(frac.problem().contains("not a whole number"), frac.problem());
    GpuxException range =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("x", json("[[300]]"), sig(ElementType.UINT8, 1L, 1L)));
    assertTrue(
        range.problem().contains("at [0][0] is 300, outside the range of uint8 (0 to 255)"),
        range.problem());
  }

  @Test
  void rejectsTextAndObjectsForNumericInputs() {
    GpuxException text =
        assertThrows(
            GpuxException.class,
            () -> JsonTensors.read("x", json("[\"hello\"]"), sig(ElementType.FLOAT32, 1L)));
    assertTrue(text.problem().contains("the string \"hello\""), text.problem());
    assertTrue(text.hint().contains("tokenizer"), text.hint());
    assertThrows(
        GpuxException.class,
        () -> JsonTensors.read("x", json("{\"a\": 1}"), sig(ElementType.FLOAT32, 1L)));
    assertThrows(
        GpuxException.class,
        () -> JsonTensors.read("x", json("[null]"), sig(ElementType.FLOAT32, 1L)));
  }
}
