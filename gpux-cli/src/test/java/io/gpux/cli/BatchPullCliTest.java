package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.wandb.FakeWandb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux batch pull} as a user types it, against the registries' test servers. */
class BatchPullCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private FakeHfHub hub;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src")));
    for (int i = 0; i < 6; i++) {
      byte[] weights = new byte[8 << 10];
      new Random(i).nextBytes(weights);
      hub.repo("acme/m" + i)
          .file("model.onnx", model)
          .lfsFile("model.onnx_data", weights)
          .commit("initial");
    }
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("HF_ENDPOINT", hub.url());
    env.put("DOCKER_CONFIG", dir.resolve("no-docker").toString());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(dir, env, args);
  }

  @Test
  void aListFilePullsEveryModelWithOnePlainLineEachAndASummary() throws Exception {
    Files.writeString(
        dir.resolve("models.txt"),
        "# the nightly set\nhf:acme/m0\nhf:acme/m1  # small\n\nhf:acme/m2\nhf:acme/m0\n");
    CliResult r = gpux("batch", "pull", "-f", "models.txt");
    assertEquals(0, r.exitCode(), r.toString());
    // Not a terminal: one line per finished model, nothing redrawn.
    List<String> lines = r.err().lines().toList();
    assertEquals(3, lines.size(), r.toString());
    assertTrue(
        lines.stream().allMatch(l -> l.matches("pulled  hf:acme/m[012]@[0-9a-f]{40}  .*")),
        r.err());
    assertFalse(r.err().contains("\r") || r.err().contains("\033["), "no redraws on a pipe");
    assertTrue(r.out().startsWith("3 models: 3 pulled, 0 current, 0 failed; "), r.out());

    CliResult again = gpux("batch", "pull", "-f", "models.txt", "--quiet");
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.out().startsWith("3 models: 0 pulled, 3 current, 0 failed"), again.toString());
    assertEquals(3, again.err().lines().filter(l -> l.startsWith("current ")).count());
  }

  @Test
  void jsonHasExactlyTheDocumentedSchema() throws Exception {
    CliResult r = gpux("batch", "pull", "hf:acme/m0", "hf:acme/missing", "hf:acme/m1", "--json");
    assertEquals(1, r.exitCode(), "one failed: " + r);
    assertEquals("", r.err(), "JSON alone: " + r);
    JsonNode o = MAPPER.readTree(r.out());
    assertEquals(List.of("models", "summary"), names(o));
    assertEquals(3, o.get("models").size());
    for (JsonNode m : o.get("models")) {
      assertEquals(List.of("ref", "status", "version", "bytes", "seconds", "error"), names(m));
      assertTrue(m.get("bytes").isIntegralNumber() && m.get("seconds").isNumber(), m.toString());
    }
    JsonNode ok = o.get("models").get(0);
    assertEquals("hf:acme/m0", ok.get("ref").asText());
    assertEquals("pulled", ok.get("status").asText());
    assertEquals(hub.repo("acme/m0").resolve("main"), ok.get("version").asText());
    assertTrue(ok.get("bytes").asLong() > 8 << 10, ok.toString());
    assertTrue(ok.get("error").isNull());
    JsonNode bad = o.get("models").get(1);
    assertEquals("failed", bad.get("status").asText());
    assertTrue(bad.get("version").isNull());
    assertTrue(bad.get("error").asText().contains("acme/missing"), bad.toString());
    JsonNode s = o.get("summary");
    assertEquals(List.of("pulled", "current", "failed", "bytes", "seconds"), names(s));
    assertEquals(2, s.get("pulled").asInt());
    assertEquals(0, s.get("current").asInt());
    assertEquals(1, s.get("failed").asInt());
    assertEquals(
        o.get("models").get(0).get("bytes").asLong() + o.get("models").get(2).get("bytes").asLong(),
        s.get("bytes").asLong());
  }

  @Test
  void failuresAreListedWithTheirReasonAndFixAndTheExitCodeIsOne() {
    CliResult r = gpux("batch", "pull", "hf:acme/m0", "hf:acme/missing", "--jobs", "2");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("2 models: 1 pulled, 0 current, 1 failed"), r.out());
    assertTrue(r.out().contains("Failed:\n  hf:acme/missing (argument 2): "), r.out());
    assertTrue(r.out().contains("    hint: "), r.out());
    assertFalse(r.toString().contains("Exception"), r.toString());
    CliResult jobs = gpux("batch", "pull", "hf:acme/m0", "--jobs", "0");
    assertEquals(2, jobs.exitCode(), jobs.toString());
    assertTrue(
        jobs.err().startsWith("gpux: error: --jobs must be between 1 and 64, got 0"), jobs.err());
  }

  @Test
  void aListFromStandardInputWithABadLineSkipped() {
    CliResult refused = CliResult.withInput("hf:acme/m3\nhf:\n", dir, env, "batch", "pull", "-");
    assertEquals(2, refused.exitCode(), refused.toString());
    assertTrue(
        refused.err().startsWith("gpux: error: stdin:2: 'hf:' is not a model reference"),
        refused.err());
    assertFalse(Files.exists(dir.resolve("home/manifests/hf")), "nothing pulled: " + refused);

    CliResult skipped =
        CliResult.withInput(
            "hf:acme/m3\nhf:\n", dir, env, "batch", "pull", "-", "hf:acme/m4", "--skip-invalid");
    assertEquals(0, skipped.exitCode(), skipped.toString());
    assertTrue(
        skipped.err().startsWith("gpux: warning: skipped stdin:2: 'hf:' is not a model reference"),
        skipped.err());
    assertTrue(skipped.out().startsWith("2 models: 2 pulled"), skipped.toString());
  }

  @Test
  void oneListAcrossHuggingFaceWeightsAndBiasesAndAnOciRegistry() throws Exception {
    assumeTrue(
        DockerRegistry.available(), "docker-registry is not installed (.ci/run installs it)");
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("wb")));
    try (FakeWandb wb = FakeWandb.start();
        DockerRegistry oci = DockerRegistry.anonymous(dir.resolve("registry"))) {
      for (String name : List.of("a", "b")) {
        wb.artifact("acme", "proj", name, "model").file("model.onnx", model).commit();
      }
      env.put("WANDB_BASE_URL", wb.url());
      env.put("WANDB_API_KEY", "local-batchTestKey0123456789abcdefghijklmnopqrst");
      Path adder = Files.createDirectories(dir.resolve("adder"));
      OnnxModels.addOne(adder.resolve("model.onnx"));
      List<String> list = new ArrayList<>(List.of("hf:acme/m0", "hf:acme/m1"));
      for (String tag : List.of("v1", "v2")) {
        Files.writeString(adder.resolve("README.md"), "# adder " + tag + "\n");
        String ref = "oci://" + oci.host() + "/acme/adder:" + tag;
        CliResult push = gpux("push", "adder", ref);
        assertEquals(0, push.exitCode(), push.toString());
        list.add(ref);
      }
      list.add("wandb:acme/proj/a:v0");
      list.add("wandb:acme/proj/b:latest");
      Files.writeString(dir.resolve("models.txt"), String.join("\n", list) + "\n");
      CliResult r = gpux("batch", "pull", "-f", "models.txt", "--json");
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode o = MAPPER.readTree(r.out());
      assertEquals(6, o.get("summary").get("pulled").asInt(), r.out());
      for (int i = 0; i < list.size(); i++) {
        assertEquals(list.get(i), o.get("models").get(i).get("ref").asText());
      }
      assertTrue(o.get("models").get(2).get("version").asText().startsWith("sha256:"), r.out());
      assertEquals("v0", o.get("models").get(4).get("version").asText(), r.out());
      assertEquals(List.of(), wb.unknownOperations());
      // They run as single pulls left them.
      CliResult run =
          gpux("run", "wandb:acme/proj/b:latest", "--input", "{\"x\": [[1, 2, 3, 4]]}", "-q");
      assertEquals(0, run.exitCode(), run.toString());
      CliResult again = gpux("batch", "pull", "-f", "models.txt", "--json");
      assertEquals(
          6, MAPPER.readTree(again.out()).get("summary").get("current").asInt(), again.out());
    }
  }

  private static List<String> names(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
