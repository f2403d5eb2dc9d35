package io.gpux.cli.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gpux.cli.Main;
import io.gpux.testing.RepoFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every runnable example of the docs ({@link RunnableBlocks}: the {@code console} blocks) as
 * the reader types it, page by page, in the page's order, against the test servers the page
 * declares ({@link DocServers}), and checks each command's output where the page shows it: a page
 * that drifts from the product fails the build.
 *
 * <p>Each page gets a fresh {@code GPUX_HOME} and {@code HOME} and a working directory holding the
 * repository's {@code examples/}. A {@code gpux} (or {@code bin/gpux}) line, with optional {@code
 * NAME=value} prefixes and an optional {@code ... |} feeding its standard input, runs in this JVM
 * (a JVM start per line would cost minutes); bash reads its words first, so quotes and {@code $VAR}
 * mean what they mean in a terminal. {@code export NAME=value} and {@code cd DIR} change what the
 * page's later lines see. Any other line runs in bash, where {@code gpux} is the built CLI. A
 * command whose shown output has a {@code gpux: error:} line must fail, any other must succeed.
 *
 * <p>{@code -Dgpux.docs.record} writes what each page's commands printed to {@code
 * gpux-cli/target/runnable-docs/}: the output to paste (with {@code ...} for what varies) when
 * writing a new example.
 */
abstract class RunnableDocs {
  private static final Pattern GPUX_LINE =
      Pattern.compile("((?:[A-Za-z_][A-Za-z0-9_]*=\\S*\\s+)*)(?:bin/)?gpux(?:\\s+(.*))?");
  private static final Pattern PIPED_INTO_GPUX = Pattern.compile("(.+?)\\|\\s*((?:bin/)?gpux.*)");

  @TempDir Path tmp;
  private final Path root = RepoFiles.root();

  /** Servers that start in a blink, in this JVM; the others make a page slow. */
  static final Set<String> IN_PROCESS = Set.of("hf", "wandb", "kaggle");

  /** Whether this test runs {@code page}. */
  abstract boolean runs(RunnableBlocks page);

  @TestFactory
  Stream<DynamicTest> everyRunnableExampleRunsAsShown() throws IOException {
    return RunnableBlocks.all(root).stream()
        .filter(this::runs)
        .map(p -> DynamicTest.dynamicTest(p.file() + " (" + p.steps().size() + ")", () -> run(p)));
  }

  private void run(RunnableBlocks page) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(page.file().replace('/', '_')));
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.createSymbolicLink(work.resolve("examples"), root.resolve("examples"));
    Path bin = gpuxScript(dir.resolve("bin"));
    try (DocServers servers = DocServers.start(page.servers(), dir)) {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.keySet()
          .removeIf(k -> k.startsWith("GPUX_") || k.endsWith("_TOKEN") || k.contains("KEY"));
      env.putAll(servers.env());
      env.put("GPUX_HOME", dir.resolve("home").toString());
      env.put("HOME", Files.createDirectories(dir.resolve("user")).toString());
      env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
      Shell shell = new Shell(env, work, servers.substitutions());
      StringBuilder record = new StringBuilder();
      for (RunnableBlocks.Step step : page.steps()) {
        Result r = shell.run(step);
        record.append("$ ").append(step.command()).append('\n').append(r.output);
        if (System.getProperty("gpux.docs.record") != null) {
          // -Dgpux.docs.record: what each page's commands printed, for writing a new example.
          Path file = Path.of("target/runnable-docs", page.file() + ".out");
          Files.createDirectories(file.getParent());
          Files.writeString(file, record + "[exit " + r.code + "]\n");
        }
        boolean shownError = step.expected().stream().anyMatch(l -> l.startsWith("gpux: error:"));
        if (shownError == (r.code == 0)) {
          fail(
              step
                  + "\nexpected "
                  + (shownError ? "a failure" : "exit 0")
                  + ", got exit "
                  + r.code
                  + "\n"
                  + r.output);
        }
        if (!step.expected().isEmpty() && !RunnableBlocks.matches(step.expected(), r.output)) {
          fail(
              step
                  + "\nthe page shows\n"
                  + String.join("\n", step.expected())
                  + "\nbut it printed\n"
                  + r.output);
        }
      }
    }
  }

  /** {@code gpux} for the lines bash runs: the CLI of this build, on this test's class path. */
  private static Path gpuxScript(Path bin) throws IOException {
    Files.createDirectories(bin);
    Path script = bin.resolve("gpux");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        script,
        "#!/usr/bin/env bash\nexec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' io.gpux.cli.Main \"$@\"\n");
    script.toFile().setExecutable(true);
    return bin;
  }

  private record Result(int code, String output) {}

  /** The reader's terminal: its variables and folder, kept from one line to the next. */
  private static final class Shell {
    private final Map<String, String> env;
    private Path cwd;
    private final Map<String, String> substitutions;

    Shell(Map<String, String> env, Path cwd, Map<String, String> substitutions) {
      this.env = env;
      this.cwd = cwd;
      this.substitutions = substitutions;
    }

    Result run(RunnableBlocks.Step step) throws Exception {
      String line = step.command();
      for (Map.Entry<String, String> s : substitutions.entrySet()) {
        line = line.replace(s.getKey(), s.getValue());
      }
      Result r = dispatch(line);
      String out = r.output;
      for (Map.Entry<String, String> s : substitutions.entrySet()) {
        out = out.replace(s.getValue(), s.getKey());
      }
      return new Result(r.code, out);
    }

    private Result dispatch(String line) throws Exception {
      if (line.startsWith("export ")) {
        for (String assignment : words(line.substring("export ".length()))) {
          int eq = assignment.indexOf('=');
          env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return new Result(0, "");
      }
      if (line.startsWith("unset ")) {
        words(line.substring("unset ".length())).forEach(env::remove);
        return new Result(0, "");
      }
      if (line.startsWith("cd ")) {
        cwd = cwd.resolve(words(line.substring(3)).get(0)).normalize();
        return new Result(Files.isDirectory(cwd) ? 0 : 1, "");
      }
      if (!plain(line)) {
        Matcher piped = PIPED_INTO_GPUX.matcher(line);
        if (piped.matches() && plain(piped.group(1)) && plain(piped.group(2))) {
          Result left = bash(piped.group(1));
          return gpux(piped.group(2), left.output);
        }
        return bash(line);
      }
      return GPUX_LINE.matcher(line).matches() ? gpux(line, null) : bash(line);
    }

    /** No pipe, redirection, list or substitution outside quotes: a simple command. */
    private static boolean plain(String line) {
      char quote = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quote != 0) {
          quote = c == quote ? 0 : quote;
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if ("|<>;&`".indexOf(c) >= 0 || line.startsWith("$(", i)) {
          return false;
        }
      }
      return true;
    }

    private Result gpux(String line, String stdin) throws Exception {
      Matcher m = GPUX_LINE.matcher(line.strip());
      if (!m.matches()) {
        return bash(line);
      }
      Map<String, String> commandEnv = new HashMap<>(env);
      for (String assignment : words(m.group(1))) {
        int eq = assignment.indexOf('=');
        commandEnv.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      }
      String[] args = m.group(2) == null ? new String[0] : words(m.group(2)).toArray(String[]::new);
      // One writer for both, as a terminal shows them: in the order they were printed.
      StringWriter out = new StringWriter();
      InputStream in =
          new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
      int code =
          Main.run(
              args,
              in,
              new PrintWriter(out, true),
              new PrintWriter(out, true),
              cwd,
              commandEnv,
              UnaryOperator.identity());
      return new Result(code, out.toString());
    }

    /** The words bash makes of {@code text}: quotes, variables and globs as in a terminal. */
    private List<String> words(String text) throws Exception {
      if (text.isBlank()) {
        return List.of();
      }
      Result r = bash("printf '%s\\0' " + text);
      if (r.code != 0) {
        throw new IllegalStateException("bash could not read: " + text + "\n" + r.output);
      }
      List<String> out = new ArrayList<>(List.of(r.output.split("\0", -1)));
      out.remove(out.size() - 1);
      return out;
    }

    private Result bash(String line) throws Exception {
      ProcessBuilder pb =
          new ProcessBuilder("bash", "-c", line).directory(cwd.toFile()).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), line);
      return new Result(p.exitValue(), out);
    }
  }

  /** What bash makes of {@code text} in an environment holding only {@code env} (tests). */
  static List<String> wordsOf(String text, Map<String, String> env, Path dir) throws Exception {
    return new Shell(new HashMap<>(env), dir, Map.of()).words(text);
  }
}
