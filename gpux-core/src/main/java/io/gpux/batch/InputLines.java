package io.gpux.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSONL file of inputs, read once and shared by every model that runs it: per line, the parsed
 * object or why it is not one. Lines are numbered from 0 as they stand in the file; blank lines are
 * no input (no result) but keep their number, so a result's {@code line} is always the file's.
 */
public final class InputLines {
  /** One non-blank line: its input object, or (when {@code error} is set) why it is not one. */
  public record Line(int number, JsonNode input, String error) {}

  private final Path file;
  private final List<Line> lines;

  private InputLines(Path file, List<Line> lines) {
    this.file = file;
    this.lines = List.copyOf(lines);
  }

  public static InputLines read(Path file) {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String text; (text = in.readLine()) != null; number++) {
        if (!text.isBlank()) {
          lines.add(parse(number, text));
        }
      }
    } catch (NoSuchFileException e) {
      throw GpuxException.notFound(
          "no such input file: " + file, "give a JSONL file: one JSON object of inputs per line");
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read the input file " + file + ": " + e.getMessage(),
          "check the file's permissions");
    }
    return new InputLines(file, lines);
  }

  private static Line parse(int number, String text) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(text);
    } catch (IOException e) {
      String why = e.getMessage() == null ? "" : e.getMessage().split("\n", 2)[0];
      return new Line(number, null, "line " + number + " is not JSON: " + why);
    }
    if (node == null || !node.isObject()) {
      return new Line(
          number,
          null,
          "line " + number + " is not a JSON object of inputs (e.g. {\"x\": [[1.0, 2.0]]})");
    }
    return new Line(number, node, null);
  }

  public Path file() {
    return file;
  }

  public List<Line> lines() {
    return lines;
  }
}
