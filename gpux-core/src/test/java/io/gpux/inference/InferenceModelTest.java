package io.gpux.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.Tensor;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.TokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceModelTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();

  @AfterEach
  void close() {
    gpux.close();
  }

  private InferenceModel load(Path model) {
    return gpux.load(model.toString(), RuntimeOptions.defaults());
  }

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  @Test
  void runsAFloatModelFromJson() throws Exception {
    InferenceModel m = load(OnnxModels.addOne(dir));
    JsonNode out = m.predict(json("{\"x\": [[1, 2, 3, 4], [0.5, 0, 0, 0]]}")).toJson();
    assertEquals("[[2.0,3.0,4.0,5.0],[1.5,1.0,1.0,1.0]]", out.get("y").toString());
  }

  @Test
  void passesEveryDtypeThrough() throws Exception {
    InferenceModel m = load(OnnxModels.multiDtype(dir));
    StringBuilder request = new StringBuilder("{");
    for (String t : OnnxModels.MULTI_DTYPE_TYPES) {
      request.append(request.length() == 1 ? "" : ",").append('"').append(t).append("\": ");
      request.append(t.equals("bool") ? "[[true, false]]" : "[[1, 2]]");
    }
    JsonNode out = m.predict(json(request.append('}').toString())).toJson();
    assertEquals("[[1.0,2.0]]", out.get("float32_out").toString());
    assertEquals("[[1.0,2.0]]", out.get("float64_out").toString());
    assertEquals("[[1,2]]", out.get("int8_out").toString());
    assertEquals("[[1,2]]", out.get("uint8_out").toString());
    assertEquals("[[1,2]]", out.get("int64_out").toString());
    assertEquals("[[true,false]]", out.get("bool_out").toString());
  }

  @Test
  void returnsSeveralOutputsInTheModelsOrder() throws Exception {
    InferenceModel m = load(OnnxModels.twoOutputs(dir));
    JsonNode out = m.predict(json("{\"x\": [[1, 2, 3]]}")).toJson();
    assertEquals(List.of("sum", "doubled"), names(out.fieldNames()));
    assertEquals("[6.0]", out.get("sum").toString());
  }

  @Test
  void runsStringTensors() throws Exception {
    InferenceModel m = load(OnnxModels.stringIdentity(dir));
    assertEquals(
        "[\"a\",\"bc\"]",
        m.predict(json("{\"text\": [\"a\", \"bc\"]}")).toJson().get("text_out").toString());
  }

  @Test
  void tokenizesTextWithTheModelsTokenizer() throws Exception {
    Path model = OnnxModels.tokenIdsModel(dir);
    TokenizerFiles.wordPiece(
        dir.resolve("tokenizer.json"), List.of("hello", "world", "gp", "##ux", "!"));
    InferenceModel m = load(model);
    JsonNode out = m.predict(json("{\"text\": [\"Hello world\", \"GPUX!\"]}")).toJson();
    // [CLS]=2 hello=4 world=5 [SEP]=3 ; [CLS] gp=6 ##ux=7 !=8 [SEP], padded with 0.
    assertEquals("[[2,4,5,3,0],[2,6,7,8,3]]", out.get("masked").toString());
    assertEquals("[4,5]", out.get("lengths").toString());
  }

  @Test
  void textForAModelWithoutTokenizerNamesTheFix() throws Exception {
    InferenceModel m = load(OnnxModels.tokenIdsModel(dir));
    GpuxException e =
        assertThrows(GpuxException.class, () -> m.predict(json("{\"text\": \"hi\"}")));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains("has no tokenizer"), e.problem());
    assertTrue(e.hint().contains("tokenizer.json"), e.hint());
  }

  @Test
  void missingAndUnknownInputsAreNamed() throws Exception {
    InferenceModel m = load(OnnxModels.tokenIdsModel(dir));
    GpuxException missing =
        assertThrows(GpuxException.class, () -> m.predict(json("{\"input_ids\": [[1]]}")));
    assertTrue(
        missing.problem().contains("missing required input 'attention_mask'"), missing.problem());
    GpuxException unknown =
        assertThrows(GpuxException.class, () -> m.predict(json("{\"pixels\": [[1]]}")));
    assertTrue(unknown.problem().contains("no input named 'pixels'"), unknown.problem());
    assertTrue(unknown.hint().contains("input_ids int64[batch, seq]"), unknown.hint());
  }

  @Test
  void outputsTheJavaApiCannotPinStillWorkOnRepeatedCalls() throws Exception {
    Path model =
        OnnxModels.builder()
            .input("x", "float32", "batch", 2)
            .node("Cast", List.of("x"), List.of("u"), Map.of("to", 12))
            .output("u", "uint32", "batch", 2)
            .writeTo(dir.resolve("cast_uint32.onnx"));
    InferenceModel m = load(model);
    for (int i = 0; i < 3; i++) {
      assertEquals("[[3,4]]", m.predict(json("{\"x\": [[3, 4]]}")).toJson().get("u").toString());
    }
  }

  @Test
  void sessionsAreCreatedOnceAndReused() {
    Path model = OnnxModels.addOne(dir);
    assertSame(load(model), load(model));
    assertSame(
        load(model).session(), gpux.load(model.toString(), RuntimeOptions.defaults()).session());
  }

  @Test
  void runsConcurrentlyOnOneSession() throws Exception {
    InferenceModel m = load(OnnxModels.addOne(dir));
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 4; i++) {
      float v = i;
      Thread t =
          new Thread(
              () -> {
                for (int r = 0; r < 50; r++) {
                  Map<String, Tensor> out =
                      m.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, v, v, v, v)));
                  if (out.get("y").doubleAt(3) == v + 1) {
                    ok.incrementAndGet();
                  }
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(200, ok.get());
  }

  @Test
  void labelsMapScoresAndClassIndices() throws Exception {
    Path model = OnnxModels.twoOutputs(dir);
    Files.writeString(
        dir.resolve("gpux.yml"),
        "name: labelled\nmodel: {source: ./"
            + model.getFileName()
            + "}\noutputs:\n  doubled:\n    type: float32\n    labels: [a, b, c]\n");
    InferenceModel m = gpux.load(dir.toString(), RuntimeOptions.defaults());
    JsonNode out = m.predict(json("{\"x\": [[1, 5, 2], [9, 0, 0]]}")).toJson();
    assertEquals(
        "[{\"label\":\"b\",\"score\":10.0},{\"label\":\"a\",\"score\":18.0}]",
        out.get("doubled_labels").toString());
    Tensor classes = Tensor.ofLongs(new long[] {2}, 2, 0);
    assertEquals("[\"c\",\"a\"]", Prediction.label(classes, List.of("a", "b", "c")).toString());
    assertArrayEquals(new long[] {2}, classes.shape());
  }

  private static <T> List<T> names(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
