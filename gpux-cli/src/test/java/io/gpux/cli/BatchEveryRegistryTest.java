package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.CountingRelay;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
import io.gpux.testing.kaggle.FakeKaggle;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.wandb.FakeWandb;
import io.gpux.testing.zoo.ZooFixtures;
import io.gpux.testing.zoo.ZooServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux batch pull} and {@code gpux batch run} over one list that names a model of every
 * registry in the project: the Hugging Face test hub, the build's real MLflow server, the W&B and
 * Kaggle test servers, a real docker-registry (OCI) and the ONNX Model Zoo test server. Each gets
 * the same treatment: pulled, current on a second pass at the cost of at most one metadata request,
 * run with the outputs single {@code gpux run} calls give, locked, and restored with {@code
 * --locked} by a batch that resumes after a failure without asking any registry about a model it
 * has finished (the servers' request logs say so; MLflow's through a counting relay in front).
 */
@Slow
class BatchEveryRegistryTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KAGGLE_TOKEN = "KGAT_batchEvery0123456789abcdefghijklmn";
  @TempDir Path dir;
  private FakeHfHub hub;
  private FakeWandb wandb;
  private FakeKaggle kaggle;
  private ZooServer zoo;
  private DockerRegistry oci;
  private CountingRelay mlflow;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> refs = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        DockerRegistry.available(), "docker-registry is not installed (.ci/run installs it)");
    MlflowServer server = MlflowServer.shared();
    // Each registry's model adds its own constant, so a result names the model that made it.
    hub = FakeHfHub.start();
    hub.repo("acme/adder").file("model.onnx", adder("hf", 1)).commit("initial");
    wandb = FakeWandb.start();
    wandb.artifact("acme", "proj", "adder", "model").file("model.onnx", adder("wb", 3)).commit();
    kaggle = FakeKaggle.start().requireToken(KAGGLE_TOKEN);
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", adder("kg", 6)));
    zoo = ZooServer.start();
    ZooFixtures.addAdder(zoo, dir.resolve("zoo"));
    oci = DockerRegistry.anonymous(dir.resolve("registry"));
    mlflow = CountingRelay.to(URI.create(server.url()).getPort());

    env.putAll(server.clientEnv());
    env.put("MLFLOW_TRACKING_URI", "http://127.0.0.1:" + mlflow.port());
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("HOME", dir.resolve("user").toString());
    env.put("HF_ENDPOINT", hub.url());
    env.put("WANDB_BASE_URL", wandb.url());
    env.put("WANDB_API_KEY", "local-batchEveryKey0123456789abcdefghijklmnopq");
    env.put("KAGGLE_API_ENDPOINT", kaggle.url());
    env.put("KAGGLE_API_TOKEN", KAGGLE_TOKEN);
    env.put("GPUX_ONNX_ZOO_URL", zoo.url());
    env.put("DOCKER_CONFIG", dir.resolve("no-docker").toString());

    Path ociProject = Files.createDirectories(dir.resolve("oci-adder"));
    OnnxModels.addConstant(ociProject.resolve("model.onnx"), 4);
    String ociRef = "oci://" + oci.host() + "/acme/adder:v1";
    CliResult pushed = gpux("push", "oci-adder", ociRef);
    assertEquals(0, pushed.exitCode(), pushed.toString());
    Path mlflowProject = Files.createDirectories(dir.resolve("mlflow-adder"));
    OnnxModels.addConstant(mlflowProject.resolve("model.onnx"), 2);
    String mlflowName = "batch-every-" + UUID.randomUUID().toString().substring(0, 8);
    CliResult registered = gpux("push", "mlflow-adder", "mlflow:" + mlflowName);
    assertEquals(0, registered.exitCode(), registered.toString());

    // Movable names where the registry has them (a second pass asks what they point to now), an
    // exact version for MLflow (a second pass asks nothing).
    refs.addAll(
        List.of(
            "hf:acme/adder",
            "mlflow:" + mlflowName + "/1",
            "wandb:acme/proj/adder:latest",
            ociRef,
            "zoo:adder",
            "kaggle:acme/adder/onnx/default"));
    Files.writeString(dir.resolve("models.txt"), String.join("\n", refs) + "\n");
    Files.writeString(
        dir.resolve("data.jsonl"), "{\"x\": [[1, 2, 3, 4]]}\n{\"x\": [[0.5, -1, 0, 1e3]]}\n");
  }

  @AfterEach
  void stop() {
    List<AutoCloseable> servers = new ArrayList<>();
    for (AutoCloseable c : new AutoCloseable[] {hub, wandb, kaggle, zoo, oci, mlflow}) {
      if (c != null) {
        servers.add(c);
      }
    }
    try {
      if (hub != null) {
        assertEquals(List.of(), hub.unknownRoutes(), "requests the hub does not serve");
        assertEquals(List.of(), wandb.unknownOperations(), "requests W&B does not serve");
        assertEquals(List.of(), kaggle.unknownRequests(), "requests Kaggle does not serve");
        assertEquals(List.of(), kaggle.credentialedDownloads(), "no token to Kaggle's storage");
        assertEquals(List.of(), zoo.unknownRequests(), "requests the zoo does not serve");
      }
    } finally {
      for (AutoCloseable c : servers) {
        try {
          c.close();
        } catch (Exception e) {
          // the next server still closes
        }
      }
    }
  }

  private byte[] adder(String name, float c) throws Exception {
    return Files.readAllBytes(OnnxModels.addConstant(dir.resolve("src/" + name + ".onnx"), c));
  }

  private CliResult gpux(String... args) throws Exception {
    return CliResult.run(dir, env, args);
  }

  /** How many requests each server has served so far. */
  private Map<String, Integer> served() throws Exception {
    Map<String, Integer> n = new TreeMap<>();
    n.put("hf", hub.requests().size());
    n.put("mlflow", mlflow.total());
    // W&B's log has each GraphQL request twice: as HTTP, then as the operation it named.
    n.put("wandb", (int) wandb.requests().stream().filter(r -> !r.startsWith("graphql ")).count());
    n.put("oci", oci.requests().size());
    n.put("zoo", zoo.requests().size());
    n.put("kaggle", kaggle.requests().size());
    return n;
  }

  /** The requests each server served last, {@code counts} of them, for a failure's message. */
  private String last(Map<String, Integer> counts) throws Exception {
    Map<String, List<?>> logs = new TreeMap<>();
    logs.put("hf", hub.requests());
    logs.put("wandb", wandb.requests());
    logs.put("oci", oci.requests());
    logs.put("zoo", zoo.requests());
    logs.put("kaggle", kaggle.requests());
    StringBuilder sb = new StringBuilder();
    logs.forEach(
        (name, log) -> {
          int n = Math.max(0, Math.min(counts.getOrDefault(name, 0), log.size()));
          sb.append(name).append(": ").append(log.subList(log.size() - n, log.size())).append('\n');
        });
    return sb.toString();
  }

  private static Map<String, Integer> since(Map<String, Integer> before, Map<String, Integer> now) {
    Map<String, Integer> d = new TreeMap<>();
    now.forEach((k, v) -> d.put(k, v - before.get(k)));
    return d;
  }

  @Test
  void oneListOverEveryRegistryPullsRunsLocksAndResumes() throws Exception {
    CliResult pull = gpux("batch", "pull", "-f", "models.txt", "--json");
    assertEquals(0, pull.exitCode(), pull.toString());
    JsonNode o = MAPPER.readTree(pull.out());
    assertEquals(List.of("models", "summary"), names(o));
    assertEquals(refs.size(), o.get("models").size(), pull.out());
    for (int i = 0; i < refs.size(); i++) {
      JsonNode m = o.get("models").get(i);
      assertEquals(List.of("ref", "status", "version", "bytes", "seconds", "error"), names(m));
      assertEquals(refs.get(i), m.get("ref").asText());
      assertEquals("pulled", m.get("status").asText(), m.toString());
      assertTrue(m.get("version").isTextual() && !m.get("version").asText().isEmpty(), m + "");
      assertTrue(m.get("bytes").asLong() > 0, m.toString());
      assertTrue(m.get("error").isNull(), m.toString());
    }
    assertEquals(
        List.of("pulled", "current", "failed", "bytes", "seconds"), names(o.get("summary")));
    assertEquals(refs.size(), o.get("summary").get("pulled").asInt());

    // A second pass: every model current, at most one "what does this name point to now" each.
    Map<String, Integer> before = served();
    CliResult again = gpux("batch", "pull", "-f", "models.txt", "--json");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(refs.size(), MAPPER.readTree(again.out()).get("summary").get("current").asInt());
    Map<String, Integer> asked = since(before, served());
    String log = asked + "\n" + last(asked);
    asked.forEach((registry, n) -> assertTrue(n <= 1, registry + " was asked " + n + ": " + log));

    // batch run: every model over every line, as single `gpux run` calls answer.
    CliResult run =
        gpux(
            "batch",
            "run",
            "-f",
            "models.txt",
            "--input",
            "data.jsonl",
            "-o",
            "results.jsonl",
            "--json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode summary = MAPPER.readTree(run.out()).get("summary");
    assertEquals(2 * refs.size(), summary.get("lines").asInt(), run.out());
    assertEquals(0, summary.get("errors").asInt(), run.out());
    Map<String, String> results = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("results.jsonl"))) {
      JsonNode r = MAPPER.readTree(line);
      assertEquals(List.of("model", "line", "outputs"), names(r), line);
      assertEquals(null, results.put(r.get("model").asText() + "#" + r.get("line"), line), line);
    }
    List<String> data = Files.readAllLines(dir.resolve("data.jsonl"));
    for (String ref : refs) {
      for (int j = 0; j < data.size(); j++) {
        CliResult single = gpux("run", ref, "--input", data.get(j), "--json", "-q");
        assertEquals(0, single.exitCode(), single.toString());
        assertEquals(
            "{\"model\":\""
                + ref
                + "\",\"line\":"
                + j
                + ",\"outputs\":"
                + single.out().strip()
                + "}",
            results.get(ref + "#" + j),
            ref + " line " + j);
      }
    }

    // Locked, then restored into an empty store by a batch that one failure interrupts.
    CliResult lock = gpux("lock", "-f", "models.txt", "-o", "all.lock");
    assertEquals(0, lock.exitCode(), lock.toString());
    env.put("GPUX_HOME", dir.resolve("restored").toString());
    hub.faults().next("model.onnx", Fault.status(404));
    CliResult interrupted = gpux("batch", "pull", "--locked", "all.lock", "--json");
    assertEquals(1, interrupted.exitCode(), interrupted.toString());
    JsonNode first = MAPPER.readTree(interrupted.out());
    assertEquals(refs.size() - 1, first.get("summary").get("pulled").asInt(), interrupted.out());
    assertEquals("failed", first.get("models").get(0).get("status").asText(), interrupted.out());

    // Resumed: the finished models cost no request at all; only the hub, for its model, is asked.
    before = served();
    hub.clearRequests();
    CliResult resumed = gpux("batch", "pull", "--locked", "all.lock", "--json");
    assertEquals(0, resumed.exitCode(), resumed.toString());
    JsonNode s = MAPPER.readTree(resumed.out()).get("summary");
    assertEquals(1, s.get("pulled").asInt(), resumed.out());
    assertEquals(refs.size() - 1, s.get("current").asInt(), resumed.out());
    Map<String, Integer> resumeAsked = since(before, served());
    resumeAsked.forEach(
        (registry, n) ->
            assertTrue(registry.equals("hf") || n == 0, registry + " asked: " + resumeAsked));
    for (RecordedRequest r : hub.requests()) {
      assertTrue(r.path().contains("acme/adder") || r.isCdn(), r.toString());
    }

    // Complete: run again, no server hears a thing.
    before = served();
    CliResult complete = gpux("batch", "pull", "--locked", "all.lock", "--json");
    assertEquals(0, complete.exitCode(), complete.toString());
    assertEquals(
        refs.size(), MAPPER.readTree(complete.out()).get("summary").get("current").asInt());
    Map<String, Integer> none = since(before, served());
    none.forEach((registry, n) -> assertEquals(0, n, registry + " asked: " + none));

    // The restored models run as the first store's did, named by their locked versions.
    CliResult lockedRun =
        gpux("batch", "run", "--locked", "all.lock", "--input", "data.jsonl", "-o", "locked.jsonl");
    assertEquals(0, lockedRun.exitCode(), lockedRun.toString());
    assertEquals(
        outputs(results.values()), outputs(Files.readAllLines(dir.resolve("locked.jsonl"))));
    assertFalse(
        Files.readString(dir.resolve("locked.jsonl")).contains(MlflowServer.ADMIN_PASSWORD),
        "never credentials");
  }

  /** Each result's line and outputs, without its model's name, sorted. */
  private static List<String> outputs(Iterable<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      JsonNode r = MAPPER.readTree(line);
      out.add(r.get("line") + " " + r.get("outputs"));
    }
    out.sort(null);
    return out;
  }

  private static List<String> names(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
