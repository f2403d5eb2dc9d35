package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --variant} is part of what is stored: a quantized copy and the plain one of the same
 * commit are two stored versions, and neither passes for the other.
 */
class VariantPullTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private final Path digits = RepoFiles.root().resolve("examples/digits");
  private FakeHfHub hub;
  private String commit;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    byte[] model = Files.readAllBytes(digits.resolve("model.onnx"));
    commit =
        hub.repo("acme/digits")
            .lfsFile("onnx/model.onnx", model)
            .lfsFile("onnx/model_quantized.onnx", model)
            .file("config.json", "{}")
            .commit("initial");
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private List<String> files(JsonNode pulled) {
    List<String> out = new ArrayList<>();
    pulled.get("files").forEach(f -> out.add(f.get("path").asText()));
    return out;
  }

  @Test
  void aVariantIsStoredBesideThePlainCopyAndNeitherPassesForTheOther() throws Exception {
    CliResult quantized = gpux("pull", "hf:acme/digits", "--variant", "quantized", "--json");
    assertEquals(0, quantized.exitCode(), quantized.toString());
    JsonNode q = MAPPER.readTree(quantized.out());
    assertEquals(commit, q.get("version").asText(), "the registry's version");
    assertEquals("quantized", q.get("selection").asText());
    assertEquals(commit + "+quantized", q.get("stored_version").asText());
    assertTrue(files(q).contains("onnx/model_quantized.onnx"), q.toString());

    CliResult plain = gpux("pull", "hf:acme/digits", "--json");
    assertEquals(0, plain.exitCode(), plain.toString());
    JsonNode p = MAPPER.readTree(plain.out());
    assertEquals(
        commit, p.get("stored_version").asText(), "the plain copy is fetched, not 'up to date'");
    assertTrue(p.get("selection").isNull(), p.toString());
    assertTrue(
        files(p).contains("onnx/model.onnx") && !files(p).contains("onnx/model_quantized.onnx"));

    CliResult again = gpux("pull", "hf:acme/digits", "--variant", "quantized");
    assertTrue(again.out().contains("Up to date"), again.toString());

    CliResult forced = gpux("pull", "hf:acme/digits", "--force");
    assertEquals(0, forced.exitCode(), forced.toString());
    JsonNode list = MAPPER.readTree(gpux("list", "--json").out());
    assertEquals(2, list.size(), list.toString());
    List<String> selections = new ArrayList<>();
    list.forEach(m -> selections.add(m.get("selection").asText("default")));
    assertEquals(List.of("default", "quantized"), selections.stream().sorted().toList());
    String human = gpux("list").out();
    assertTrue(human.contains(commit.substring(0, 12) + "+quantized"), human);

    CliResult inspect = gpux("inspect", "hf:acme/digits", "--json");
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertEquals(
        commit,
        MAPPER.readTree(inspect.out()).get("source").get("version").asText(),
        "the plain reference names the plain copy");
    CliResult run =
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "-q");
    assertEquals(0, run.exitCode(), run.toString());

    CliResult rm = gpux("rm", "hf:acme/digits@main");
    assertEquals(0, rm.exitCode(), rm.toString());
    JsonNode left = MAPPER.readTree(gpux("list", "--json").out());
    assertEquals(1, left.size(), left.toString());
    assertEquals("quantized", left.get(0).get("selection").asText());

    CliResult gone = gpux("inspect", "hf:acme/digits");
    assertFalse(gone.exitCode() == 0, gone.toString());
    assertTrue(gone.err().contains("hf:acme/digits@" + commit + "+quantized"), gone.toString());
    CliResult byExact = gpux("inspect", "hf:acme/digits@" + commit + "+quantized", "--json");
    assertEquals(0, byExact.exitCode(), byExact.toString());
  }
}
