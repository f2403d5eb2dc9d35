package io.gpux.cli.docs;

import io.gpux.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes {@code docs/reference/*.md} and {@code man/man1/*.1} from the command model. The output
 * depends on the commands only (no date, no version, no machine), so regenerating on any machine
 * gives the committed files back.
 */
public final class ReferenceGenerator {
  /** Where the pages go, relative to the repository root. */
  public static final Path MARKDOWN = Path.of("docs", "reference");

  public static final Path MAN = Path.of("man", "man1");

  private ReferenceGenerator() {}

  /** {@code ReferenceGenerator ROOT}: regenerates the reference under the repository root. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ReferenceGenerator REPOSITORY_ROOT");
      System.exit(2);
    }
    write(Main.commandModel(), Path.of(args[0]));
  }

  /**
   * Writes every page under {@code root} and deletes generated pages of commands that no longer
   * exist (a removed command must not keep its page).
   */
  public static void write(CommandLine model, Path root) throws IOException {
    Map<Path, String> pages = render(model);
    for (Path dir : List.of(MARKDOWN, MAN)) {
      Path d = root.resolve(dir);
      Files.createDirectories(d);
      try (Stream<Path> old = Files.list(d)) {
        for (Path p : old.toList()) {
          if (!pages.containsKey(dir.resolve(p.getFileName()))) {
            Files.delete(p);
          }
        }
      }
    }
    for (Map.Entry<Path, String> e : pages.entrySet()) {
      Files.writeString(root.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
  }

  /** Every page, by its path relative to the repository root. */
  public static Map<Path, String> render(CommandLine model) {
    // picocli.usage.width overrides any width a spec sets: set aside while the pages render.
    String width = System.clearProperty("picocli.usage.width");
    try {
      return renderAt80(model);
    } finally {
      if (width != null) {
        System.setProperty("picocli.usage.width", width);
      }
    }
  }

  private static Map<Path, String> renderAt80(CommandLine model) {
    List<CommandLine> commands = new ArrayList<>();
    walk(model, commands, Collections.newSetFromMap(new IdentityHashMap<>()));
    Map<Path, String> pages = new LinkedHashMap<>();
    pages.put(MARKDOWN.resolve("index.md"), Markdown.index(commands));
    for (CommandLine c : commands) {
      pages.put(MARKDOWN.resolve(pageName(c.getCommandSpec()) + ".md"), Markdown.page(c));
      pages.put(MAN.resolve(pageName(c.getCommandSpec()) + ".1"), Roff.page(c));
    }
    return pages;
  }

  /** The command and its visible subcommands, depth first, each once (aliases share a model). */
  private static void walk(CommandLine c, List<CommandLine> out, Set<CommandLine> seen) {
    if (!seen.add(c) || c.getCommandSpec().usageMessage().hidden()) {
      return;
    }
    // The width --help would take from the terminal or picocli.usage.width: fixed, so the
    // synopsis wraps the same on every machine.
    c.getCommandSpec().usageMessage().autoWidth(false).width(80);
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      walk(sub, out, seen);
    }
  }

  /** {@code gpux-batch-pull}: the man page's name and the Markdown page's file name. */
  static String pageName(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  /** The synopsis as picocli prints it, without colours. */
  static String synopsis(CommandSpec spec) {
    Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
    return help.synopsis(0).stripTrailing();
  }

  /** The visible subcommands, by name, each once. */
  static Map<String, CommandLine> subcommands(CommandLine c) {
    Map<String, CommandLine> out = new LinkedHashMap<>();
    Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (CommandLine sub : c.getSubcommands().values()) {
      if (seen.add(sub) && !sub.getCommandSpec().usageMessage().hidden()) {
        out.put(sub.getCommandName(), sub);
      }
    }
    return out;
  }

  static List<OptionSpec> options(CommandSpec spec) {
    return spec.options().stream().filter(o -> !o.hidden()).toList();
  }

  static List<PositionalParamSpec> parameters(CommandSpec spec) {
    return spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
  }

  /** {@code -o, --output=FILE}. */
  static String optionLabel(OptionSpec o) {
    String names = String.join(", ", o.names());
    if (o.arity().max() == 0) {
      return names;
    }
    String label = o.paramLabel();
    return names + (o.arity().min() == 0 ? "[=" + label + "]" : "=" + label);
  }

  /** The description's lines as one text: picocli's lines are sentences of one paragraph. */
  static String text(String[] lines) {
    return String.join(" ", lines).replaceAll("\\s+", " ").strip();
  }

  /** A description's paragraphs: an empty line separates them. */
  static List<String> paragraphs(String[] lines) {
    List<String> out = new ArrayList<>();
    StringBuilder p = new StringBuilder();
    for (String l : lines) {
      if (l.isBlank()) {
        if (p.length() > 0) {
          out.add(p.toString().strip());
          p.setLength(0);
        }
      } else {
        p.append(l.strip()).append(' ');
      }
    }
    if (p.length() > 0) {
      out.add(p.toString().strip());
    }
    return out;
  }

  /** A footer's lines as written, without the blank lines around them. */
  static String preformatted(String[] lines) {
    return String.join("\n", lines).replaceAll("(?m)[ \t]+$", "").strip();
  }

  /** The first line of a command's description: its one-line summary in lists. */
  static String summary(CommandSpec spec) {
    List<String> p = paragraphs(spec.usageMessage().description());
    if (p.isEmpty()) {
      return "";
    }
    int end = p.get(0).indexOf(". ");
    return end < 0 ? p.get(0) : p.get(0).substring(0, end + 1);
  }
}
