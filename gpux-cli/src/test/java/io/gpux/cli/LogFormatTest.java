package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-format json} (or GPUX_LOG_FORMAT=json) turns every command's errors and warnings
 * into one JSON object per line, with the hint and exit code as fields; text stays the default.
 * ServeJsonLogTest covers serve's log.
 */
class LogFormatTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("GPUX_LOG_FORMAT");
    env.put("GPUX_HOME", dir.resolve("home").toString());
    for (int i = 0; i + 1 < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  /** Each line of {@code err} as JSON, failing on any line that is not an object. */
  static List<JsonNode> jsonLines(String err) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : err.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = MAPPER.readTree(line);
      assertTrue(n.isObject(), "a JSON object per line: " + line);
      for (String field : List.of("timestamp", "level", "logger", "event", "message")) {
        assertTrue(n.hasNonNull(field), field + " in " + line);
      }
      java.time.Instant.parse(n.get("timestamp").asText());
      lines.add(n);
    }
    return lines;
  }

  @Test
  void aUsageErrorIsOneJsonObjectWithItsHintAndExitCode() throws Exception {
    CliResult r =
        CliResult.run(dir, env(), "--log-format", "json", "serve", "--port", "70000", "m");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    List<JsonNode> lines = jsonLines(r.err());
    assertEquals(1, lines.size(), r.err());
    JsonNode e = lines.get(0);
    assertEquals("ERROR", e.get("level").asText());
    assertEquals("usage_error", e.get("event").asText());
    assertTrue(e.get("message").asText().contains("--port must be between 0 and 65535"), r.err());
    assertTrue(e.get("hint").asText().contains("--help"), r.err());
    assertEquals(ExitCodes.USAGE, e.get("exit_code").asInt());
    assertTrue(e.get("see").asText().contains("troubleshooting"), r.err());
  }

  @Test
  void aWrongFormatNamesTheValuesAsTheOptionSpellsThem() {
    CliResult r = CliResult.run(dir, env(), "--log-format", "yaml", "list");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "gpux: error: invalid value for option '--log-format': expected text or json but"
                    + " was 'yaml'\n"),
        r.toString());
  }

  @Test
  void theOptionAfterTheVerbAndTheEnvironmentWorkToo() throws Exception {
    CliResult after = CliResult.run(dir, env(), "inspect", "no/such/model", "--log-format=json");
    assertEquals(ExitCodes.USAGE, after.exitCode(), after.toString());
    JsonNode e = jsonLines(after.err()).get(0);
    assertEquals("error", e.get("event").asText());
    assertTrue(e.hasNonNull("hint"), after.err());

    CliResult fromEnv = CliResult.run(dir, env("GPUX_LOG_FORMAT", "json"), "inspect", "no/such");
    assertEquals(1, jsonLines(fromEnv.err()).size(), fromEnv.err());

    CliResult text = CliResult.run(dir, env(), "inspect", "no/such/model");
    assertTrue(text.err().startsWith("gpux: error: "), "text stays the default: " + text);
    assertTrue(text.err().contains("\nhint: "), text.toString());
  }

  @Test
  void warningsAreJsonAndAnUnknownFormatIsAUsageError() throws Exception {
    OnnxModels.addOne(dir.resolve("add_one.onnx"));
    Files.writeString(
        dir.resolve("gpux.yml"), "name: m\nmodel: {source: ./add_one.onnx, sorce: x}\n");
    CliResult r = CliResult.run(dir, env(), "--log-format", "json", "build", ".");
    assertEquals(0, r.exitCode(), r.toString());
    List<JsonNode> lines = jsonLines(r.err());
    assertTrue(
        lines.stream()
            .anyMatch(
                n ->
                    n.get("level").asText().equals("WARN")
                        && n.get("message").asText().contains("did you mean 'source'")),
        r.err());

    CliResult bad = CliResult.run(dir, env(), "--log-format", "xml", "build", ".");
    assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("gpux: error: ") && bad.err().contains("xml"), bad.err());
    assertFalse(bad.err().contains("\tat "), bad.err());
  }
}
