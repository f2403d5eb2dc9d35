package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpux command as its own process: what only a real process shows. */
class CliProcessTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Path digits = RepoFiles.root().resolve("examples/digits");

  private Map<String, String> env() {
    return Map.of("GPUX_HOME", dir.resolve("home").toString());
  }

  /**
   * A 500-row batch inline (about 73 KB on the command line) used to kill the JVM with SIGSEGV:
   * ONNX Runtime's start-up matches the process's command line with a recursive regex engine on the
   * calling thread's 1 MB stack. 24 rows were enough.
   */
  @Test
  void aLargeInlineInputRuns() throws Exception {
    JsonNode batch = MAPPER.readTree(digits.resolve("batch.json").toFile()).get("pixels");
    StringBuilder json = new StringBuilder("{\"pixels\":[");
    for (int i = 0; i < 500; i++) {
      JsonNode row = batch.get(i % batch.size());
      json.append(i == 0 ? "" : ",").append('[');
      for (int j = 0; j < row.size(); j++) {
        json.append(j == 0 ? "" : ",").append(row.get(j).asInt());
      }
      json.append(']');
    }
    json.append("]}");
    assertTrue(json.length() > 70_000, "a command line far over the old limit: " + json.length());
    CliResult r = CliProcess.run(digits, env(), "run", ".", "-q", "--json", "-i", json.toString());
    assertEquals(0, r.exitCode(), "exit " + r.exitCode() + " (139 is SIGSEGV)\n" + r.err());
    JsonNode labels = MAPPER.readTree(r.out()).get("label");
    assertEquals(500, labels.size());
    assertEquals(7, labels.get(0).asInt());
    assertEquals(7, labels.get(499).asInt(), "row 499 is batch row 3");
  }

  /** Picocli expanded {@code @FILE} itself, relative to the process's folder, split into words. */
  @Test
  void inputAtFileRelativeToTheCurrentFolderIsReadWhole() throws Exception {
    CliResult r = CliProcess.run(digits, env(), "run", ".", "-q", "--json", "-i", "@batch.json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("[7,6,3,7]", MAPPER.readTree(r.out()).get("label").toString());
  }

  /**
   * A model that fails inside ONNX Runtime: its own log line (with raw ANSI colour codes) went to
   * file descriptor 2 before GPUX's error said the same again.
   */
  @Test
  void onnxRuntimeFailuresAreReportedOnceWithoutItsLogLines() throws Exception {
    OnnxModels.builder()
        .producer("gpux-testing", "1")
        .irVersion(8)
        .opset(17)
        .input("x", "float32", "batch", 4)
        .input("shape", "int64", 2)
        .node("Reshape", List.of("x", "shape"), List.of("y"))
        .output("y", "float32", "a", "b")
        .writeTo(dir.resolve("reshape.onnx"));
    CliResult r =
        CliProcess.run(
            dir,
            env(),
            "run",
            "reshape.onnx",
            "-q",
            "-i",
            "{\"x\": [[1, 2, 3, 4]], \"shape\": [3, 3]}");
    assertEquals(1, r.exitCode(), "the model ran and failed\n" + r);
    assertFalse(r.err().contains("\u001b["), "no ANSI colour codes:\n" + r.err());
    assertFalse(r.err().contains("[E:onnxruntime"), "no ONNX Runtime log line:\n" + r.err());
    assertTrue(r.err().startsWith("gpux: error: ONNX Runtime failed to run"), r.err());
    assertEquals(3, r.err().lines().count(), "one error line, its hint, its entry:\n" + r.err());
    assertTrue(
        r.err().contains("node 'Reshape_0' (Reshape): The input tensor cannot be reshaped"),
        "ONNX Runtime's message without its source location:\n" + r.err());
  }

  @Test
  void aTextFileGivenAsAModelSaysSo() throws Exception {
    Files.writeString(dir.resolve("notes.onnx"), "# my model\nsee README\n");
    CliResult r = CliProcess.run(dir, env(), "inspect", "notes.onnx");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("is a text file, not an ONNX model"), r.err());
  }
}
