package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux convert}'s errors that come before any Python runs: one line naming the problem, a
 * hint, the exit code, no stack trace.
 */
class ConvertBadInputTest {
  @TempDir Path dir;
  private Map<String, String> env;
  private Path savedModel;

  @BeforeEach
  void setUp() throws Exception {
    env = new HashMap<>(System.getenv());
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.remove("GPUX_PYTHON_ENV_TENSORFLOW");
    env.remove("GPUX_BASE_PYTHON");
    // Detection looks only for the file: enough to get past it to the environment.
    savedModel = Files.createDirectories(dir.resolve("sm"));
    Files.write(savedModel.resolve("saved_model.pb"), new byte[] {0});
  }

  private static void oneLineError(CliResult r, int code, String problem, String hint) {
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("gpux: error: " + problem), r.toString());
    assertTrue(r.err().contains("\nhint: ") && r.err().contains(hint), r.toString());
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
    assertEquals(3, r.err().strip().split("\n").length, r.toString()); // + see:
  }

  @Test
  void aFolderThatIsNoModelSaysWhatWasLookedFor() throws Exception {
    Files.createDirectories(dir.resolve("photos"));
    CliResult r = CliResult.run(dir, env, "convert", "photos");
    oneLineError(r, 2, "photos is no model GPUX can convert", "--framework tensorflow, keras");
  }

  @Test
  void anUnknownFrameworkListsTheKnownOnes() {
    CliResult r = CliResult.run(dir, env, "convert", "sm", "--framework", "caffe");
    oneLineError(r, 2, "unknown framework 'caffe'", "use --framework tensorflow, keras, tflite");
  }

  @Test
  void aPathOfAnotherFrameworkSaysWhatWasExpected() {
    CliResult r = CliResult.run(dir, env, "convert", "sm", "--framework", "tflite");
    oneLineError(r, 2, "sm is not a TensorFlow Lite model (.tflite)", "leave out --framework");
  }

  @Test
  void aMissingPathAndABadShapeAreBadInput() {
    oneLineError(
        CliResult.run(dir, env, "convert", "nowhere"), 2, "no such file or folder: nowhere", "");
    oneLineError(
        CliResult.run(dir, env, "convert", "sm", "--input-shape", "image"),
        2,
        "--input-shape 'image' is not NAME=DIMS",
        "image=1x224x224x3");
    CliResult none = CliResult.run(dir, env, "convert");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().contains("missing PATH (or --setup"), none.toString());
  }

  @Test
  void withoutPython3TheErrorIsUnavailableWithTheFix() throws Exception {
    env.put("PATH", Files.createDirectories(dir.resolve("empty-bin")).toString());
    CliResult r = CliResult.run(dir, env, "convert", "sm");
    oneLineError(r, 3, "python3 is not on PATH", "apt-get install python3 python3-venv");
    assertFalse(Files.exists(dir.resolve("sm-onnx")), r.toString());
  }

  @Test
  void offlineWithoutTheEnvironmentNothingIsInstalled() {
    env.put("GPUX_OFFLINE", "1");
    CliResult r = CliResult.run(dir, env, "convert", "sm");
    oneLineError(
        r,
        3,
        "GPUX_OFFLINE=1 is set and the tensorflow converter environment is not installed",
        "gpux convert --setup");
    assertFalse(Files.exists(dir.resolve("home/python")), r.toString());
    oneLineError(
        CliResult.run(dir, env, "convert", "--setup"),
        3,
        "GPUX_OFFLINE=1 is set",
        "GPUX_PYTHON_ENV_TENSORFLOW");
  }

  @Test
  void anOutputFolderThatIsNotAConversionIsNeverReplaced() throws Exception {
    Files.writeString(Files.createDirectories(dir.resolve("mine")).resolve("notes.txt"), "keep");
    CliResult r = CliResult.run(dir, env, "convert", "sm", "-o", "mine");
    oneLineError(r, 2, dir.resolve("mine") + " exists and is not the output", "-o");
    assertEquals("keep", Files.readString(dir.resolve("mine/notes.txt")));
  }
}
