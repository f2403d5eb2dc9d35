package io.gpux.convert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One child process (python, pip) with the caller's environment: its output lines go to a sink as
 * they come, and the last lines are kept to explain a failure.
 */
final class PythonProcess {
  /** Enough of pip's or a traceback's end to name the problem. */
  private static final int TAIL_LINES = 12;

  record Result(int exitCode, List<String> tail) {
    /** The kept lines as one line, at most {@code max} characters, the end kept. */
    String shortTail(int max) {
      String joined = String.join(" | ", tail).replaceAll("\\s+", " ").trim();
      return joined.length() <= max ? joined : "..." + joined.substring(joined.length() - max + 3);
    }
  }

  private PythonProcess() {}

  /**
   * Runs {@code command} with {@code env} as its whole environment (the one GPUX itself was given,
   * so a test's PATH holds for the child too), standard error merged into standard output.
   */
  static Result run(
      List<String> command, Map<String, String> env, Path directory, Consumer<String> lines)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (directory != null) {
      pb.directory(directory.toFile());
    }
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    Deque<String> tail = new ArrayDeque<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.accept(line);
        if (!line.isBlank()) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw e;
    } finally {
      if (Thread.currentThread().isInterrupted()) {
        p.destroyForcibly();
      }
    }
    return new Result(p.waitFor(), new ArrayList<>(tail));
  }
}
