package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Path digits = RepoFiles.root().resolve("examples/digits");

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  @Test
  void runClassifiesTheSampleDigit() throws Exception {
    CliResult r = CliResult.run(digits, "run", ".", "--file", "sample.json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode out = json(r.out());
    assertEquals(7, out.get("label").get(0).asInt());
    assertEquals("7", out.get("probabilities_labels").get(0).get("label").asText());
    assertTrue(r.err().contains("provider: CPUExecutionProvider"), r.toString());
  }

  @Test
  void runByProjectNameFromTheParentFolder() throws Exception {
    CliResult r =
        CliResult.run(
            digits.getParent(), "run", "digits", "-q", "--json", "--input", "@digits/batch.json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("[7,6,3,7]", json(r.out()).get("label").toString());
    assertEquals("", r.err(), "--quiet prints nothing on stderr");
  }

  @Test
  void runWritesTheOutputFile() throws Exception {
    Path out = dir.resolve("result.json");
    CliResult r =
        CliResult.run(digits, "run", ".", "--file", "sample.json", "--output", out.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("", r.out());
    assertEquals(7, json(Files.readString(out)).get("label").get(0).asInt());
  }

  @Test
  void benchmarkPrintsEveryStatistic() throws Exception {
    CliResult r =
        CliResult.run(
            digits,
            "run",
            ".",
            "--file",
            "sample.json",
            "--benchmark",
            "--runs",
            "20",
            "--warmup",
            "2",
            "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode s = json(r.out());
    for (String k :
        new String[] {
          "mean_ms",
          "median_ms",
          "p95_ms",
          "p99_ms",
          "min_ms",
          "max_ms",
          "std_ms",
          "throughput_per_s"
        }) {
      assertTrue(s.has(k), k + " in " + s);
    }
    assertEquals(20, s.get("runs").asInt());
    assertTrue(s.get("min_ms").asDouble() <= s.get("median_ms").asDouble());
    assertTrue(s.get("median_ms").asDouble() <= s.get("max_ms").asDouble());
    CliResult table =
        CliResult.run(digits, "run", ".", "--file", "sample.json", "--benchmark", "--runs", "5");
    assertTrue(table.out().contains("p99") && table.out().contains("throughput"), table.toString());
  }

  @Test
  void benchmarkRejectsZeroRuns() {
    CliResult r =
        CliResult.run(digits, "run", ".", "--file", "sample.json", "--benchmark", "--runs", "0");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--runs must be at least 1"), r.toString());
  }

  @Test
  void inspectShowsSignatureOpsetProducerAndProvider() throws Exception {
    CliResult r = CliResult.run(digits, "inspect", ".", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode d = json(r.out());
    assertEquals("digits", d.get("name").asText());
    assertEquals("pixels", d.get("inputs").get(0).get("name").asText());
    assertEquals("[\"batch\",64]", d.get("inputs").get(0).get("shape").toString());
    assertTrue(d.get("inputs").get(0).get("dynamic").asBoolean());
    assertEquals(17, d.get("model").get("opset").asInt());
    assertEquals("skl2onnx", d.get("model").get("producer_name").asText());
    assertEquals("CPUExecutionProvider", d.get("provider").get("name").asText());
    assertEquals(10, d.get("outputs").get(1).get("labels").size());
    CliResult human = CliResult.run(digits, "inspect");
    assertTrue(
        human.out().contains("[batch, 64]") && human.out().contains("dynamic"), human.toString());
  }

  @Test
  void inspectABareOnnxFile() throws Exception {
    OnnxModels.twoOutputs(dir);
    CliResult r = CliResult.run(dir, "inspect", "two_outputs.onnx", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode d = json(r.out());
    assertEquals("two_outputs", d.get("name").asText());
    assertEquals(2, d.get("outputs").size());
  }

  @Test
  void buildWritesARecordThatInspectShows() throws Exception {
    Path project = dir.resolve("p");
    Files.createDirectories(project);
    for (String f : new String[] {"gpux.yml", "model.onnx"}) {
      Files.copy(digits.resolve(f), project.resolve(f));
    }
    CliResult r = CliResult.run(project, "build", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode record = json(Files.readString(project.resolve(".gpux/build.json")));
    assertEquals(64, record.get("model").get("sha256").asText().length());
    assertEquals("CPUExecutionProvider", record.get("provider").get("name").asText());
    assertTrue(json(r.out()).get("ok").asBoolean());
    CliResult inspect = CliResult.run(project, "inspect", "--json");
    assertEquals(
        record.get("built_at").asText(), json(inspect.out()).get("build").get("built_at").asText());
  }

  @Test
  void providersListsCpuAsAvailable() throws Exception {
    CliResult r = CliResult.run(dir, "providers", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode p = json(r.out());
    assertEquals(7, p.get("providers").size());
    boolean cpu = false;
    for (JsonNode n : p.get("providers")) {
      cpu |= n.get("name").asText().equals("cpu") && n.get("available").asBoolean();
    }
    assertTrue(cpu, p.toString());
    CliResult human = CliResult.run(dir, "providers");
    assertTrue(human.out().contains("CPUExecutionProvider"), human.toString());
  }

  @Test
  void versionAndHelp() {
    CliResult v = CliResult.run(dir, "--version");
    assertEquals(0, v.exitCode());
    assertTrue(v.out().startsWith("gpux "), v.toString());
    CliResult h = CliResult.run(dir, "--help");
    assertTrue(
        h.out().contains("run") && h.out().contains("inspect") && h.out().contains("Exit codes"),
        h.toString());
  }
}
