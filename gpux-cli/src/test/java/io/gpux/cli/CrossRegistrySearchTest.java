package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.kaggle.FakeKaggle;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.testing.wandb.FakeWandb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpux search over the Hugging Face test hub, the real MLflow server, the W&amp;B and Kaggle test
 * servers and the zoo's catalogue at once: each states a model's task its own way, and one answer
 * comes back.
 */
@Slow
class CrossRegistrySearchTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WANDB_KEY = "local-searchTestKey0123456789abcdefghijklmnopq";
  private static MlflowServer mlflow;
  private static byte[] model;
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeHfHub hub;
  private FakeWandb wandb;
  private FakeKaggle kaggle;
  private final Map<String, String> env = new HashMap<>();

  /** The build's shared MLflow server; the model name review-sentiment is this class's own. */
  @BeforeAll
  static void startMlflow(@TempDir Path dir) throws Exception {
    mlflow = MlflowServer.shared();
    model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
    Path project = Files.createDirectories(dir.resolve("reviews"));
    Files.write(project.resolve("model.onnx"), model);
    Map<String, String> env = new HashMap<>(mlflow.clientEnv());
    env.put("GPUX_HOME", dir.resolve("home").toString());
    CliResult push = CliResult.run(dir, env, "push", "reviews", "mlflow:review-sentiment");
    assertEquals(0, push.exitCode(), push.toString());
    setTag("review-sentiment", "task", "sentiment-analysis");
  }

  /** MLflow's REST call for a registered model's tag, as MlflowClient.set_registered_model_tag. */
  private static void setTag(String name, String key, String value) throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (MlflowServer.ADMIN + ":" + MlflowServer.ADMIN_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    String body =
        MAPPER.createObjectNode().put("name", name).put("key", key).put("value", value).toString();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(mlflow.url() + "/api/2.0/mlflow/registered-models/set-tag"))
                    .header("Authorization", "Basic " + auth)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
    hub.repo("acme/review-sentiment-onnx")
        .file("model.onnx", model)
        .file(
            "README.md",
            "---\nlicense: apache-2.0\nmodel-index:\n- name: review-sentiment-onnx\n  results:\n"
                + "  - task: {type: text-classification}\n    dataset: {name: imdb, type: imdb}\n"
                + "    metrics:\n    - {type: accuracy, value: 0.91}\n---\n# reviews\n")
        .tags("onnx")
        .pipelineTag("text-classification")
        .license("apache-2.0")
        .downloads(1200)
        .commit("initial");
    hub.repo("acme/digits")
        .file("model.onnx", model)
        .pipelineTag("image-classification")
        .downloads(50)
        .commit("initial");
    hub.repo("onnxmodelzoo/mnist").file("model.onnx", model).tags("onnx").commit("mirror");
    wandb = FakeWandb.start().requireApiKey(WANDB_KEY);
    wandb
        .artifact("acme", "models", "review-sentiment", "model")
        .file("model.onnx", model)
        .commit();
    wandb
        .collectionOf("acme", "models", "review-sentiment")
        .description("Text classification of product reviews (positive or negative)");
    kaggle = FakeKaggle.start();
    kaggle.publish("acme", "review-sentiment", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.tags("acme", "review-sentiment", "nlp", "Text Classification");
    env.putAll(mlflow.clientEnv());
    env.put("GPUX_HOME", home.toString());
    env.put("HOME", cwd.resolve("user").toString());
    env.put("HF_ENDPOINT", hub.url());
    env.put("WANDB_BASE_URL", wandb.url());
    env.put("WANDB_API_KEY", WANDB_KEY);
    env.put("WANDB_ENTITY", "acme");
    env.put("WANDB_PROJECT", "models");
    env.put("KAGGLE_API_ENDPOINT", kaggle.url());
    // The live servers answer in milliseconds when idle, but the shared MLflow server can take
    // over 10 s (the default) on a loaded 2-core CI machine; these tests are about merging and
    // naming failures, not about the timeout, which a closed port exercises at once.
    env.put("GPUX_SEARCH_TIMEOUT", "120");
  }

  @AfterEach
  void stop() {
    assertEquals(List.of(), wandb.unknownOperations());
    assertEquals(List.of(), kaggle.unknownRequests());
    hub.close();
    wandb.close();
    kaggle.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private static List<String> field(JsonNode hits, String name) {
    List<String> out = new ArrayList<>();
    hits.forEach(h -> out.add(h.path(name).asText()));
    return out;
  }

  @Test
  void everyConfiguredRegistryAnswersOneSearchInOneVocabulary() throws Exception {
    CliResult r = gpux("search", "sentiment", "--task", "text-classification", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("", r.err(), "no registry failed");
    JsonNode hits = MAPPER.readTree(r.out());
    List<String> refs = field(hits, "reference");
    assertTrue(refs.contains("hf:acme/review-sentiment-onnx"), refs.toString());
    assertTrue(refs.contains("mlflow:review-sentiment"), "an MLflow task tag: " + refs);
    assertTrue(refs.contains("wandb:acme/models/review-sentiment"), "a W&B description: " + refs);
    assertTrue(refs.contains("kaggle:acme/review-sentiment/onnx/default"), "Kaggle tags: " + refs);
    assertFalse(refs.contains("hf:acme/digits"), refs.toString());
    for (JsonNode h : hits) {
      assertEquals("text-classification", h.get("task").asText(), h.toString());
    }
    JsonNode hf = hits.get(refs.indexOf("hf:acme/review-sentiment-onnx"));
    assertEquals(1200, hf.get("downloads").asLong());
    assertEquals("apache-2.0", hf.get("license").asText());
    JsonNode ml = hits.get(refs.indexOf("mlflow:review-sentiment"));
    assertTrue(
        ml.get("tags").toString().contains("task=sentiment-analysis"),
        "MLflow's own word, mapped: " + ml);

    CliResult table = gpux("search", "sentiment", "--task", "sentiment-analysis");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.out().startsWith("REFERENCE"), table.out());
    assertTrue(table.out().contains("mlflow:review-sentiment"), table.out());

    CliResult filtered =
        gpux("search", "sentiment", "--license", "apache-2.0", "--min-downloads", "1000", "--json");
    assertEquals(
        List.of("hf:acme/review-sentiment-onnx"),
        field(MAPPER.readTree(filtered.out()), "reference"),
        "filters a registry cannot apply are applied to every answer alike");
  }

  @Test
  void aRegistryThatFailsIsNamedAndTheOthersAreShown() throws Exception {
    wandb.close(); // a closed port is refused at once
    CliResult r = gpux("search", "sentiment", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: warning: wandb did not answer"), r.err());
    List<String> refs = field(MAPPER.readTree(r.out()), "reference");
    assertTrue(refs.contains("hf:acme/review-sentiment-onnx"), refs.toString());
    assertTrue(refs.contains("mlflow:review-sentiment"), refs.toString());
    assertFalse(refs.stream().anyMatch(x -> x.startsWith("wandb:")), refs.toString());

    CliResult none = gpux("search", "sentiment", "--registry", "wandb");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().contains("no registry answered: wandb"), none.err());
    assertFalse(none.err().contains("at io.gpux"), "no stack trace: " + none.err());
  }

  @Test
  void aZooModelAndItsHubMirrorAreOneResultWithBothSources() throws Exception {
    CliResult r = gpux("search", "mnist", "--registry", "zoo,hf", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode hits = MAPPER.readTree(r.out());
    JsonNode mnist = null;
    for (JsonNode h : hits) {
      if (h.get("name").asText().equalsIgnoreCase("mnist")) {
        mnist = h;
      }
    }
    assertTrue(mnist != null, hits.toString());
    assertEquals(List.of("zoo", "hf"), field(mnist.get("sources"), "registry"), mnist.toString());
    assertEquals("image-classification", mnist.get("task").asText(), "the zoo's tags");
    assertEquals(
        1,
        field(hits, "name").stream().filter(x -> x.equalsIgnoreCase("mnist")).count(),
        "the mirror is not a second result: " + hits);
    assertFalse(field(hits, "reference").contains("hf:onnxmodelzoo/mnist"), hits.toString());
  }

  @Test
  void answersAreCachedAndOfflineSearchesTheIndex() throws Exception {
    assertEquals(0, gpux("search", "digits", "-r", "hf", "--json").exitCode());
    long asked = hub.requests().stream().filter(q -> q.path().equals("/api/models")).count();
    CliResult again = gpux("search", "digits", "-r", "hf", "--json");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(
        asked, hub.requests().stream().filter(q -> q.path().equals("/api/models")).count());
    assertTrue(
        MAPPER.readTree(again.out()).get(0).get("sources").get(0).get("cached").asBoolean(),
        again.out());

    assertEquals(0, gpux("pull", "hf:acme/review-sentiment-onnx").exitCode());
    env.put("GPUX_OFFLINE", "1");
    CliResult offline = gpux("search", "--json");
    assertEquals(0, offline.exitCode(), offline.toString());
    List<String> refs = field(MAPPER.readTree(offline.out()), "reference");
    assertTrue(refs.contains("hf:acme/digits"), "from the cached answer: " + refs);
    assertTrue(refs.contains("hf:acme/review-sentiment-onnx"), "from the store: " + refs);
    CliResult table = gpux("search", "sentiment");
    assertTrue(table.err().contains("offline"), table.toString());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    CliResult task = gpux("search", "--task", "text-clasification");
    assertEquals(2, task.exitCode(), task.toString());
    assertTrue(task.err().contains("unknown task 'text-clasification'"), task.err());
    assertTrue(task.err().contains("did you mean text-classification"), task.err());
    CliResult size = gpux("search", "--max-size", "10XB");
    assertEquals(2, size.exitCode(), size.toString());
    assertTrue(size.err().contains("--max-size 10XB is not a size"), size.err());
    CliResult registry = gpux("search", "x", "--registry", "hff");
    assertEquals(2, registry.exitCode(), registry.toString());
    assertTrue(registry.err().contains("unknown registry 'hff'"), registry.err());
    assertTrue(registry.err().contains("did you mean hf?"), registry.err());
    CliResult sort = gpux("search", "--sort", "stars");
    assertEquals(2, sort.exitCode(), sort.toString());
    for (CliResult r : List.of(task, size, registry, sort)) {
      assertFalse(r.err().contains("\tat "), r.err());
    }
  }

  /** Every search, compare and recommend line of docs/discover.md, run against the test servers. */
  @Test
  void theDocsCommandsRun() throws Exception {
    int ran = 0;
    for (DocCommandsTest.DocLine d : DocCommandsTest.docLines(io.gpux.testing.RepoFiles.root())) {
      if (d.file().equals("docs/discover.md")) {
        List<String> args = DocCommandsTest.words(d.text().replaceFirst("^gpux ", ""));
        CliResult r = gpux(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), d + " -> " + r);
        ran++;
      }
    }
    assertEquals(10, ran, "the doc's commands");
    CliResult c =
        gpux("compare", "hf:acme/review-sentiment-onnx", "mlflow:review-sentiment/1", "--json");
    JsonNode compare = MAPPER.readTree(c.out());
    JsonNode hf = compare.get("models").get(0);
    assertEquals("text-classification", hf.get("task").asText(), hf.toString());
    assertEquals("apache-2.0", hf.get("license").asText());
    assertEquals("accuracy", hf.get("figures").get(0).get("metric").asText(), hf.toString());
    assertEquals("hf model-index", hf.get("figures").get(0).get("source").asText());
    assertEquals(
        "mlflow:review-sentiment/1",
        compare.get("replaceable").get("hf:acme/review-sentiment-onnx").path(0).asText(),
        "the same ONNX file in two registries: the same signature");
  }

  @Test
  void helpShowsEveryFilterAsTyped() {
    CliResult help = gpux("search", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    for (String option :
        List.of(
            "--registry",
            "--task",
            "--license",
            "--author",
            "--format",
            "--max-size",
            "--min-downloads",
            "--tag",
            "--sort",
            "--limit",
            "--json")) {
      assertTrue(help.out().contains(option), option + " in " + help.out());
    }
  }
}
