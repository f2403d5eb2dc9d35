package io.gpux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobsFileTest {
  private static final Path DIR = Path.of("/work/batch");

  private static List<BatchJob> parse(String yaml) {
    return JobsFile.parse("jobs.yml", new StringReader(yaml), DIR);
  }

  private static String problem(String yaml) {
    GpuxException e = assertThrows(GpuxException.class, () -> parse(yaml));
    return e.problem();
  }

  @Test
  void jobsNameAModelAnInputAndAnOutputRelativeToTheFile() {
    List<BatchJob> jobs =
        parse(
            "# two jobs\n"
                + "jobs:\n"
                + "  - model: hf:org/sentiment\n"
                + "    input: data/reviews.jsonl\n"
                + "    output: out/sentiment.jsonl\n"
                + "  - model: ./local-model\n"
                + "    input: /abs/data.jsonl\n"
                + "    output: out/local.jsonl\n");
    assertEquals(
        List.of(
            new BatchJob(
                "hf:org/sentiment",
                DIR.resolve("data/reviews.jsonl"),
                DIR.resolve("out/sentiment.jsonl")),
            new BatchJob(
                "./local-model", Path.of("/abs/data.jsonl"), DIR.resolve("out/local.jsonl"))),
        jobs);
  }

  @Test
  void errorsNameTheLineAndTheField() {
    assertEquals(
        "jobs.yml:2: jobs[0].output is required",
        problem("jobs:\n  - model: m\n    input: a.jsonl\n"));
    assertEquals(
        "jobs.yml:4: jobs[0] has an unknown field 'ouptut'",
        problem("jobs:\n  - model: m\n    input: a.jsonl\n    ouptut: b.jsonl\n"));
    assertEquals("jobs.yml:1: unknown field 'job'", problem("job:\n  - model: m\n"));
    assertEquals("jobs.yml:1: jobs must be a list of jobs ('- model: ...')", problem("jobs: m\n"));
    assertEquals(
        "jobs.yml:2: jobs[0].model must be a single value",
        problem("jobs:\n  - model: [a, b]\n    input: a\n    output: b\n"));
    assertEquals("jobs.yml is empty", problem(""));
    String malformed = problem("jobs:\n  - model: m\n   input: [\n");
    assertTrue(malformed.matches("jobs\\.yml:\\d+: malformed YAML: .*"), malformed);
  }
}
