package io.gpux.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The repository's Python environment ({@code bash python/setup-venv.sh}), for tests that meet the
 * real Python side: onnxruntime as the reference, official registry clients. Without it such tests
 * are skipped, unless {@code GPUX_REQUIRE_REFERENCE=1} (the test script and CI), which makes a
 * missing environment a failure.
 */
public final class PythonEnv {
  private PythonEnv() {}

  public static Path python() {
    String configured = System.getenv("GPUX_PYTHON");
    Path python =
        configured != null ? Path.of(configured) : RepoFiles.root().resolve(".venv/bin/python");
    requireOrSkip(
        Files.isExecutable(python),
        "no Python environment at " + python + " (run: bash python/setup-venv.sh)");
    return python;
  }

  /**
   * The Python of a named environment ({@code bash python/setup-venv.sh NAME} makes {@code
   * .venv-NAME} from {@code python/requirements-NAME.txt}), for a registry's official client.
   */
  public static Path python(String name) {
    Path python = RepoFiles.root().resolve(".venv-" + name + "/bin/python");
    requireOrSkip(
        Files.isExecutable(python),
        "no Python environment at " + python + " (run: bash python/setup-venv.sh " + name + ")");
    return python;
  }

  public static void requireOrSkip(boolean present, String why) {
    if (!present && "1".equals(System.getenv("GPUX_REQUIRE_REFERENCE"))) {
      fail(why + ", and GPUX_REQUIRE_REFERENCE=1");
    }
    Assumptions.assumeTrue(present, why);
  }

  /** Runs a script of python/ with arguments; fails the test with its output if it fails. */
  public static String run(String script, List<String> args) throws Exception {
    return run(null, script, args);
  }

  /**
   * {@link #run(String, List)} with the interpreter of {@code .venv-<venv>} (null: {@code .venv}).
   */
  public static String run(String venv, String script, List<String> args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                (venv == null ? python() : python(venv)).toString(),
                RepoFiles.root().resolve("python").resolve(script).toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(script + " failed:\n" + log);
    }
    return log;
  }
}
