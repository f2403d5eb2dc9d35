package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.lineage.ModelLineage;
import io.gpux.units.ByteSizes;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux lineage}: where a stored model version came from. */
@Command(
    name = "lineage",
    description = {
      "Show where a stored model version came from (registry, run, file digests).",
      "Registry and server, movable name and exact version, file digests and sizes, the"
          + " producing run (MLflow, W&B) with its parameters and metrics, and when and by which"
          + " GPUX it was pulled. Never credentials.",
      "--format cyclonedx writes a CycloneDX 1.6 ML-BOM."
    },
    footer = {
      "",
      "Example: gpux lineage mlflow:fraud@champion --format cyclonedx -o fraud.cdx.json"
    })
final class LineageCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REF", description = "A stored version, e.g. hf:org/model")
  String reference;

  @Option(names = "--json", description = "Print JSON (same as --format json).")
  boolean json;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text (default), json, or cyclonedx (a CycloneDX 1.6 ML-BOM, JSON).")
  String format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE instead of standard output.")
  String output;

  @Override
  public Integer call() {
    String f = format == null ? (json ? "json" : "text") : format.toLowerCase(Locale.ROOT);
    if (json && format != null && !f.equals("json")) {
      throw GpuxException.invalidInput(
          "--json and --format " + format + " ask for two formats", "give one of them");
    }
    if (!f.equals("text") && !f.equals("json") && !f.equals("cyclonedx")) {
      throw GpuxException.invalidInput(
          "unknown format '" + format + "'", "use --format text, json or cyclonedx");
    }
    try (Gpux gpux = parent.gpux()) {
      String text;
      if (f.equals("cyclonedx")) {
        text = gpux.models().cycloneDx(reference);
      } else {
        ModelLineage l = gpux.models().lineage(reference);
        if (f.equals("json")) {
          text = Json.render(toJson(l), true);
        } else {
          java.io.StringWriter s = new java.io.StringWriter();
          print(l, new PrintWriter(s));
          text = s.toString();
        }
      }
      if (output == null) {
        parent.out.print(text.endsWith("\n") ? text : text + "\n");
        parent.out.flush();
      } else {
        Json.writeFile(
            parent.workingDirectory.resolve(output), text.endsWith("\n") ? text : text + "\n");
        parent.err.println("gpux: wrote " + output);
      }
      return ExitCodes.OK;
    }
  }

  static ObjectNode toJson(ModelLineage l) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("reference", l.reference())
        .put("registry", l.registry())
        .put("server", l.server())
        .put("name", l.name())
        .put("requested", l.requested())
        .put("version", l.version())
        .put("selection", l.selection());
    l.tags().forEach(o.putArray("tags")::add);
    o.put("source", l.source())
        .put("pulled_at", l.pulledAt().toString())
        .put("pulled_by", l.pulledBy());
    var files = o.putArray("files");
    for (ModelLineage.FileLineage f : l.files()) {
      files
          .addObject()
          .put("path", f.path())
          .put("size", f.size())
          .put("sha256", f.sha256())
          .put("registry_digest", f.registryDigest())
          .put("derived", f.derived());
    }
    if (l.run() == null) {
      o.putNull("run");
    } else {
      ModelLineage.Run r = l.run();
      ObjectNode ro =
          o.putObject("run")
              .put("system", r.system())
              .put("id", r.id())
              .put("name", r.name())
              .put("group", r.group())
              .put("url", r.url());
      map(ro.putObject("attributes"), r.attributes());
      map(ro.putObject("params"), r.params());
      map(ro.putObject("metrics"), r.metrics());
    }
    map(o.putObject("metadata"), l.metadata());
    return o;
  }

  private static void map(ObjectNode o, Map<String, String> m) {
    m.forEach(o::put);
  }

  private static void print(ModelLineage l, PrintWriter out) {
    out.println(l.reference());
    row(out, "registry", l.registry() + (l.server() == null ? "" : " (" + l.server() + ")"));
    row(out, "source", l.source());
    row(out, "requested", l.requested());
    row(out, "version", l.version() + (l.selection() == null ? "" : " (" + l.selection() + ")"));
    row(out, "local names", l.tags().isEmpty() ? null : String.join(", ", l.tags()));
    row(out, "pulled", l.pulledAt() + (l.pulledBy() == null ? "" : " by gpux " + l.pulledBy()));
    if (l.run() != null) {
      ModelLineage.Run r = l.run();
      out.println("Run:");
      row(out, "system", r.system());
      row(out, "id", r.id() + (r.name() == null ? "" : " (" + r.name() + ")"));
      row(out, r.system().equals("mlflow") ? "experiment" : "project", r.group());
      row(out, "url", r.url());
      r.attributes().forEach((k, v) -> row(out, k, v));
      r.params().forEach((k, v) -> row(out, "param " + k, v));
      r.metrics().forEach((k, v) -> row(out, "metric " + k, v));
    }
    out.println("Files:");
    for (ModelLineage.FileLineage f : l.files()) {
      out.printf(
          Locale.ROOT,
          "  %s  %s  sha256 %s%s%n",
          f.path(),
          ByteSizes.human(f.size()),
          f.sha256(),
          f.derived() == null ? "" : "  (derived: " + f.derived() + ")");
    }
    if (!l.metadata().isEmpty()) {
      out.println("Registry metadata:");
      l.metadata().forEach((k, v) -> row(out, k, v));
    }
  }

  private static void row(PrintWriter out, String key, String value) {
    if (value != null) {
      out.printf(Locale.ROOT, "  %-13s %s%n", key, value);
    }
  }
}
