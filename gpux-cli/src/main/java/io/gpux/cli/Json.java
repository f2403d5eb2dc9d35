package io.gpux.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reading JSON the user gives (with errors a user can act on), and writing JSON for people (pretty)
 * or scripts (one line) through the library's one writer.
 */
final class Json {
  /** Tree nodes for output; no ObjectMapper, whose set-up a short command should not pay. */
  static final com.fasterxml.jackson.databind.node.JsonNodeFactory NODES = io.gpux.json.Json.NODES;

  private Json() {}

  static String render(JsonNode node, boolean compact) {
    return io.gpux.json.Json.write(node, !compact);
  }

  static JsonNode parse(String text, String where) {
    try {
      JsonNode node = io.gpux.json.Json.mapper().readTree(text);
      if (node == null || node.isMissingNode()) {
        throw GpuxException.invalidInput(where + " is empty", "give a JSON object of inputs");
      }
      return node;
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      java.util.regex.Matcher nonNumber =
          java.util.regex.Pattern.compile("Non-standard token '([^']*)'").matcher(why);
      if (nonNumber.find()) {
        throw GpuxException.invalidInput(
            where + " is not valid JSON: " + nonNumber.group(1) + " is not a JSON number" + at(e),
            "JSON has no NaN or Infinity: give finite numbers");
      }
      throw GpuxException.invalidInput(
          where + " is not valid JSON: " + withoutParserSettings(why) + at(e),
          "check the quotes and brackets, e.g. '{\"x\": [[1.0, 2.0]]}'");
    }
  }

  /**
   * Jackson's messages name its own parser settings ("enable `JsonReadFeature...` to allow",
   * "Feature 'ALLOW_COMMENTS' not enabled"), which a user of the CLI cannot act on.
   */
  static String withoutParserSettings(String message) {
    return message
        .replaceAll(": enable `[^`]*` to allow", "")
        .replaceAll(" ?\\(not recognized as one since Feature '[A-Z_]+' not enabled[^)]*\\)", "");
  }

  private static String at(JsonProcessingException e) {
    return (e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")");
  }

  static String readFile(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw GpuxException.notFound(what + " not found: " + file, "check the path");
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + what + " " + file + ": " + e.getMessage(), null);
    }
  }

  /** Writes next to the target, then renames: a reader never sees half a file. */
  static void writeFile(Path file, String text) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".gpux-", ".tmp");
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot write " + file + ": " + e.getMessage(), "choose a writable --output path");
    }
  }
}
