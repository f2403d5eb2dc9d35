package io.gpux.project;

import io.gpux.project.ProjectConfig.PreprocessingSection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a {@link ProjectConfig} as gpux.yml text that {@link ProjectConfigParser} reads back to
 * the same config. Used to generate a project for a pulled model.
 */
public final class ProjectConfigWriter {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./-]+");

  private ProjectConfigWriter() {}

  public static String toYaml(ProjectConfig c, String headerComment) {
    StringBuilder y = new StringBuilder();
    if (headerComment != null) {
      for (String line : headerComment.split("\n")) {
        y.append("# ").append(line).append('\n');
      }
    }
    y.append("name: ").append(scalar(c.name())).append('\n');
    y.append("version: ").append(scalar(c.version())).append('\n');
    if (c.description() != null) {
      y.append("description: ").append(scalar(c.description())).append('\n');
    }
    y.append("model:\n");
    y.append("  source: ").append(scalar(c.model().source())).append('\n');
    y.append("  format: ").append(scalar(c.model().format())).append('\n');
    if (c.model().version() != null) {
      y.append("  version: ").append(scalar(c.model().version())).append('\n');
    }
    tensors(y, "inputs", c.inputs(), true);
    tensors(y, "outputs", c.outputs(), false);
    PreprocessingSection p = c.preprocessing();
    if (p.tokenizer() != null || p.maxLength() != null) {
      y.append("preprocessing:\n");
      if (p.tokenizer() != null) {
        y.append("  tokenizer: ").append(scalar(p.tokenizer())).append('\n');
      }
      if (p.maxLength() != null) {
        y.append("  max_length: ").append(p.maxLength()).append('\n');
      }
    }
    if (!c.metadata().isEmpty()) {
      y.append("metadata:\n");
      for (Map.Entry<String, Object> e : c.metadata().entrySet()) {
        y.append("  ")
            .append(scalar(e.getKey()))
            .append(": ")
            .append(scalar(String.valueOf(e.getValue())))
            .append('\n');
      }
    }
    return y.toString();
  }

  private static void tensors(StringBuilder y, String key, List<TensorSpec> specs, boolean inputs) {
    if (specs.isEmpty()) {
      return;
    }
    y.append(key).append(":\n");
    for (TensorSpec s : specs) {
      y.append("  ").append(scalar(s.name())).append(":\n");
      y.append("    type: ").append(s.type()).append('\n');
      if (s.shape() != null) {
        y.append("    shape: ").append(s.shape().toString()).append('\n');
      }
      if (inputs && !s.required()) {
        y.append("    required: false\n");
      }
      if (s.maxLength() != null) {
        y.append("    max_length: ").append(s.maxLength()).append('\n');
      }
      if (s.labels() != null) {
        y.append("    labels: [");
        for (int i = 0; i < s.labels().size(); i++) {
          y.append(i == 0 ? "" : ", ").append(quoted(s.labels().get(i)));
        }
        y.append("]\n");
      }
      if (s.description() != null) {
        y.append("    description: ").append(scalar(s.description())).append('\n');
      }
    }
  }

  /** Plain when safe, else double-quoted with escapes: YAML has many special characters. */
  static String scalar(String s) {
    if (PLAIN.matcher(s).matches()
        && !s.matches("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9.]+(e[-+]?[0-9]+)?")) {
      return s;
    }
    return quoted(s);
  }

  static String quoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format("\\x%02x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
