package io.gpux.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectConfigParserTest {
  private final List<ConfigWarning> warnings = new ArrayList<>();

  private ProjectConfig parse(String yaml) {
    return ProjectConfigParser.parse("gpux.yml", new StringReader(yaml), warnings::add);
  }

  private GpuxException failure(String yaml) {
    return assertThrows(GpuxException.class, () -> parse(yaml));
  }

  @Test
  void readsEveryFieldOfThePythonGpuxSchema() {
    ProjectConfig c =
        parse(
            """
            name: sentiment
            version: 2.1.0
            description: Sentiment analysis
            model:
              source: ./model.onnx
              format: onnx
              version: "3"
            inputs:
              input_ids:
                type: int64
                shape: [1, 512]
                required: true
                max_length: 512
                description: token ids
            outputs:
              logits:
                type: float32
                shape: [1, 2]
                labels: [negative, positive]
            runtime:
              gpu:
                memory: 512mb
                backend: cuda
              batch_size: 4
              timeout: 60
              enable_profiling: true
            serving:
              host: 0.0.0.0
              port: 9000
              batch_size: 8
              timeout: 10
              max_workers: 2
            preprocessing:
              tokenizer: ./tokenizer.json
              max_length: 128
              resize: [224, 224]
              normalize: imagenet
            metadata:
              owner: team-a
            """);
    assertEquals("sentiment", c.name());
    assertEquals("2.1.0", c.version());
    assertEquals("./model.onnx", c.model().source());
    assertEquals("3", c.model().version());
    TensorSpec ids = c.inputs().get(0);
    assertEquals(ElementType.INT64, ids.type());
    assertEquals(List.of(1L, 512L), ids.shape());
    assertEquals(512, ids.maxLength());
    assertEquals(List.of("negative", "positive"), c.outputs().get(0).labels());
    assertEquals(512L << 20, c.runtime().gpu().memoryBytes());
    assertEquals("cuda", c.runtime().gpu().backend());
    assertEquals(4, c.runtime().batchSize());
    assertTrue(c.runtime().enableProfiling());
    assertEquals(9000, c.serving().port());
    assertEquals(2, c.serving().maxWorkers());
    assertEquals("./tokenizer.json", c.preprocessing().tokenizer());
    assertEquals(List.of(224, 224), c.preprocessing().resize());
    assertEquals("team-a", c.metadata().get("owner"));
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void fillsDefaultsLikeThePythonGpux() {
    ProjectConfig c = parse("name: m\nmodel: {source: m.onnx}\n");
    assertEquals("1.0.0", c.version());
    assertEquals("onnx", c.model().format());
    assertEquals(8080, c.serving().port());
    assertEquals("127.0.0.1", c.serving().host());
    assertEquals("auto", c.runtime().gpu().backend());
    assertEquals(30, c.runtime().timeoutSeconds());
    assertTrue(c.inputs().isEmpty());
  }

  @Test
  void acceptsListFormAndBareTypes() {
    ProjectConfig c =
        parse(
            """
            name: m
            model: {source: m.onnx}
            inputs:
              - name: a
                type: float
                shape: [batch, 3]
            outputs:
              y: float32
            """);
    assertEquals("a", c.inputs().get(0).name());
    assertEquals(ElementType.FLOAT32, c.inputs().get(0).type());
    assertEquals(List.of(-1L, 3L), c.inputs().get(0).shape());
    assertEquals(ElementType.FLOAT32, c.outputs().get(0).type());
    assertNull(c.outputs().get(0).shape());
  }

  @Test
  void numericVersionIsKeptAsText() {
    assertEquals("1.0", parse("name: m\nversion: 1.0\nmodel: {source: m.onnx}\n").version());
  }

  @Test
  void unknownFieldIsAWarningWithASuggestion() {
    ProjectConfig c = parse("name: m\nmodel:\n  sorce: x\n  source: m.onnx\nservng: {}\n");
    assertEquals("m", c.name());
    assertEquals(2, warnings.size());
    assertEquals("model.sorce", warnings.get(0).field());
    assertEquals(3, warnings.get(0).line());
    assertTrue(warnings.get(0).message().contains("did you mean 'source'"), warnings.toString());
    assertTrue(warnings.get(1).message().contains("did you mean 'serving'"), warnings.toString());
  }

  @Test
  void malformedYamlNamesTheLine() {
    GpuxException e = failure("name: m\nmodel:\n  source: [unclosed\n");
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("gpux.yml:"), e.problem());
    assertTrue(e.problem().contains("malformed YAML"), e.problem());
  }

  @Test
  void missingNameNamesTheFieldAndTheFix() {
    GpuxException e = failure("model: {source: m.onnx}\n");
    assertTrue(e.problem().contains("name is required"), e.problem());
    assertTrue(e.hint().contains("name: my-model"), e.hint());
  }

  @Test
  void missingModelSourceIsAnError() {
    GpuxException e = failure("name: m\nmodel: {format: onnx}\n");
    assertTrue(e.problem().contains("model.source is required"), e.problem());
  }

  @Test
  void unknownTensorTypeListsTheValidOnes() {
    GpuxException e = failure("name: m\nmodel: {source: m.onnx}\ninputs:\n  x:\n    type: floot\n");
    assertTrue(
        e.problem().contains("gpux.yml:5: inputs.x.type 'floot' is not a tensor type"),
        e.problem());
    assertTrue(e.hint().contains("float32"), e.hint());
  }

  @Test
  void badMemoryBackendAndPortAreErrors() {
    assertTrue(
        failure("name: m\nmodel: {source: m}\nruntime: {gpu: {memory: lots}}\n")
            .problem()
            .contains("runtime.gpu.memory"));
    assertTrue(
        failure("name: m\nmodel: {source: m}\nruntime: {gpu: {backend: quantum}}\n")
            .problem()
            .contains("runtime.gpu.backend"));
    assertTrue(
        failure("name: m\nmodel: {source: m}\nserving: {port: 70000}\n")
            .problem()
            .contains("serving.port"));
    assertTrue(
        failure("name: m\nmodel: {source: m}\nserving: {port: eighty}\n")
            .problem()
            .contains("whole number"));
  }

  @Test
  void servingTakesTritonsDynamicBatchingKeys() {
    ProjectConfig c =
        parse(
            "name: m\nmodel: {source: m}\nserving:\n  batch_size: 16\n"
                + "  preferred_batch_size: [8, 4, 8]\n  max_queue_delay_microseconds: 500\n");
    assertEquals(List.of(4, 8), c.serving().preferredBatchSizes(), "sorted, each once");
    assertEquals(500, c.serving().maxQueueDelayMicros());
    ProjectConfig d = parse("name: m\nmodel: {source: m}\n");
    assertEquals(List.of(), d.serving().preferredBatchSizes());
    assertEquals(2000, d.serving().maxQueueDelayMicros());
    GpuxException tooLarge =
        failure(
            "name: m\nmodel: {source: m}\nserving: {batch_size: 4, preferred_batch_size: [2, 8]}\n");
    assertTrue(tooLarge.problem().contains("serving.preferred_batch_size"), tooLarge.problem());
    assertTrue(tooLarge.problem().contains("got 8"), tooLarge.problem());
    assertTrue(
        failure("name: m\nmodel: {source: m}\nserving: {max_queue_delay_microseconds: -1}\n")
            .problem()
            .contains("serving.max_queue_delay_microseconds"));
  }

  @Test
  void emptyFileAndEmptyInputsAreErrors() {
    assertTrue(failure("").problem().contains("is empty"));
    assertTrue(
        failure("name: m\nmodel: {source: m}\ninputs: {}\n").problem().contains("inputs is empty"));
  }

  @Test
  void missingFileIsNotFound() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> ProjectConfigParser.parse(Path.of("/nonexistent/gpux.yml"), w -> {}));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
  }
}
