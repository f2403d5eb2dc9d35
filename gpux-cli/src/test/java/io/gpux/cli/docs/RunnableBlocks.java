package io.gpux.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable examples of the docs: every fenced block whose language is {@code console}. Such a
 * block is a shell session (the {@code console} lexer MkDocs and GitHub both highlight as one):
 * lines that start with {@code $ } are commands, the lines after one, up to the next command, are
 * what it prints. A page names the test servers its blocks need in an HTML comment, invisible in
 * both renderers:
 *
 * <pre>{@code <!-- runnable: hf kaggle -->}</pre>
 *
 * Every other fence ({@code bash}, {@code text}, none) is illustration: synopses, placeholders,
 * commands for a machine the tests do not have. {@code RunnableDocsTest} runs every console block.
 */
record RunnableBlocks(String file, Set<String> servers, List<Step> steps) {
  private static final Pattern DECLARATION = Pattern.compile("<!--\\s*runnable:([^>]*)-->");

  // a line of its own: the marker quoted in prose (`<!-- runnable: ... -->`) is not one

  /** One {@code $ } line (continuations joined) and the output the page shows for it. */
  record Step(String file, int line, String command, List<String> expected) {
    @Override
    public String toString() {
      return file + ":" + line + ": $ " + command;
    }
  }

  /** The pages with console blocks: README.md and docs/**.md but the generated reference. */
  static List<RunnableBlocks> all(Path root) throws IOException {
    List<RunnableBlocks> out = new ArrayList<>();
    for (Path f : DocPages.all(root)) {
      RunnableBlocks page = parse(root.relativize(f).toString(), Files.readAllLines(f));
      if (!page.steps().isEmpty() || !page.servers().isEmpty()) {
        out.add(page);
      }
    }
    return out;
  }

  static RunnableBlocks parse(String file, List<String> lines) {
    Set<String> servers = new LinkedHashSet<>();
    List<Step> steps = new ArrayList<>();
    String fence = null; // the open fence's backticks, or null outside a block
    boolean console = false;
    Step current = null;
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      String l = raw.strip();
      if (fence == null) {
        Matcher d = DECLARATION.matcher(l);
        if (d.matches()) {
          for (String s : d.group(1).strip().split("[\\s,]+")) {
            if (!s.isEmpty()) {
              servers.add(s);
            }
          }
        }
        if (l.startsWith("```")) {
          fence = l.replaceFirst("^(`+).*", "$1");
          console = l.substring(fence.length()).strip().equals("console");
          current = null;
        }
        continue;
      }
      if (l.equals(fence)) {
        fence = null;
        continue;
      }
      if (!console) {
        continue;
      }
      if (l.startsWith("$ ")) {
        StringBuilder cmd = new StringBuilder(l.substring(2));
        int at = i + 1;
        while (cmd.toString().endsWith("\\") && i + 1 < lines.size()) {
          cmd.setLength(cmd.length() - 1);
          cmd.setLength(cmd.toString().stripTrailing().length());
          cmd.append(' ').append(lines.get(++i).strip());
        }
        current = new Step(file, at, cmd.toString().strip(), new ArrayList<>());
        steps.add(current);
      } else if (current != null) {
        current.expected().add(raw.stripTrailing());
      } else if (!l.isEmpty()) {
        throw new IllegalStateException(
            file + ":" + (i + 1) + ": a console block starts with output, not a `$ ` command");
      }
    }
    for (Step s : steps) {
      while (!s.expected().isEmpty() && s.expected().get(s.expected().size() - 1).isEmpty()) {
        s.expected().remove(s.expected().size() - 1);
      }
    }
    return new RunnableBlocks(file, servers, steps);
  }

  /**
   * Whether {@code actual} is what a page shows: line by line, trailing spaces aside, where {@code
   * ...} inside a line stands for any text (a digest, a time, a path) and a line that is only
   * {@code ...} for any number of lines.
   */
  static boolean matches(List<String> shown, String actual) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < shown.size(); i++) {
      String line = shown.get(i).stripTrailing();
      if (line.strip().equals("...")) {
        regex.append("(?:[^\\n]*\\n)*?");
        continue;
      }
      String[] parts = line.split("\\.\\.\\.", -1);
      for (int p = 0; p < parts.length; p++) {
        if (p > 0) {
          regex.append("[^\\n]*?");
        }
        regex.append(Pattern.quote(parts[p]));
      }
      regex.append("[ \\t]*\\n");
    }
    String normalized = actual.replace("\r", "").stripTrailing();
    normalized = normalized.isEmpty() ? "" : normalized + "\n";
    return Pattern.compile(regex.toString()).matcher(normalized).matches();
  }
}
