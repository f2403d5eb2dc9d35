package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.FakeRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux pull hf:... --convert} and {@code gpux convert --framework transformers|sklearn} for
 * real: tiny Transformers models with random seeded weights (a BertForSequenceClassification with
 * id2label, a GPT-2 language model), each saved by save_pretrained with a tokenizer.json that the
 * tokenizers library built, and a scikit-learn pipeline, all made by python/make_hf_models.py in
 * the environment bin/test made from the requirements GPUX ships ({@code .venv-pytorch}, pointed at
 * with GPUX_PYTHON_ENV_PYTORCH). The Hugging Face test hub serves them; {@code gpux run} with text
 * gives what Transformers gives in Python.
 */
@Slow
class ConvertTransformersTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TEXT = "this movie is great";
  @TempDir static Path dir;
  private static Path models;
  private static Path venv;
  @TempDir Path home;
  private FakeHfHub hub;
  private final Map<String, String> env = new HashMap<>();

  @BeforeAll
  static void makeModels() throws Exception {
    PythonEnv.python("pytorch"); // skips (or fails under GPUX_REQUIRE_REFERENCE) without it
    venv = RepoFiles.root().resolve(".venv-pytorch");
    models = dir.resolve("models");
    PythonEnv.run("pytorch", "make_hf_models.py", List.of(models.toString()));
  }

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
    env.putAll(System.getenv());
    env.remove(io.gpux.convert.ModelConverter.TAMPER_VARIABLE);
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
    env.put("GPUX_PYTHON_ENV_PYTORCH", venv.toString());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(dir, env, args);
  }

  /** A repository of the folder's files (weights in LFS, as on the Hub). */
  private String publish(String repo, Path folder, String pipelineTag) throws Exception {
    FakeRepo r = hub.repo(repo);
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".safetensors") || name.endsWith(".bin")) {
          r.lfsFile(name, f);
        } else {
          r.file(name, f);
        }
      }
    }
    if (pipelineTag != null) {
      r.pipelineTag(pipelineTag);
    }
    return r.commit("save_pretrained");
  }

  private long downloads() {
    return hub.requests().stream()
        .filter(r -> r.path().contains("/resolve/") || r.path().startsWith("/cdn/"))
        .count();
  }

  /** What Transformers computes for the text in Python: logits per text. */
  private static JsonNode reference(Path folder, String task, String text) throws Exception {
    String out =
        PythonEnv.run(
            "pytorch", "make_hf_models.py", List.of("--reference", folder.toString(), task, text));
    String[] lines = out.strip().split("\n");
    return MAPPER.readTree(lines[lines.length - 1]);
  }

  private static void assertClose(JsonNode want, JsonNode got, String what) {
    assertEquals(want.size(), got.size(), what + ": " + got);
    for (int i = 0; i < want.size(); i++) {
      if (want.get(i).isArray()) {
        assertClose(want.get(i), got.get(i), what);
      } else {
        assertEquals(want.get(i).asDouble(), got.get(i).asDouble(), 1e-4, what + " " + got);
      }
    }
  }

  @Test
  void aBertClassifierIsPulledConvertedAndRunsOnTextAsTransformers() throws Exception {
    String commit = publish("acme/tiny-bert", models.resolve("bert"), "text-classification");

    CliResult refused = gpux("pull", "hf:acme/tiny-bert");
    assertEquals(2, refused.exitCode(), refused.toString());
    assertTrue(
        refused
            .err()
            .contains(
                "gpux: error: hf:acme/tiny-bert@main has no ONNX file but Transformers weights"
                    + " (model.safetensors): add --convert to export it to ONNX"),
        refused.toString());
    assertFalse(refused.err().contains("\tat "), refused.toString());
    assertEquals(0, downloads(), "nothing is fetched before the refusal");

    CliResult pull = gpux("pull", "hf:acme/tiny-bert", "--convert", "--json");
    assertEquals(0, pull.exitCode(), pull.toString());
    List<String> paths = new ArrayList<>();
    MAPPER.readTree(pull.out()).get("files").forEach(f -> paths.add(f.get("path").asText()));
    assertTrue(
        paths.containsAll(
            List.of(
                "config.json", "tokenizer.json", "model.safetensors", "model.onnx", "gpux.yml")),
        paths.toString());

    CliResult run =
        gpux("run", "hf:acme/tiny-bert", "--input", "{\"text\": \"" + TEXT + "\"}", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode out = MAPPER.readTree(run.out());
    JsonNode want = reference(models.resolve("bert"), "text-classification", TEXT);
    assertClose(want.get(0), out.get("logits").get(0), "logits");
    String label =
        want.get(0).get(0).asDouble() > want.get(0).get(1).asDouble() ? "negative" : "positive";
    assertTrue(run.out().contains("\"" + label + "\""), "id2label's labels: " + run.out());

    JsonNode lineage =
        MAPPER
            .readTree(gpux("inspect", "hf:acme/tiny-bert", "--json").out())
            .get("source")
            .get("lineage");
    assertEquals(commit, lineage.get("commit").asText(), lineage.toString());
    assertEquals("text-classification", lineage.get("conversion.task").asText());
    assertEquals(
        "config.json architectures BertForSequenceClassification",
        lineage.get("conversion.task_from").asText());
    assertEquals("dynamo", lineage.get("conversion.export_path").asText(), lineage.toString());
    assertTrue(
        lineage.get("conversion.converter").asText().startsWith("torch.onnx.dynamo 2.15.0"),
        lineage.toString());
    assertTrue(lineage.get("conversion.output.logits").asText().startsWith("max abs "));
    assertTrue(
        lineage.get("conversion.check_inputs").asText().startsWith("tokenized sample text"),
        lineage.toString());
    assertEquals("hf:acme/tiny-bert@main", lineage.get("conversion.source").asText());
    assertTrue(hub.unknownRoutes().isEmpty(), hub.unknownRoutes().toString());
  }

  @Test
  void aGpt2LanguageModelGivesTheLogitsOfTransformers() throws Exception {
    publish("acme/tiny-gpt2", models.resolve("gpt2"), null);
    CliResult pull = gpux("pull", "hf:acme/tiny-gpt2", "--convert");
    assertEquals(0, pull.exitCode(), pull.toString());
    CliResult run =
        gpux("run", "hf:acme/tiny-gpt2", "--input", "{\"text\": \"" + TEXT + "\"}", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode want = reference(models.resolve("gpt2"), "text-generation", TEXT);
    assertClose(want.get(0), MAPPER.readTree(run.out()).get("logits").get(0), "logits");
    JsonNode lineage =
        MAPPER
            .readTree(gpux("inspect", "hf:acme/tiny-gpt2", "--json").out())
            .get("source")
            .get("lineage");
    assertEquals("text-generation", lineage.get("conversion.task").asText(), lineage.toString());
    assertEquals(
        "config.json architectures GPT2LMHeadModel", lineage.get("conversion.task_from").asText());
  }

  @Test
  void pickleWeightsAreConvertedOnlyWithTrust() throws Exception {
    publish("acme/bin-bert", models.resolve("bert-bin"), null);
    CliResult refused = gpux("pull", "hf:acme/bin-bert", "--convert");
    assertEquals(2, refused.exitCode(), refused.toString());
    assertTrue(
        refused
            .err()
            .contains(
                "gpux: error: hf:acme/bin-bert@main has only pickle weights (pytorch_model.bin),"
                    + " and loading a pickle runs code: add --trust to convert it"),
        refused.toString());
    assertEquals(0, downloads());
    CliResult trusted = gpux("pull", "hf:acme/bin-bert", "--convert", "--trust");
    assertEquals(0, trusted.exitCode(), trusted.toString());
    CliResult run =
        gpux("run", "hf:acme/bin-bert", "--input", "{\"text\": \"" + TEXT + "\"}", "--json");
    assertEquals(0, run.exitCode(), run.toString());
  }

  @Test
  void aTamperedExportFailsItsCheckAndNothingIsStored() throws Exception {
    publish("acme/tiny-bert", models.resolve("bert"), null);
    env.put(io.gpux.convert.ModelConverter.TAMPER_VARIABLE, "1");
    CliResult r = gpux("pull", "hf:acme/tiny-bert", "--convert");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(
        r.err()
            .contains(
                "gpux: error: hf:acme/tiny-bert@main: the converted model failed its check: output"
                    + " 'logits' differs from transformers by max abs "),
        r.toString());
    assertFalse(r.err().contains("\tat "), r.toString());
    env.remove(io.gpux.convert.ModelConverter.TAMPER_VARIABLE);
    assertEquals("[]", MAPPER.readTree(gpux("list", "--json").out()).toString());
  }

  @Test
  void theTaskIsCheckedBeforeAnyDownloadAndAHeadTheWeightsLackIsRefused() throws Exception {
    publish("acme/tiny-bert", models.resolve("bert"), null);
    CliResult typo = gpux("pull", "hf:acme/tiny-bert", "--convert", "--task", "text-clasification");
    assertEquals(2, typo.exitCode(), typo.toString());
    assertTrue(
        typo.err()
            .contains(
                "gpux: error: unknown task 'text-clasification'; did you mean"
                    + " text-classification?"),
        typo.toString());
    assertEquals(0, downloads());

    CliResult noHead = gpux("pull", "hf:acme/tiny-bert", "--convert", "--task", "fill-mask");
    assertEquals(2, noHead.exitCode(), noHead.toString());
    assertTrue(
        noHead.err().contains("the weights have no trained fill-mask head"), noHead.toString());
    assertTrue(noHead.err().contains("BertForSequenceClassification"), noHead.toString());

    CliResult features =
        gpux("pull", "hf:acme/tiny-bert", "--convert", "--task", "feature-extraction", "--json");
    assertEquals(0, features.exitCode(), features.toString());
    assertEquals(
        "task-feature-extraction",
        MAPPER.readTree(features.out()).get("selection").asText(),
        "another head is stored as another selection");
  }

  @Test
  void aLocalSavePretrainedFolderConvertsWithTheSameHeadRules() throws Exception {
    CliResult c =
        gpux(
            "convert",
            "--framework",
            "transformers",
            models.resolve("bert").toString(),
            "-o",
            "bert-onnx",
            "--json");
    assertEquals(0, c.exitCode(), c.toString());
    JsonNode r = MAPPER.readTree(c.out()).get("conversion");
    assertTrue(r.get("passed").asBoolean(), c.out());
    assertEquals("text-classification", r.get("details").get("task").asText());
    assertEquals(18, r.get("opset").asInt(), "the torch.export exporter's own opset");
    assertTrue(Files.isRegularFile(dir.resolve("bert-onnx/tokenizer.json")));
    CliResult run = gpux("run", "bert-onnx", "--input", "{\"text\": \"" + TEXT + "\"}", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode want = reference(models.resolve("bert"), "text-classification", TEXT);
    assertClose(want.get(0), MAPPER.readTree(run.out()).get("logits").get(0), "logits");
    CliResult inspect = gpux("inspect", "bert-onnx");
    assertTrue(
        inspect
            .out()
            .contains(
                "Task:       text-classification (from config.json architectures"
                    + " BertForSequenceClassification), exported by dynamo"),
        inspect.toString());

    CliResult detected = gpux("convert", models.resolve("gpt2").toString(), "-o", "gpt2-onnx");
    assertEquals(0, detected.exitCode(), "a save_pretrained folder is detected: " + detected);
  }

  @Test
  void aScikitLearnPipelineConvertsOnlyWithTrustAndMatchesPredictProba() throws Exception {
    String pkl = models.resolve("pipeline.pkl").toString();
    CliResult refused = gpux("convert", pkl);
    assertEquals(2, refused.exitCode(), refused.toString());
    assertTrue(
        refused
            .err()
            .contains(
                "gpux: error: pipeline.pkl is a pickle, and loading a pickle runs code: add"
                    + " --trust to convert it"),
        refused.toString());

    CliResult c = gpux("convert", pkl, "--trust", "-o", "sk-onnx", "--json");
    assertEquals(0, c.exitCode(), c.toString());
    JsonNode r = MAPPER.readTree(c.out()).get("conversion");
    assertEquals("skl2onnx", r.get("converter").asText());
    assertEquals("[2,4]", r.get("input_shapes").get("input").toString());
    String rows = "[[0.5, 7.0, -20.0, 0.01], [-1.0, 2.0, 150.0, -0.2]]";
    CliResult run = gpux("run", "sk-onnx", "--input", "{\"input\": " + rows + "}", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode want =
        MAPPER.readTree(
            PythonEnv.run("pytorch", "make_hf_models.py", List.of("--predict-proba", pkl, rows))
                .strip());
    JsonNode got = MAPPER.readTree(run.out());
    assertClose(want.get("probabilities"), got.get("probabilities"), "probabilities");
    assertEquals(want.get("label").toString(), got.get("label").toString(), run.out());

    CliResult unsupported =
        gpux("convert", models.resolve("unsupported.pkl").toString(), "--trust", "-o", "u");
    assertEquals(1, unsupported.exitCode(), unsupported.toString());
    assertTrue(
        unsupported.err().contains("gpux: error: skl2onnx could not convert")
            || unsupported.err().contains("gpux: error: the sklearn model could not be converted"),
        unsupported.toString());
    assertTrue(unsupported.err().contains("LabelSpreading"), unsupported.toString());
    assertFalse(unsupported.err().contains("\tat "), unsupported.toString());
  }

  @Test
  void withoutPythonOrOfflineTheConversionSaysWhatIsMissing() throws Exception {
    publish("acme/tiny-bert", models.resolve("bert"), null);
    env.remove("GPUX_PYTHON_ENV_PYTORCH");
    env.remove("GPUX_BASE_PYTHON");
    env.put("PATH", Files.createDirectories(dir.resolve("empty-path")).toString());
    CliResult noPython =
        gpux(
            "convert",
            "--framework",
            "sklearn",
            models.resolve("pipeline.pkl").toString(),
            "--trust");
    assertEquals(3, noPython.exitCode(), noPython.toString());
    assertTrue(noPython.err().startsWith("gpux: error: "), noPython.toString());
    assertFalse(noPython.err().contains("\tat "), noPython.toString());

    env.put("GPUX_OFFLINE", "1");
    CliResult offline = gpux("convert", models.resolve("bert").toString());
    assertEquals(3, offline.exitCode(), offline.toString());
    assertTrue(
        offline
            .err()
            .contains(
                "gpux: error: GPUX_OFFLINE=1 is set and the pytorch converter environment is not"
                    + " installed"),
        offline.toString());
  }

  @Test
  void helpOfTheTouchedCommandsNamesTheNewOptions() {
    CliResult pull = gpux("pull", "--help");
    assertEquals(0, pull.exitCode(), pull.toString());
    for (String o : List.of("--convert", "--trust", "--task")) {
      assertTrue(pull.out().contains(o), o + " in " + pull.out());
    }
    CliResult convert = gpux("convert", "--help");
    assertEquals(0, convert.exitCode(), convert.toString());
    for (String o : List.of("--task", "--trust", "transformers", "sklearn")) {
      assertTrue(convert.out().contains(o), o + " in " + convert.out());
    }
    CliResult alone = gpux("pull", "hf:acme/x", "--task", "fill-mask");
    assertEquals(2, alone.exitCode(), alone.toString());
    assertTrue(alone.err().contains("--task goes with --convert"), alone.toString());
  }
}
