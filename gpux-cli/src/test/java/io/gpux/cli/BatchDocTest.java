package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of docs/batch.md that need a registry, run as the doc writes them against the
 * Hugging Face test hub (DocCommandsTest runs the ones that need none, and checks every one's
 * options): the list, the lockfile, the pulls, and the Kubernetes indexed Job's and the Slurm
 * array's command for each of their 8 indexes, whose outputs together must be the unsharded output,
 * each pair exactly once.
 */
@Slow
class BatchDocTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DOC = "docs/batch.md";
  @TempDir Path dir;

  @Test
  void theDocumentedBatchCommandsRunAndTheShardedJobsAddUpToTheWhole() throws Exception {
    List<String> lines = Files.readAllLines(RepoFiles.root().resolve(DOC));
    List<String> commands =
        DocCommandsTest.docLines(RepoFiles.root()).stream()
            .filter(l -> l.file().equals(DOC))
            .map(DocCommandsTest.DocLine::text)
            .filter(t -> t.startsWith("gpux batch ") || t.startsWith("gpux lock "))
            .filter(t -> !t.contains("examples/")) // DocCommandsTest runs those
            .toList();
    String job =
        lines.stream()
            .map(String::strip)
            .filter(l -> l.startsWith("- \"gpux batch run"))
            .findFirst()
            .orElseThrow()
            .replaceAll("^- \"|\"$", "");
    List<String> slurm = commands.stream().filter(c -> c.contains("$SLURM_ARRAY_TASK_ID")).toList();
    assertEquals(1, slurm.size(), "the Slurm array's command: " + commands);
    List<String> plain =
        commands.stream().filter(c -> !DocCommandsTest.synopsis(c) && !c.contains("$")).toList();
    assertTrue(plain.size() >= 4, "the list, lock and pull commands: " + plain);

    try (FakeHfHub hub = FakeHfHub.start()) {
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Path model = OnnxModels.addConstant(dir.resolve("src/m" + i + ".onnx"), i);
        hub.repo("acme/m" + i).file("model.onnx", Files.readAllBytes(model)).commit("initial");
        refs.add("hf:acme/m" + i);
      }
      Files.writeString(dir.resolve("models.txt"), String.join("\n", refs) + "\n");
      StringBuilder inputs = new StringBuilder();
      for (int j = 0; j < 6; j++) {
        inputs.append("{\"x\": [[").append(j).append(", 1.5, -2, 3e-3]]}\n");
      }
      Files.writeString(dir.resolve("inputs.jsonl"), inputs);
      Files.createDirectories(dir.resolve("results"));
      Map<String, String> env =
          Map.of("GPUX_HOME", dir.resolve("home").toString(), "HF_ENDPOINT", hub.url());

      for (String command : plain) {
        CliResult r = CliResult.run(dir, env, words(command));
        assertEquals(0, r.exitCode(), DOC + ": " + command + "\n" + r);
      }

      CliResult whole =
          CliResult.run(
              dir, env, "batch", "run", "-f", "models.txt", "--input", "inputs.jsonl", "-q");
      assertEquals(0, whole.exitCode(), whole.toString());
      Map<String, String> expected = byPair(whole.out());
      assertEquals(24, expected.size());

      // The Job's pods see the data under /data and write to /results: here, folders of dir.
      Path results = Files.createDirectories(dir.resolve("k8s"));
      for (int i = 0; i < 8; i++) {
        String pod =
            job.replace("$JOB_COMPLETION_INDEX", Integer.toString(i))
                .replace("/data/", dir + "/")
                .replace("/results/", results + "/");
        CliResult r = CliResult.run(dir, env, words(pod));
        assertEquals(0, r.exitCode(), pod + "\n" + r);
      }
      assertEquals(expected, parts(results), "the Job's 8 parts are the whole, each pair once");

      for (int i = 0; i < 8; i++) {
        String task = slurm.get(0).replace("$SLURM_ARRAY_TASK_ID", Integer.toString(i));
        CliResult r = CliResult.run(dir, env, words(task));
        assertEquals(0, r.exitCode(), task + "\n" + r);
      }
      assertEquals(expected, parts(dir.resolve("results")), "the array's 8 parts are the whole");
    }
  }

  private static String[] words(String command) {
    List<String> w = DocCommandsTest.words(command);
    assertEquals("gpux", w.get(0), command);
    return w.subList(1, w.size()).toArray(String[]::new);
  }

  /** Every part-*.jsonl of {@code folder}, by (model, line); a pair twice fails. */
  private static Map<String, String> parts(Path folder) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        all.append(Files.readString(p));
      }
    }
    return byPair(all.toString());
  }

  private static Map<String, String> byPair(String jsonl) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line : jsonl.split("\n")) {
      if (!line.isBlank()) {
        JsonNode r = MAPPER.readTree(line);
        String key = r.get("model").asText() + "#" + r.get("line").asInt();
        assertNull(out.put(key, r.get("outputs").toString()), "twice: " + line);
      }
    }
    return out;
  }
}
