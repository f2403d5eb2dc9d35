package io.gpux.cli.docs;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The Markdown pages of the docs site's command reference. */
final class Markdown {
  private static final String GENERATED =
      "<!-- Generated from the CLI's picocli model by io.gpux.cli.docs.ReferenceGenerator"
          + " (bin/docs): do not edit. -->\n";

  private Markdown() {}

  static String index(List<CommandLine> commands) {
    StringBuilder b = new StringBuilder(GENERATED);
    b.append("\n# Command reference\n\n");
    b.append(
        "Every `gpux` command, generated from the CLI's own definitions (the same model that"
            + " prints `--help`), so these pages never drift from the commands. The same pages"
            + " are man pages: `man gpux-pull` after adding the repository's `man` folder to"
            + " `MANPATH` (see [Getting started](../getting-started.md)).\n\n");
    b.append("| command | what it does |\n| --- | --- |\n");
    for (CommandLine c : commands) {
      CommandSpec s = c.getCommandSpec();
      b.append("| [")
          .append(s.qualifiedName(" "))
          .append("](")
          .append(ReferenceGenerator.pageName(s))
          .append(".md) | ")
          .append(cell(ReferenceGenerator.summary(s)))
          .append(" |\n");
    }
    return b.toString();
  }

  static String page(CommandLine c) {
    CommandSpec s = c.getCommandSpec();
    StringBuilder b = new StringBuilder(GENERATED);
    b.append("\n# ").append(s.qualifiedName(" ")).append("\n\n");
    for (String p : ReferenceGenerator.paragraphs(s.usageMessage().description())) {
      b.append(escape(p)).append("\n\n");
    }
    if (s.aliases().length > 0) {
      b.append("Also: `").append(String.join("`, `", s.aliases())).append("`.\n\n");
    }
    b.append("## Usage\n\n```text\nUsage: ")
        .append(ReferenceGenerator.synopsis(s).replace("\n", "\n       "))
        .append("\n```\n\n");
    List<PositionalParamSpec> params = ReferenceGenerator.parameters(s);
    if (!params.isEmpty()) {
      b.append("## Arguments\n\n| argument | description |\n| --- | --- |\n");
      for (PositionalParamSpec p : params) {
        b.append("| `")
            .append(p.paramLabel())
            .append(p.arity().max() > 1 ? "..." : "")
            .append("` | ")
            .append(cell(ReferenceGenerator.text(p.description())))
            .append(" |\n");
      }
      b.append('\n');
    }
    List<OptionSpec> options = ReferenceGenerator.options(s);
    if (!options.isEmpty()) {
      b.append("## Options\n\n| option | description |\n| --- | --- |\n");
      for (OptionSpec o : options) {
        b.append("| `")
            .append(ReferenceGenerator.optionLabel(o).replace("|", "\\|"))
            .append("` | ")
            .append(cell(ReferenceGenerator.text(o.description())))
            .append(" |\n");
      }
      b.append('\n');
    }
    Map<String, CommandLine> subs = ReferenceGenerator.subcommands(c);
    if (!subs.isEmpty()) {
      b.append("## Commands\n\n| command | what it does |\n| --- | --- |\n");
      for (CommandLine sub : subs.values()) {
        CommandSpec ss = sub.getCommandSpec();
        b.append("| [")
            .append(ss.name())
            .append("](")
            .append(ReferenceGenerator.pageName(ss))
            .append(".md) | ")
            .append(cell(ReferenceGenerator.summary(ss)))
            .append(" |\n");
      }
      b.append('\n');
    }
    String footer = ReferenceGenerator.preformatted(s.usageMessage().footer());
    if (!footer.isEmpty()) {
      // As --help prints it: footers are examples and lists laid out by line.
      b.append("## Notes\n\n```text\n").append(footer).append("\n```\n\n");
    }
    if (s.parent() != null) {
      CommandSpec parent = s.parent();
      b.append("See also: [")
          .append(parent.qualifiedName(" "))
          .append("](")
          .append(ReferenceGenerator.pageName(parent))
          .append(".md), the [command reference](index.md).\n");
    } else {
      b.append("See also: the [command reference](index.md).\n");
    }
    return b.toString();
  }

  /** Text in a table cell: escaped, and a pipe would end the cell. */
  private static String cell(String text) {
    return escape(text).replace("|", "\\|");
  }

  /**
   * Prose from a description: code spans (`gpux ...`) stay as written; elsewhere the characters
   * Markdown reads as markup ({@code <REF>}, {@code GPUX_HOME}, {@code *}) are escaped.
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder();
    boolean code = false;
    for (char ch : text.toCharArray()) {
      if (ch == '`') {
        code = !code;
        b.append(ch);
      } else if (!code && "\\*_[]<>#".indexOf(ch) >= 0) {
        b.append('\\').append(ch);
      } else {
        b.append(ch);
      }
    }
    if (code) {
      // An unmatched backtick would swallow the rest of the page: show it as a character.
      int last = b.lastIndexOf("`");
      b.replace(last, last + 1, "\\`");
    }
    return b.toString();
  }
}
