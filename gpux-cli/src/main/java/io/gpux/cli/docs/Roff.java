package io.gpux.cli.docs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages in roff (the man macros), written from the model directly: picocli-codegen's
 * ManPageGenerator writes AsciiDoc, which would need asciidoctor to become a man page.
 */
final class Roff {
  private Roff() {}

  static String page(CommandLine c) {
    CommandSpec s = c.getCommandSpec();
    String name = ReferenceGenerator.pageName(s);
    StringBuilder b = new StringBuilder();
    b.append(".\\\" Generated from the CLI's picocli model by io.gpux.cli.docs.ReferenceGenerator")
        .append(" (bin/docs): do not edit.\n");
    // No date or version in the title line: the page must come out the same on every machine.
    b.append(".TH \"")
        .append(name.toUpperCase(Locale.ROOT))
        .append("\" \"1\" \"\" \"GPUX\" \"GPUX Manual\"\n");
    b.append(".SH NAME\n")
        .append(escape(name))
        .append(" \\- ")
        .append(escape(ReferenceGenerator.summary(s)))
        .append('\n');
    b.append(".SH SYNOPSIS\n.nf\n")
        .append(escape(ReferenceGenerator.synopsis(s)).replaceFirst("^Usage: ", ""))
        .append("\n.fi\n");
    List<String> description = ReferenceGenerator.paragraphs(s.usageMessage().description());
    if (!description.isEmpty()) {
      b.append(".SH DESCRIPTION\n");
      paragraphs(b, description);
    }
    List<PositionalParamSpec> params = ReferenceGenerator.parameters(s);
    if (!params.isEmpty()) {
      b.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : params) {
        b.append(".TP\n\\fI")
            .append(escape(p.paramLabel()))
            .append("\\fR")
            .append(p.arity().max() > 1 ? "..." : "")
            .append('\n')
            .append(escape(ReferenceGenerator.text(p.description())))
            .append('\n');
      }
    }
    List<OptionSpec> options = ReferenceGenerator.options(s);
    if (!options.isEmpty()) {
      b.append(".SH OPTIONS\n");
      for (OptionSpec o : options) {
        b.append(".TP\n\\fB")
            .append(escape(ReferenceGenerator.optionLabel(o)))
            .append("\\fR\n")
            .append(escape(ReferenceGenerator.text(o.description())))
            .append('\n');
      }
    }
    Map<String, CommandLine> subs = ReferenceGenerator.subcommands(c);
    if (!subs.isEmpty()) {
      b.append(".SH COMMANDS\n");
      for (CommandLine sub : subs.values()) {
        CommandSpec ss = sub.getCommandSpec();
        b.append(".TP\n\\fB")
            .append(escape(ss.name()))
            .append("\\fR\n")
            .append(escape(ReferenceGenerator.summary(ss)))
            .append(" See \\fB")
            .append(escape(ReferenceGenerator.pageName(ss)))
            .append("\\fR(1).\n");
      }
    }
    String footer = ReferenceGenerator.preformatted(s.usageMessage().footer());
    if (!footer.isEmpty()) {
      b.append(".SH NOTES\n.nf\n").append(escape(footer)).append("\n.fi\n");
    }
    b.append(".SH SEE ALSO\n");
    StringBuilder see = new StringBuilder();
    if (s.parent() != null) {
      see.append("\\fB").append(escape(ReferenceGenerator.pageName(s.parent()))).append("\\fR(1)");
    }
    for (CommandLine sub : subs.values()) {
      see.append(see.length() > 0 ? ", " : "")
          .append("\\fB")
          .append(escape(ReferenceGenerator.pageName(sub.getCommandSpec())))
          .append("\\fR(1)");
    }
    if (see.length() == 0) {
      see.append("\\fBgpux\\fR(1)");
    }
    b.append(see).append('\n');
    return b.toString();
  }

  private static void paragraphs(StringBuilder b, List<String> paragraphs) {
    for (int i = 0; i < paragraphs.size(); i++) {
      if (i > 0) {
        b.append(".PP\n");
      }
      b.append(escape(paragraphs.get(i))).append('\n');
    }
  }

  /**
   * Text as roff reads it literally: a backslash is the escape character, a hyphen is {@code \-}
   * (else it may print as a typographic hyphen, and `--help` could not be copied), and a line that
   * starts with a dot or an apostrophe would be a request.
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (b.length() > 0) {
        b.append('\n');
      }
      String l = line.replace("\\", "\\e").replace("-", "\\-");
      if (l.startsWith(".") || l.startsWith("'")) {
        l = "\\&" + l;
      }
      b.append(l);
    }
    return b.toString();
  }
}
