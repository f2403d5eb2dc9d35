package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.RepoFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code gpux ...} line in the code blocks of README.md and docs/ is run as a user types it:
 * each command it names answers {@code --help}, each option it names exists, and a line that needs
 * no registry or server runs for real from the repository's root, with any output the doc shows
 * after it (an error and its hint) checked. The runnable examples ({@code console} blocks) are
 * RunnableDocsTest's: here only their commands and options are checked.
 */
class DocCommandsTest {
  @TempDir Path home;
  private final Path root = RepoFiles.root();

  /** One command line of a doc, with the lines the doc shows as its output. */
  record DocLine(String file, int line, String text, List<String> output, boolean runnable) {
    DocLine(String file, int line, String text, List<String> output) {
      this(file, line, text, output, false);
    }

    @Override
    public String toString() {
      return file + ":" + line + ": " + text;
    }
  }

  static List<DocLine> docLines(Path root) throws IOException {
    List<Path> files = io.gpux.cli.docs.DocPages.all(root);
    List<DocLine> out = new ArrayList<>();
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      boolean inBlock = false;
      boolean console = false;
      DocLine current = null;
      for (int i = 0; i < lines.size(); i++) {
        String raw = lines.get(i);
        String l = raw.strip();
        if (l.startsWith("```")) {
          inBlock = !inBlock;
          console = inBlock && l.substring(3).strip().equals("console");
          current = null;
          continue;
        }
        if (!inBlock) {
          continue;
        }
        boolean prompt = l.startsWith("$ ");
        String cmd = prompt ? l.substring(2) : l;
        if (cmd.startsWith("gpux ") || cmd.startsWith("bin/gpux ") || cmd.equals("gpux")) {
          while (cmd.endsWith("\\") && i + 1 < lines.size()) {
            cmd = cmd.substring(0, cmd.length() - 1) + " " + lines.get(++i).strip();
          }
          current =
              new DocLine(
                  root.relativize(f).toString(),
                  i + 1,
                  withoutDescription(cmd.replaceFirst("^bin/", "")),
                  new ArrayList<>(),
                  console);
          out.add(current);
          if (!prompt) {
            current = null; // only a "$ " line has output after it
          }
        } else if (current != null && !l.isEmpty() && !prompt) {
          current.output().add(l);
        } else {
          current = null;
        }
      }
    }
    return out;
  }

  /**
   * The command without the description a synopsis aligns after it ("gpux df disk use..."): three
   * or more spaces outside quotes end the command.
   */
  static String withoutDescription(String line) {
    char quote = 0;
    for (int i = 0; i + 2 < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (line.startsWith("   ", i)) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /** Shell words: quotes and backslashes as bash reads them; a # comment ends the line. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        w = w == null ? new StringBuilder() : w;
        w.append(line, i + 1, end);
        i = end;
      } else if (c == '"') {
        w = w == null ? new StringBuilder() : w;
        for (i++; line.charAt(i) != '"'; i++) {
          if (line.charAt(i) == '\\') {
            i++;
          }
          w.append(line.charAt(i));
        }
      } else if (c == '\\' && i + 1 < line.length()) {
        w = w == null ? new StringBuilder() : w;
        w.append(line.charAt(++i));
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else if (c == '#' && w == null) {
        break;
      } else {
        w = w == null ? new StringBuilder() : w;
        w.append(c);
      }
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }

  /** A synopsis rather than a command: placeholders, alternatives, optional parts. */
  static boolean synopsis(String text) {
    return text.matches(".*(\\[|\\||<|\\.\\.\\.|\\b[A-Z][A-Z_]+\\b(?![:=]?[a-z])).*");
  }

  /** Lines that talk to a registry or start a server: only their commands' help is run. */
  static boolean needsAServer(List<String> args) {
    Set<String> remote =
        Set.of(
            "pull",
            "push",
            "search",
            "recommend",
            "versions",
            "login",
            "logout",
            "serve",
            "dashboard",
            "sync",
            "lock",
            "--locked",
            "--collection");
    return args.stream()
        .anyMatch(
            a ->
                remote.contains(a)
                    || a.matches("(hf|mlflow|wandb|oci|zoo|kaggle|tfhub|torchhub):.*")
                    || a.startsWith("https://tfhub.dev/")
                    || a.startsWith("https://www.kaggle.com/models/")
                    || a.startsWith("postgresql://") // PostgresDocTest runs them on one
                    || a.startsWith("models:/")
                    || a.startsWith("runs:/"));
  }

  private static CommandLine model() {
    StringWriter sink = new StringWriter();
    return Main.commandLine(
        null, false, new PrintWriter(sink), new PrintWriter(sink), Path.of(""), Map.of());
  }

  @Test
  void everyDocumentedCommandAnswersHelpAndKnowsItsOptions() throws Exception {
    List<DocLine> lines = docLines(root);
    assertTrue(lines.size() > 30, "the docs were read: " + lines);
    CommandLine model = model();
    Map<String, DocLine> commands = new LinkedHashMap<>();
    for (DocLine d : lines) {
      if (d.output().stream().anyMatch(l -> l.startsWith("gpux: error: unknown"))) {
        continue; // a mistake shown on purpose (troubleshooting's `unknown option`)
      }
      // "gpux list | rm REF | prune" names several commands.
      for (String segment : d.text().replaceFirst("^gpux", "").split("\\|")) {
        List<String> w = words(segment.strip());
        if (commands.isEmpty() || !w.isEmpty()) {
          String name = w.isEmpty() ? "" : w.get(0);
          CommandLine sub = model.getSubcommands().get(name);
          if (sub == null) {
            // Not a command: a top-level option (--version) or a placeholder (REF), checked below.
            assertTrue(
                !d.text().startsWith("gpux " + name) || name.startsWith("-"),
                "a doc names a command gpux does not have: " + d);
            continue;
          }
          // A nested command (gpux batch pull): its options are the subcommand's.
          String path = sub.getCommandName();
          for (int i = 1; i < w.size() && sub.getSubcommands().containsKey(w.get(i)); i++) {
            sub = sub.getSubcommands().get(w.get(i));
            path = path + " " + sub.getCommandName();
          }
          commands.putIfAbsent(path, d);
          for (String option : w) {
            String o = option.replaceAll("^[\\[(]+|[\\])]+$", "").replaceFirst("=.*", "");
            if (o.matches("--?[a-zA-Z][-a-zA-Z]*")) {
              assertTrue(
                  sub.getCommandSpec().findOption(o) != null,
                  d + ": gpux " + path + " has no option " + o);
            }
          }
        }
      }
    }
    assertTrue(commands.size() >= 15, "commands the docs use: " + commands.keySet());
    for (Map.Entry<String, DocLine> c : commands.entrySet()) {
      List<String> help = new ArrayList<>(List.of(c.getKey().split(" ")));
      help.add("--help");
      CliResult r = CliResult.run(root, help.toArray(String[]::new));
      assertEquals(0, r.exitCode(), c.getValue() + "\n" + r);
      assertTrue(r.out().startsWith("Usage: gpux " + c.getKey()), c.getValue() + "\n" + r);
    }
  }

  @Test
  void documentedCommandsThatNeedNoServerRunAsShown() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("GPUX_HOME", home.toString());
    env.put("GPUX_OFFLINE", "1");
    Set<String> ran = new LinkedHashSet<>();
    for (DocLine d : docLines(root)) {
      if (d.runnable()) {
        // A console block is a runnable example: RunnableDocsTest runs it in its page's order,
        // against the servers the page names, and matches all of its output.
        ran.add(d.text());
        continue;
      }
      if (synopsis(d.text())) {
        continue;
      }
      List<String> args = words(d.text());
      args.remove(0); // gpux
      if (needsAServer(args)) {
        continue;
      }
      if (args.stream().anyMatch(a -> a.startsWith("examples/minilm"))
          && !Files.isDirectory(root.resolve("examples/minilm/model"))) {
        System.err.println("not run (bash examples/minilm/setup.sh first): " + d);
        continue;
      }
      CliResult r = CliResult.run(root, env, args.toArray(String[]::new));
      String shown = String.join("\n", d.output());
      if (shown.contains("gpux: error:")) {
        assertNotEquals(0, r.exitCode(), d + "\n" + r);
        for (String l : d.output()) {
          assertTrue(r.err().contains(l), d + ": the doc shows\n" + l + "\nbut gpux said\n" + r);
        }
      } else {
        assertEquals(0, r.exitCode(), d + "\n" + r);
        assertFalse(r.err().contains("gpux: error:"), d + "\n" + r);
      }
      ran.add(d.text());
    }
    assertTrue(
        ran.contains("gpux run examples/digits --file examples/digits/sample.json"),
        "the README's first command ran: " + ran);
  }
}
