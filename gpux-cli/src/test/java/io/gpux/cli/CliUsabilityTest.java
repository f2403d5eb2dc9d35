package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI as a new user meets it: help on every command, one-line errors with a "did you mean",
 * options that mean one thing, and output that says what it measured.
 */
class CliUsabilityTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Path digits = RepoFiles.root().resolve("examples/digits");

  /** Every command path of the full command model, e.g. [run], [help], [completion]. */
  static List<List<String>> commandPaths() {
    StringWriter sink = new StringWriter();
    CommandLine all =
        Main.commandLine(
            null, false, new PrintWriter(sink), new PrintWriter(sink), Path.of(""), Map.of());
    List<List<String>> out = new ArrayList<>();
    walk(all, new ArrayList<>(), out);
    return out;
  }

  private static void walk(CommandLine c, List<String> path, List<List<String>> out) {
    c.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals(sub.getCommandName())) {
                return; // an alias
              }
              List<String> p = new ArrayList<>(path);
              p.add(name);
              out.add(p);
              walk(sub, p, out);
            });
  }

  @Test
  void helpAndDashHWorkOnEveryCommand() {
    List<List<String>> paths = commandPaths();
    assertTrue(paths.size() >= 17, "the walk found the commands: " + paths);
    for (List<String> path : paths) {
      for (String flag : new String[] {"--help", "-h"}) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        CliResult r = CliResult.run(dir, args.toArray(String[]::new));
        String line = "gpux " + String.join(" ", args);
        assertEquals(0, r.exitCode(), line + "\n" + r);
        assertTrue(r.out().contains("Usage: gpux " + String.join(" ", path)), line + "\n" + r);
        assertEquals("", r.err(), line + " writes nothing on stderr");
      }
    }
  }

  @Test
  void gpuxAloneListsTheCommands() {
    CliResult r = CliResult.run(dir);
    assertEquals(0, r.exitCode(), "like docker, a bare gpux is a request for help: " + r);
    assertTrue(r.out().startsWith("Usage: gpux"), r.toString());
    for (List<String> path : commandPaths()) {
      assertTrue(
          r.out().matches("(?s).*\n  " + path.get(0) + "[ ,].*"), path + " listed:\n" + r.out());
    }
  }

  @Test
  void commandSummariesInTheListAreWholeSentences() {
    String help = CliResult.run(dir, "--help").out();
    String list = help.substring(help.indexOf("Commands:\n") + "Commands:\n".length());
    list = list.substring(0, list.indexOf("\n\n"));
    List<String> summaries = new ArrayList<>();
    for (String line : list.split("\n")) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        summaries.add(line.strip().replaceFirst("^[a-z, ]+?\\s{2,}", ""));
      } else {
        int last = summaries.size() - 1;
        summaries.set(last, summaries.get(last) + " " + line.strip());
      }
    }
    assertTrue(summaries.size() >= 17, list);
    for (String s : summaries) {
      assertTrue(s.endsWith("."), "a summary cut mid-sentence: '" + s + "'\n" + help);
    }
  }

  @Test
  void aMistypedCommandOrOptionGetsOneLineAndADidYouMean() {
    CliResult verb = CliResult.run(dir, "buld", ".");
    assertEquals(2, verb.exitCode(), verb.toString());
    assertEquals(
        "gpux: error: unknown command 'buld'\n"
            + "hint: did you mean `gpux build`? (see `gpux --help`)\n"
            + "see: docs/troubleshooting.md#unknown-command-\n",
        verb.err());
    CliResult option = CliResult.run(digits, "run", ".", "--fiel", "sample.json");
    assertEquals(2, option.exitCode(), option.toString());
    assertTrue(option.err().startsWith("gpux: error: unknown option '--fiel'"), option.err());
    assertTrue(option.err().contains("hint: did you mean --file?"), option.err());
    assertEquals(3, option.err().lines().count(), option.err()); // + see:
  }

  @Test
  void aMissingArgumentIsNotPrefixedTwice() {
    CliResult r = CliResult.run(digits, "run", ".");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("gpux: error: missing required argument"), r.err());
    assertFalse(r.err().contains("Error:"), r.err());
  }

  @Test
  void inputAtFileReadsTheWholeFileEvenWithAnAbsolutePath() throws Exception {
    // Picocli's own @-file expansion split the file into words (for a path it could find).
    Path batch = digits.resolve("batch.json").toAbsolutePath();
    CliResult r = CliResult.run(dir, "run", digits.toString(), "-q", "--json", "-i", "@" + batch);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("[7,6,3,7]", MAPPER.readTree(r.out()).get("label").toString());
  }

  @Test
  void shortOptionsMeanOneThing() {
    CliResult provider = CliResult.run(digits, "run", ".", "-p", "cpu", "-f", "sample.json");
    assertEquals(2, provider.exitCode(), provider.toString());
    assertTrue(
        provider.err().contains("hint: the execution provider is --provider"), provider.err());
    CliResult ok = CliResult.run(digits, "run", ".", "--provider", "cpu", "-f", "sample.json");
    assertEquals(0, ok.exitCode(), ok.toString());
    CliResult force = CliResult.run(dir, "pull", "hf:acme/m", "-f");
    assertEquals(2, force.exitCode(), force.toString());
    assertTrue(force.err().contains("use --force"), force.err());
    CliResult servePort = CliResult.run(dir, "serve", "-p", "cuda", ".");
    assertEquals(2, servePort.exitCode(), servePort.toString());
    assertTrue(servePort.err().contains("-p is the port in gpux serve"), servePort.err());
  }

  @Test
  void serveRefusesOutOfRangeOptionsNamingTheRange() {
    Object[][] cases = {
      {new String[] {"--port", "99999"}, "--port must be between 0 and 65535"},
      {new String[] {"-p", "-1"}, "--port must be between 0 and 65535"},
      {new String[] {"--workers", "0"}, "--workers must be 1 or more, got 0"},
      {new String[] {"--max-batch-size", "-3"}, "--max-batch-size must be 1 or more"},
      {new String[] {"--threads", "0"}, "--threads must be 1 or more, got 0"},
      {new String[] {"--batch-delay-ms", "-1"}, "--batch-delay-ms must be 0 or more"},
      {
        new String[] {"--preferred-batch-sizes", "4,0"},
        "--preferred-batch-sizes must each be 1 to the largest batch, got 0"
      },
      {
        new String[] {"--max-batch-size", "4", "--preferred-batch-sizes", "2,8"},
        "--preferred-batch-sizes must each be 1 to the largest batch (4, --max-batch-size), got 8"
      },
    };
    for (Object[] c : cases) {
      List<String> args = new ArrayList<>(List.of("serve", digits.toString()));
      args.addAll(List.of((String[]) c[0]));
      CliResult r = CliResult.run(dir, args.toArray(String[]::new));
      assertEquals(2, r.exitCode(), args + "\n" + r);
      assertTrue(r.err().startsWith("gpux: error: " + c[1]), args + "\n" + r);
      assertTrue(r.err().contains("hint: "), r.toString());
      assertFalse(r.err().contains("internal error") || r.err().contains("Exception"), r.err());
    }
    // Against gpux.yml's batch_size (8 in examples/digits): known once the model is loaded.
    CliResult preferred =
        CliResult.run(dir, "serve", digits.toString(), "--preferred-batch-sizes", "4,16");
    assertEquals(2, preferred.exitCode(), preferred.toString());
    assertTrue(
        preferred
            .err()
            .contains(
                "gpux: error: --preferred-batch-sizes must each be 1 to the largest batch (8,"
                    + " serving.batch_size), got 16"),
        preferred.toString());
    CliResult threads = CliResult.run(digits, "run", ".", "--threads", "0", "-f", "sample.json");
    assertEquals(2, threads.exitCode(), threads.toString());
    assertTrue(threads.err().contains("--threads must be 1 or more"), threads.err());
  }

  @Test
  void nanInJsonIsExplainedWithoutTheParsersSettings() {
    CliResult r = CliResult.run(digits, "run", ".", "-i", "{\"pixels\": [[NaN]]}");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("NaN is not a JSON number"), r.err());
    assertFalse(r.err().contains("JsonReadFeature") || r.err().contains("enable"), r.err());
    CliResult comment = CliResult.run(digits, "run", ".", "-i", "{/* x */}");
    assertEquals(2, comment.exitCode(), comment.toString());
    assertFalse(comment.err().contains("Feature"), comment.err());
  }

  @Test
  void aTextFileGivenAsAModelIsCalledOne() throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "name: m\nversion: 1\nmodel: x\n");
    CliResult r = CliResult.run(dir, "inspect", "model.onnx");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("is a text file, not an ONNX model"), r.err());
    assertFalse(r.err().contains("wire type"), r.err());
  }

  @Test
  void buildWarningsGoToStandardError() throws Exception {
    OnnxModels.twoOutputs(dir.resolve("two.onnx"));
    // A model output that gpux.yml does not declare is a warning, not an error.
    Files.writeString(
        dir.resolve("gpux.yml"),
        "name: m\nmodel: {source: ./two.onnx}\noutputs:\n  sum: {type: float32}\n");
    CliResult r = CliResult.run(dir, "build", ".");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: warning: "), "a warning was printed:\n" + r);
    assertFalse(r.out().contains("warning"), "standard output is the report only:\n" + r);
  }

  @Test
  void benchmarkShowsRowsPerSecondAndTheBatchSize() throws Exception {
    CliResult r =
        CliResult.run(
            digits, "run", ".", "-f", "batch.json", "--benchmark", "--runs", "5", "--warmup", "1");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("runs of batch size 4"), r.out());
    assertTrue(r.out().matches("(?s).*throughput +[0-9.]+ runs/s, [0-9.]+ rows/s.*"), r.out());
    JsonNode j =
        MAPPER.readTree(
            CliResult.run(
                    digits, "run", ".", "-f", "batch.json", "--benchmark", "--runs", "5", "--json")
                .out());
    assertEquals(4, j.get("batch_size").asInt());
    assertEquals(
        4 * j.get("throughput_per_s").asDouble(), j.get("rows_per_s").asDouble(), 1e-6, "" + j);
  }

  @Test
  void versionNamesOnnxRuntimeJavaCommitAndPlatform() {
    CliResult r = CliResult.run(dir, "--version");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("gpux "), r.out());
    assertTrue(
        r.out()
            .contains(
                "ONNX Runtime:  " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion()),
        r.out());
    assertTrue(r.out().contains("Java:          " + System.getProperty("java.version")), r.out());
    assertTrue(r.out().contains("OS/Arch:       "), r.out());
    assertTrue(r.out().matches("(?s).*Git commit: +[0-9a-f]{7,}.*"), r.out());
  }
}
