package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.wandb.FakeWandb;
import io.gpux.testing.wandb.WandbVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux lineage} (text, JSON, CycloneDX) and {@code gpux diff} of Hugging Face and W&amp;B
 * models, through the CLI; the BOMs are validated by the official CycloneDX library against the 1.6
 * schema and read back with its parser.
 */
class LineageDiffTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEY = "local-lineageKey0123456789abcdefghijklmnopqrst";
  @TempDir Path cwd;
  @TempDir Path home;
  private final Path digits = RepoFiles.root().resolve("examples/digits");

  private CliResult gpux(Map<String, String> env, String... args) {
    Map<String, String> e = new HashMap<>(env);
    e.put("GPUX_HOME", home.toString());
    return CliResult.run(cwd, e, args);
  }

  /** Validates a BOM against the CycloneDX 1.6 JSON schema and parses it with the library. */
  static Bom validBom(String json) throws Exception {
    List<ParseException> problems =
        new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), Version.VERSION_16);
    assertTrue(problems.isEmpty(), problems + "\n" + json);
    JsonNode tree = MAPPER.readTree(json);
    assertEquals("CycloneDX", tree.get("bomFormat").asText());
    assertEquals("1.6", tree.get("specVersion").asText());
    return new JsonParser().parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void huggingFaceLineageAndItsBom() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      String commit =
          hub.repo("acme/digits")
              .lfsFile("onnx/model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
              .file("config.json", "{\"id2label\": {\"0\": \"zero\", \"1\": \"one\"}}")
              .pipelineTag("image-classification")
              .license("mit")
              .commit("initial");
      Map<String, String> env = Map.of("HF_ENDPOINT", hub.url(), "HF_TOKEN", "hf_SECRETtoken99");
      assertEquals(0, gpux(env, "pull", "hf:acme/digits").exitCode());

      CliResult json = gpux(env, "lineage", "hf:acme/digits", "--json");
      assertEquals(0, json.exitCode(), json.toString());
      JsonNode l = MAPPER.readTree(json.out());
      assertEquals("hf:acme/digits@" + commit, l.get("reference").asText());
      assertEquals("hf", l.get("registry").asText());
      assertEquals(hub.url(), l.get("server").asText());
      assertEquals("main", l.get("requested").asText());
      assertEquals(commit, l.get("version").asText());
      assertEquals(Gpux.version(), l.get("pulled_by").asText());
      assertTrue(l.get("run").isNull(), "the Hub names no producing run");
      assertEquals("image-classification", l.get("metadata").get("pipeline_tag").asText());
      JsonNode files = l.get("files");
      assertEquals(3, files.size(), files.toString());
      JsonNode yml = files.get(2);
      assertEquals("gpux.yml", yml.get("path").asText());
      assertFalse(yml.get("derived").isNull(), "the generated gpux.yml says how it was made");
      assertTrue(
          files.get(0).get("registry_digest").asText().startsWith("git-blob-sha1:")
              || files.get(0).get("registry_digest").isNull(),
          files.toString());
      assertFalse(json.out().contains("hf_SECRETtoken99"), "never credentials");

      CliResult text = gpux(env, "lineage", "hf:acme/digits");
      assertEquals(0, text.exitCode(), text.toString());
      assertTrue(text.out().contains("pulled") && text.out().contains("by gpux "), text.out());
      assertTrue(text.out().contains("onnx/model.onnx"), text.out());

      CliResult cdx =
          gpux(env, "lineage", "hf:acme/digits", "--format", "cyclonedx", "-o", "digits.cdx.json");
      assertEquals(0, cdx.exitCode(), cdx.toString());
      String bomText = Files.readString(cwd.resolve("digits.cdx.json"));
      Bom bom = validBom(bomText);
      Component model = bom.getComponents().get(0);
      assertEquals(Component.Type.MACHINE_LEARNING_MODEL, model.getType());
      assertEquals("acme/digits", model.getName());
      assertEquals(commit, model.getVersion());
      assertEquals("pkg:huggingface/acme/digits@" + commit, model.getPurl());
      String onnxSha = files.get(0).get("sha256").asText();
      assertEquals(
          onnxSha, model.getHashes().get(0).getValue(), "the model's hash is its ONNX file's");
      assertEquals("image-classification", model.getModelCard().getModelParameters().getTask());
      assertEquals(3, model.getComponents().size(), "one file component per file");
      assertTrue(
          model.getExternalReferences().stream().anyMatch(r -> hub.url().equals(r.getUrl())),
          "the registry as an external reference");
      assertFalse(bomText.contains("hf_SECRETtoken99"));
    }
  }

  @Test
  void huggingFaceDiffOfTwoVersions() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      String v1 =
          hub.repo("acme/digits")
              .lfsFile("onnx/model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
              .file("config.json", "{\"id2label\": {\"0\": \"zero\"}}")
              .file("README.md", "# digits\n")
              .commit("initial");
      hub.repo("acme/digits").tag("v1");
      byte[] adder = Files.readAllBytes(OnnxModels.addOne(cwd.resolve("src/model.onnx")));
      String v2 =
          hub.repo("acme/digits")
              .lfsFile("onnx/model.onnx", adder)
              .file("generation_config.json", "new")
              .delete("README.md")
              .commit("adder");
      Map<String, String> env = Map.of("HF_ENDPOINT", hub.url());
      assertEquals(0, gpux(env, "pull", "hf:acme/digits@v1").exitCode());
      assertEquals(0, gpux(env, "pull", "hf:acme/digits@main").exitCode());

      CliResult same = gpux(env, "diff", "hf:acme/digits@v1", "hf:acme/digits@" + v1);
      assertEquals(0, same.exitCode(), "a version against itself: " + same);
      assertTrue(same.out().contains("Identical"), same.toString());

      CliResult json = gpux(env, "diff", "hf:acme/digits@v1", "hf:acme/digits@main", "--json");
      assertEquals(1, json.exitCode(), "exit 1 when they differ, as diff(1): " + json);
      JsonNode d = MAPPER.readTree(json.out());
      assertEquals("hf:acme/digits@" + v1, d.get("a").asText());
      assertEquals("hf:acme/digits@" + v2, d.get("b").asText());
      Map<String, String> status = new HashMap<>();
      d.get("files").forEach(f -> status.put(f.get("path").asText(), f.get("status").asText()));
      assertEquals("changed", status.get("onnx/model.onnx"), status.toString());
      assertEquals("removed", status.get("README.md"));
      assertEquals("added", status.get("generation_config.json"));
      assertEquals("same", status.get("config.json"));
      Map<String, String> inputs = new HashMap<>();
      d.get("inputs").forEach(i -> inputs.put(i.get("key").asText(), i.get("status").asText()));
      assertEquals("added", inputs.get("x"), d.get("inputs").toString());
      assertEquals("removed", inputs.get("pixels"), d.get("inputs").toString());
      assertTrue(d.get("opsets").size() > 0, d.toString());
      long delta =
          Files.size(cwd.resolve("src/model.onnx"))
              - Files.size(digits.resolve("model.onnx"))
              + 3
              - "# digits\n".length();
      assertEquals(
          delta,
          d.get("bytes_delta").asLong() - gpuxYmlDelta(d),
          "the size delta of the registry's files");

      CliResult text = gpux(env, "diff", "hf:acme/digits@v1", "hf:acme/digits@main");
      assertEquals(1, text.exitCode());
      assertTrue(text.out().contains("changed  onnx/model.onnx"), text.out());
      assertTrue(text.out().contains("removed  pixels"), text.out());
    }
  }

  /** The generated gpux.yml differs between the versions too; its share of the delta. */
  private static long gpuxYmlDelta(JsonNode d) {
    for (JsonNode f : d.get("files")) {
      if (f.get("path").asText().equals("gpux.yml") && f.get("status").asText().equals("changed")) {
        return f.get("b").get("size").asLong() - f.get("a").get("size").asLong();
      }
    }
    return 0;
  }

  @Test
  void wandbLineageCarriesTheRunAndDiffComparesItsSummary() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(cwd.resolve("w/model.onnx")));
    try (FakeWandb wb = FakeWandb.start().requireApiKey(KEY)) {
      WandbVersion v0 =
          wb.artifact("acme", "mnist", "adder", "model")
              .file("model.onnx", model)
              .run("run42", "{\"lr\": 0.1}", "{\"loss\": 0.2, \"accuracy\": 0.9}")
              .aliases("production")
              .commit();
      wb.artifact("acme", "mnist", "adder", "model")
          .file("model.onnx", model)
          .file("notes.txt", "retrained")
          .run("run43", "{\"lr\": 0.05}", "{\"loss\": 0.1, \"accuracy\": 0.95}")
          .aliases("latest")
          .commit();
      Map<String, String> env = Map.of("WANDB_BASE_URL", wb.url(), "WANDB_API_KEY", KEY);
      assertEquals(0, gpux(env, "pull", "wandb:acme/mnist/adder:production").exitCode());
      assertEquals(0, gpux(env, "pull", "wandb:acme/mnist/adder:v1").exitCode());

      CliResult json = gpux(env, "lineage", "wandb:acme/mnist/adder:production", "--json");
      assertEquals(0, json.exitCode(), json.toString());
      JsonNode l = MAPPER.readTree(json.out());
      assertEquals("wandb", l.get("registry").asText());
      assertEquals("production", l.get("requested").asText());
      assertEquals(v0.version(), l.get("version").asText());
      JsonNode run = l.get("run");
      assertEquals("wandb", run.get("system").asText());
      assertEquals("run42", run.get("id").asText());
      assertEquals("acme/mnist", run.get("group").asText());
      assertEquals("0.1", run.get("params").get("lr").asText());
      assertEquals("0.9", run.get("metrics").get("accuracy").asText());
      assertFalse(json.out().contains(KEY), "never the API key");

      String bomText =
          gpux(env, "lineage", "wandb:acme/mnist/adder:production", "--format", "cyclonedx").out();
      Bom bom = validBom(bomText);
      var metrics =
          bom.getComponents()
              .get(0)
              .getModelCard()
              .getQuantitativeAnalysis()
              .getPerformanceMetrics();
      assertEquals(List.of("accuracy", "loss"), metrics.stream().map(m -> m.getType()).toList());
      assertEquals("0.9", metrics.get(0).getValue());
      assertNull(bom.getComponents().get(0).getPurl(), "purl has no type for W&B");
      assertFalse(bomText.contains(KEY));

      CliResult diff =
          gpux(
              env,
              "diff",
              "wandb:acme/mnist/adder:production",
              "wandb:acme/mnist/adder:v1",
              "--json");
      assertEquals(1, diff.exitCode(), diff.toString());
      JsonNode d = MAPPER.readTree(diff.out());
      Map<String, JsonNode> metricsByKey = new HashMap<>();
      d.get("metrics").forEach(m -> metricsByKey.put(m.get("key").asText(), m));
      assertEquals("changed", metricsByKey.get("accuracy").get("status").asText());
      assertEquals("0.9", metricsByKey.get("accuracy").get("a").asText());
      assertEquals("0.95", metricsByKey.get("accuracy").get("b").asText());
      assertEquals("same", d.get("inputs").get(0).get("status").asText(), "same model file");
      CliResult text =
          gpux(env, "diff", "wandb:acme/mnist/adder:production", "wandb:acme/mnist/adder:v1");
      assertTrue(text.out().contains("Run metrics:"), text.out());
      assertTrue(text.out().contains("accuracy  0.9 -> 0.95"), text.out());
      assertTrue(text.out().contains("Inputs: same"), text.out());
    }
  }

  @Test
  void wandbLockRestoresAndATamperedDigestIsCaughtAfterTheDownloadBeforeTheStore()
      throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(cwd.resolve("w/model.onnx")));
    try (FakeWandb wb = FakeWandb.start().requireApiKey(KEY)) {
      WandbVersion v0 =
          wb.artifact("acme", "mnist", "adder", "model")
              .file("model.onnx", model)
              .run("run42", "{\"lr\": 0.1}", "{\"loss\": 0.2}")
              .aliases("production")
              .commit();
      Map<String, String> env = Map.of("WANDB_BASE_URL", wb.url(), "WANDB_API_KEY", KEY);
      assertEquals(0, gpux(env, "pull", "wandb:acme/mnist/adder:production").exitCode());
      CliResult lock = gpux(env, "lock", "wandb:acme/mnist/adder:production");
      assertEquals(0, lock.exitCode(), lock.toString());
      String text = Files.readString(cwd.resolve("gpux.lock"));
      assertTrue(text.contains("requested: \"production\"") && text.contains(v0.version()), text);

      Map<String, String> other = new HashMap<>(env);
      other.put("GPUX_HOME", cwd.resolve("other-home").toString());
      CliResult sync = CliResult.run(cwd, other, "sync", "--json");
      assertEquals(0, sync.exitCode(), sync.toString());
      assertEquals(
          1, MAPPER.readTree(sync.out()).get("models").get(0).get("files_fetched").asInt());

      // W&B lists MD5s, not sha256: a forged sha256 is caught once the bytes are in, before the
      // store takes them.
      String sha = text.replaceFirst("(?s).*sha256: \"([0-9a-f]{64})\".*", "$1");
      Files.writeString(cwd.resolve("forged.lock"), text.replace(sha, "f".repeat(64)));
      Map<String, String> third = new HashMap<>(env);
      third.put("GPUX_HOME", cwd.resolve("third-home").toString());
      CliResult forged = CliResult.run(cwd, third, "sync", "forged.lock");
      assertEquals(2, forged.exitCode(), forged.toString());
      assertTrue(
          forged.err().contains("model.onnx is locked with sha256 ffffffffffff"),
          forged.toString());
      assertFalse(forged.err().contains("\tat "), forged.toString());
      CliResult list = CliResult.run(cwd, third, "list", "--json");
      assertEquals("[]", MAPPER.readTree(list.out()).toString(), "no model entered the store");
      try (var blobs = Files.walk(cwd.resolve("third-home"))) {
        assertTrue(
            blobs.noneMatch(
                p ->
                    p.toString()
                        .contains(
                            "blobs" + java.io.File.separator + "sha256" + java.io.File.separator)),
            "no blob either");
      }
    }
  }
}
