package io.gpux.convert;

import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The managed Python environments under {@code GPUX_HOME/python}: found, or created on first use
 * from their pinned requirements.
 *
 * <p>An install goes into a temporary folder beside the final one and is renamed into place only
 * when pip has finished, so a killed install never leaves a half environment that looks ready. A
 * lock file serialises installs of one environment across gpux processes (and a monitor across the
 * threads of this one); the second waits, then finds the first one's environment.
 *
 * <p>A virtual environment keeps working after the rename because GPUX only ever starts it as
 * {@code <folder>/bin/python} (Python finds its {@code site-packages} from {@code pyvenv.cfg}
 * beside that link); the console scripts pip wrote name the temporary folder and are not used.
 */
public final class PythonEnvironments {
  /** The base interpreter to create environments with, instead of {@code python3} on PATH. */
  public static final String PYTHON_VARIABLE = "GPUX_BASE_PYTHON";

  private static final String READY = ".gpux-ready";
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final GpuxSettings settings;

  public PythonEnvironments(GpuxSettings settings) {
    this.settings = settings;
  }

  /** Where the environment is (or will be) installed, unless its override variable is set. */
  public Path folder(PythonEnvironment env) {
    return settings.home().resolve("python").resolve(env.folderName());
  }

  /**
   * The environment's Python if it is ready (installed, or pointed at by its variable), else null.
   */
  public Path existing(PythonEnvironment env) {
    Path override = override(env);
    if (override != null) {
      return override;
    }
    Path folder = folder(env);
    return Files.isRegularFile(folder.resolve(READY)) ? python(folder) : null;
  }

  /**
   * The environment's Python, installing the environment first when it is missing ({@code
   * GPUX_OFFLINE=1} forbids that).
   */
  public Path ensure(PythonEnvironment env, ConvertListener listener) {
    Path ready = existing(env);
    if (ready != null) {
      return ready;
    }
    Path folder = folder(env);
    if (settings.offline()) {
      throw GpuxException.unavailable(
          "GPUX_OFFLINE=1 is set and the "
              + env.name()
              + " converter environment is not installed (it would be created in "
              + folder
              + ")",
          "unset GPUX_OFFLINE and run `gpux convert --setup` once with network access, or set "
              + env.overrideVariable()
              + " to an environment made from GPUX's requirements-"
              + env.name()
              + ".txt");
    }
    Path base = basePython();
    synchronized (LOCKS.computeIfAbsent(folder, f -> new Object())) {
      try {
        Files.createDirectories(folder.getParent());
        Path lockFile = folder.resolveSibling("." + folder.getFileName() + ".lock");
        try (FileChannel ch =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          if (Files.isRegularFile(folder.resolve(READY))) {
            return python(folder); // another process installed it while this one waited
          }
          install(env, base, folder, listener);
          return python(folder);
        }
      } catch (IOException e) {
        throw new GpuxException(
            ErrorCategory.RUNTIME_FAILURE,
            "cannot create the " + env.name() + " environment in " + folder + ": " + e.getMessage(),
            "check that " + folder.getParent() + " is writable and has about 2 GB free",
            e);
      }
    }
  }

  private void install(PythonEnvironment env, Path base, Path folder, ConvertListener listener)
      throws IOException {
    long started = System.nanoTime();
    removeLeftovers(folder);
    if (Files.exists(folder)) {
      deleteTree(folder); // a folder without the ready mark is not an environment
    }
    Path tmp =
        folder.resolveSibling(".tmp-" + folder.getFileName() + "-" + ProcessHandle.current().pid());
    listener.installing(env.name(), folder);
    try {
      run(
          env,
          List.of(base.toString(), "-m", "venv", tmp.toString()),
          line -> {},
          "python3 -m venv failed",
          "install Python's venv module (Debian/Ubuntu: apt-get install python3-venv), or set "
              + PYTHON_VARIABLE
              + " to a Python 3 that has it");
      Path requirements = tmp.resolve("requirements.txt");
      Files.writeString(requirements, env.requirements(), StandardCharsets.UTF_8);
      Path log = folder.resolveSibling(folder.getFileName() + ".pip.log");
      List<String> logLines = new ArrayList<>();
      try {
        run(
            env,
            List.of(
                python(tmp).toString(),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--progress-bar",
                "off",
                "-r",
                requirements.toString()),
            line -> {
              logLines.add(line);
              String step = pipStep(line);
              if (step != null) {
                listener.installProgress(env.name(), step);
              }
            },
            "pip could not install the " + env.name() + " environment",
            "check the network (or PIP_INDEX_URL) and run `gpux convert --setup` again; pip's"
                + " whole output is in "
                + log);
      } finally {
        Files.write(log, logLines, StandardCharsets.UTF_8);
      }
      Files.writeString(tmp.resolve(READY), env.sha256() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " to " + folder + " atomically", e);
      }
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
    listener.installed(env.name(), folder, Duration.ofNanos(System.nanoTime() - started));
  }

  private void run(
      PythonEnvironment env,
      List<String> command,
      java.util.function.Consumer<String> lines,
      String problem,
      String hint)
      throws IOException {
    PythonProcess.Result r;
    try {
      r = PythonProcess.run(command, settings.env(), null, lines);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE, "the install of " + env.name() + " was interrupted", null);
    }
    if (r.exitCode() != 0) {
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE,
          problem + " (exit " + r.exitCode() + "): " + r.shortTail(400),
          hint);
    }
  }

  /** pip's "Collecting x==1" and "Installing collected packages" as short progress steps. */
  static String pipStep(String line) {
    String l = line.trim();
    if (l.startsWith("Collecting ")) {
      String what = l.substring("Collecting ".length());
      int space = what.indexOf(' ');
      return "collecting " + (space < 0 ? what : what.substring(0, space));
    }
    if (l.startsWith("Installing collected packages")) {
      int count = l.split(",").length;
      return "installing " + count + " package" + (count == 1 ? "" : "s");
    }
    return null;
  }

  /** Temporary folders of installs that were killed (this process holds the lock now). */
  private static void removeLeftovers(Path folder) throws IOException {
    String prefix = ".tmp-" + folder.getFileName() + "-";
    try (Stream<Path> s = Files.list(folder.getParent())) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        deleteTree(p);
      }
    }
  }

  private Path override(PythonEnvironment env) {
    String dir = settings.env().get(env.overrideVariable());
    if (dir == null || dir.isBlank()) {
      return null;
    }
    Path python = python(Path.of(dir));
    if (!Files.isExecutable(python)) {
      throw GpuxException.invalidInput(
          env.overrideVariable() + "=" + dir + " is not a Python environment (no " + python + ")",
          "point it at a virtual environment made from GPUX's requirements-"
              + env.name()
              + ".txt, or unset it to let GPUX create one");
    }
    return python;
  }

  /** {@code GPUX_BASE_PYTHON}, else {@code python3} on the PATH GPUX was given. */
  Path basePython() {
    String configured = settings.env().get(PYTHON_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isExecutable(p)) {
        throw GpuxException.invalidInput(
            PYTHON_VARIABLE + "=" + configured + " is not an executable Python",
            "set it to a Python 3 interpreter, or unset it to use python3 on PATH");
      }
      return p;
    }
    String path = settings.env().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "python3");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw GpuxException.unavailable(
        "python3 is not on PATH: gpux convert runs the frameworks' converters in a Python"
            + " environment it creates with it",
        "install Python 3.10 or newer with venv (Debian/Ubuntu: apt-get install python3"
            + " python3-venv), or set "
            + PYTHON_VARIABLE
            + " to its path");
  }

  static Path python(Path folder) {
    return folder.resolve("bin").resolve("python");
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
