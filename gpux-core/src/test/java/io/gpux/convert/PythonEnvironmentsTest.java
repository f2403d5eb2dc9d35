package io.gpux.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonEnvironmentsTest {
  @TempDir Path home;

  /** One small pure-Python package: the install path without TensorFlow's 1.7 GB. */
  static final PythonEnvironment TINY = new PythonEnvironment("tiny", "six==1.17.0\n");

  private PythonEnvironments environments(Map<String, String> overrides, boolean offline) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove(TINY.overrideVariable());
    env.remove(PythonEnvironments.PYTHON_VARIABLE);
    env.putAll(overrides);
    return new PythonEnvironments(new GpuxSettings(home, offline, env));
  }

  @Test
  void theShippedRequirementsAreTheFileBinTestInstalls() throws Exception {
    String file =
        Files.readString(
            RepoFiles.root().resolve("python/requirements-tensorflow.txt"), StandardCharsets.UTF_8);
    assertEquals(file, PythonEnvironment.TENSORFLOW.requirements());
    assertTrue(PythonEnvironment.TENSORFLOW.requirements().contains("tf2onnx=="));
    assertEquals("GPUX_PYTHON_ENV_TENSORFLOW", PythonEnvironment.TENSORFLOW.overrideVariable());
    assertTrue(
        PythonEnvironment.TENSORFLOW.folderName().matches("tensorflow-[0-9a-f]{16}"),
        PythonEnvironment.TENSORFLOW.folderName());
  }

  @Test
  void theShippedPyTorchRequirementsAreTheFileBinTestInstalls() throws Exception {
    String file =
        Files.readString(
            RepoFiles.root().resolve("python/requirements-pytorch.txt"), StandardCharsets.UTF_8);
    assertEquals(file, PythonEnvironment.PYTORCH.requirements());
    assertTrue(PythonEnvironment.PYTORCH.requirements().contains("torch=="));
    assertEquals("GPUX_PYTHON_ENV_PYTORCH", PythonEnvironment.PYTORCH.overrideVariable());
  }

  @Test
  void withoutPython3OnThePathTheErrorSaysWhatToInstall() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                environments(Map.of("PATH", home.resolve("no-bin").toString()), false)
                    .ensure(TINY, ConvertListener.NONE));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(e.problem().startsWith("python3 is not on PATH"), e.problem());
    assertTrue(e.hint().contains("apt-get install python3 python3-venv"), e.hint());
    assertTrue(e.hint().contains("GPUX_BASE_PYTHON"), e.hint());
    assertFalse(Files.exists(home.resolve("python").resolve(TINY.folderName())));
  }

  @Test
  void offlineNothingIsInstalledAndTheErrorNamesTheWaysOut() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> environments(Map.of(), true).ensure(TINY, ConvertListener.NONE));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(e.problem().startsWith("GPUX_OFFLINE=1 is set and the tiny converter"), e.problem());
    assertTrue(e.hint().contains("gpux convert --setup"), e.hint());
    assertTrue(e.hint().contains("GPUX_PYTHON_ENV_TINY"), e.hint());
    assertFalse(Files.exists(home.resolve("python")));
  }

  @Test
  void anOverrideThatIsNoEnvironmentIsBadInput() throws Exception {
    Path empty = Files.createDirectories(home.resolve("empty"));
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                environments(Map.of("GPUX_PYTHON_ENV_TINY", empty.toString()), true)
                    .ensure(TINY, ConvertListener.NONE));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains("is not a Python environment"), e.problem());
  }

  @Test
  void pipsLinesBecomeShortSteps() {
    assertEquals(
        "collecting tensorflow-cpu==2.21.0",
        PythonEnvironments.pipStep("Collecting tensorflow-cpu==2.21.0 (from -r x (line 7))"));
    assertEquals(
        "installing 3 packages",
        PythonEnvironments.pipStep("Installing collected packages: a, b, c"));
    assertNull(PythonEnvironments.pipStep("  Downloading x.whl (1 MB)"));
  }

  /**
   * Two threads ask for the same missing environment at once: one installs it (into a temporary
   * folder, renamed into place), the other waits on the lock and finds it; it then runs.
   */
  @Test
  @Slow
  void anEnvironmentIsInstalledOnceAtomicallyAndThenFound() throws Exception {
    PythonEnvironments envs = environments(Map.of(), false);
    List<String> events = new CopyOnWriteArrayList<>();
    ConvertListener l =
        new ConvertListener() {
          @Override
          public void installing(String environment, Path folder) {
            events.add("installing " + environment);
          }

          @Override
          public void installProgress(String environment, String step) {
            events.add(step);
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Path> a = pool.submit(() -> envs.ensure(TINY, l));
      Future<Path> b = pool.submit(() -> envs.ensure(TINY, l));
      assertEquals(a.get(), b.get());
    } finally {
      pool.shutdown();
    }
    assertEquals(
        1, events.stream().filter(e -> e.startsWith("installing tiny")).count(), "" + events);
    assertTrue(events.contains("collecting six==1.17.0"), "" + events);
    Path folder = home.resolve("python").resolve(TINY.folderName());
    assertEquals(PythonEnvironments.python(folder), envs.existing(TINY));
    try (Stream<Path> s = Files.list(folder.getParent())) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }
    Process p =
        new ProcessBuilder(
                envs.existing(TINY).toString(), "-c", "import six; print(six.__version__)")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    assertEquals("1.17.0", out);
  }

  /** pip's own complaint (its last lines, on one line) is the error; nothing is left behind. */
  @Test
  @Slow
  void aFailedPipInstallSaysWhyAndLeavesNothing() throws Exception {
    PythonEnvironment broken = new PythonEnvironment("broken", "this is not a requirement ===\n");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> environments(Map.of(), false).ensure(broken, ConvertListener.NONE));
    assertEquals(ErrorCategory.RUNTIME_FAILURE, e.category());
    assertTrue(e.problem().startsWith("pip could not install the broken environment"), e.problem());
    assertTrue(e.problem().contains("this is not a requirement"), e.problem());
    assertFalse(e.problem().contains("\n"), e.problem());
    assertTrue(e.hint().contains(".pip.log"), e.hint());
    try (Stream<Path> s = Files.list(home.resolve("python"))) {
      assertTrue(
          s.noneMatch(
              p ->
                  p.getFileName().toString().startsWith(".tmp-")
                      || p.getFileName().toString().equals(broken.folderName())));
    }
  }
}
