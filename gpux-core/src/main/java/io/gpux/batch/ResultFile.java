package io.gpux.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where results stream to: a JSONL file or the caller's standard output, shared by the models that
 * write there (each write is whole lines, flushed, so lines never interleave). With resume, the
 * (model, line) pairs the file already holds are read first, and a torn last line (the process was
 * killed mid-write) is cut off so that appending continues on a line of its own.
 */
public final class ResultFile implements AutoCloseable {
  private final String name;
  private final Writer out;
  private final boolean owned;
  private final Set<String> done;

  private ResultFile(String name, Writer out, boolean owned, Set<String> done) {
    this.name = name;
    this.out = out;
    this.owned = owned;
    this.done = done;
  }

  /** Results on a stream the caller owns (standard output); nothing is resumed there. */
  public static ResultFile of(String name, Writer out) {
    return new ResultFile(name, out, false, Set.of());
  }

  /**
   * Opens {@code file} for results: emptied, or with {@code resume} read and appended to. Fails
   * before anything runs when it cannot be written.
   */
  public static ResultFile open(Path file, boolean resume) {
    if (Files.isDirectory(file)) {
      throw GpuxException.invalidInput(
          "cannot write results to " + file + ": it is a folder",
          "give a file name, e.g. -o results.jsonl");
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Set<String> done = new HashSet<>();
      if (resume && Files.exists(file)) {
        cutTornLine(file);
        done = readDone(file);
      }
      Writer w =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
      return new ResultFile(file.toString(), w, true, done);
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot write results to " + file + ": " + reason(e),
          "choose a writable path (-o, or output: in JOBS.yml)");
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException
        || e instanceof java.nio.file.NotDirectoryException) {
      return ((java.nio.file.FileSystemException) e).getFile() + " is a file, not a folder";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** Truncates the file after its last newline: a kill can leave half a line, never more. */
  private static void cutTornLine(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      ByteBuffer b = ByteBuffer.allocate(8192);
      while (end > 0) {
        long start = Math.max(0, end - b.capacity());
        b.clear().limit((int) (end - start));
        ch.read(b, start);
        for (int i = b.position() - 1; i >= 0; i--) {
          if (b.get(i) == '\n') {
            long keep = start + i + 1;
            if (keep < size) {
              ch.truncate(keep);
            }
            return;
          }
        }
        end = start;
      }
      ch.truncate(0);
    }
  }

  private static Set<String> readDone(Path file) throws IOException {
    Set<String> done = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String text; (text = in.readLine()) != null; ) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = Json.mapper().readTree(text);
        } catch (IOException e) {
          row = null;
        }
        if (row == null
            || !row.isObject()
            || !row.path("model").isTextual()
            || !row.path("line").isInt()) {
          throw GpuxException.invalidInput(
              file + ":" + number + " is not a batch result line ({\"model\": ..., \"line\": ...})",
              "resume into the file a batch run wrote, or write to a new file without --resume");
        }
        done.add(BatchRunOptions.workKey(row.get("model").asText(), row.get("line").asInt()));
      }
    }
    return done;
  }

  public String name() {
    return name;
  }

  /** Whether the file held this pair when it was opened with resume. */
  public boolean done(String model, int line) {
    return done.contains(BatchRunOptions.workKey(model, line));
  }

  /** Writes whole lines at once, flushed. */
  public synchronized void write(List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l).append('\n'));
    try {
      out.write(sb.toString());
      out.flush();
    } catch (IOException e) {
      throw new GpuxException(
          io.gpux.error.ErrorCategory.RUNTIME_FAILURE,
          "cannot write results to " + name + ": " + reason(e),
          "check the disk's free space",
          e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (owned) {
        out.close();
      } else {
        out.flush();
      }
    } catch (IOException e) {
      // Every write was flushed already; a failing close loses nothing.
    }
  }
}
