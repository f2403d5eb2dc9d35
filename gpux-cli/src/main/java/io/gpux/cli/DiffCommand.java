package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.diff.ModelDiff;
import io.gpux.units.ByteSizes;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux diff}: compare two stored model versions. */
@Command(
    name = "diff",
    description = {
      "Compare two stored model versions (of one model, or two models).",
      "Files by digest and size, the ONNX signature (inputs, outputs, dtypes, shapes), opsets,"
          + " metadata, labels, and the run metrics the registry states (MLflow run metrics, W&B"
          + " run summary)."
    },
    footer = {
      "",
      "Exit codes: 0 the versions are the same, 1 they differ, 2 bad input (as diff(1)).",
      "Example: gpux diff hf:acme/digits@v1 hf:acme/digits@main"
    })
final class DiffCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "REF_A",
      description = "A stored version, e.g. hf:org/model@v1")
  String a;

  @Parameters(index = "1", paramLabel = "REF_B", description = "Another, e.g. hf:org/model@main")
  String b;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--all", description = "Also list what is the same on both sides.")
  boolean all;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      ModelDiff d = gpux.models().diff(a, b);
      if (json) {
        parent.out.println(Json.render(toJson(d), true));
      } else {
        print(d, parent.out);
      }
      return d.identical() ? ExitCodes.OK : 1;
    }
  }

  private static ObjectNode toJson(ModelDiff d) {
    ObjectNode o = Json.NODES.objectNode().put("a", d.a()).put("b", d.b());
    o.put("identical", d.identical());
    ArrayNode files = o.putArray("files");
    for (ModelDiff.FileChange f : d.files()) {
      ObjectNode fo = files.addObject().put("path", f.path()).put("status", f.status().label());
      if (f.sha256A() != null) {
        fo.putObject("a").put("size", f.sizeA()).put("sha256", f.sha256A());
      }
      if (f.sha256B() != null) {
        fo.putObject("b").put("size", f.sizeB()).put("sha256", f.sha256B());
      }
    }
    o.put("bytes_delta", d.bytesDelta());
    changes(o.putArray("inputs"), d.inputs());
    changes(o.putArray("outputs"), d.outputs());
    changes(o.putArray("opsets"), d.opsets());
    changes(o.putArray("metadata"), d.metadata());
    changes(o.putArray("labels"), d.labels());
    changes(o.putArray("metrics"), d.metrics());
    changes(o.putArray("params"), d.params());
    return o;
  }

  private static void changes(ArrayNode out, List<ModelDiff.Change> changes) {
    for (ModelDiff.Change c : changes) {
      out.addObject()
          .put("key", c.key())
          .put("a", c.a())
          .put("b", c.b())
          .put("status", c.status().label());
    }
  }

  private void print(ModelDiff d, PrintWriter out) {
    out.println("--- " + d.a());
    out.println("+++ " + d.b());
    if (d.identical()) {
      out.println("Identical: the same files, signature and run figures.");
      return;
    }
    out.println("Files:");
    int width = d.files().stream().mapToInt(f -> f.path().length()).max().orElse(0);
    int same = 0;
    for (ModelDiff.FileChange f : d.files()) {
      if (f.status() == ModelDiff.Status.SAME && !all) {
        same++;
        continue;
      }
      String sizes =
          switch (f.status()) {
            case ADDED -> ByteSizes.human(f.sizeB()) + "  sha256 " + shortSha(f.sha256B());
            case REMOVED -> ByteSizes.human(f.sizeA()) + "  sha256 " + shortSha(f.sha256A());
            case CHANGED ->
                ByteSizes.human(f.sizeA())
                    + " -> "
                    + ByteSizes.human(f.sizeB())
                    + "  sha256 "
                    + shortSha(f.sha256A())
                    + " -> "
                    + shortSha(f.sha256B());
            case SAME -> ByteSizes.human(f.sizeA()) + "  sha256 " + shortSha(f.sha256A());
          };
      out.printf(Locale.ROOT, "  %-8s %-" + width + "s  %s%n", f.status().label(), f.path(), sizes);
    }
    if (same > 0) {
      out.printf(Locale.ROOT, "  %d file(s) unchanged%n", same);
    }
    out.printf(
        Locale.ROOT,
        "  total size %s%s%n",
        d.bytesDelta() >= 0 ? "+" : "-",
        ByteSizes.human(Math.abs(d.bytesDelta())));
    section(out, "Inputs", d.inputs());
    section(out, "Outputs", d.outputs());
    section(out, "Opsets", d.opsets());
    section(out, "Metadata", d.metadata());
    section(out, "Labels", d.labels());
    section(out, "Run metrics", d.metrics());
    section(out, "Run parameters", d.params());
  }

  private void section(PrintWriter out, String title, List<ModelDiff.Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<ModelDiff.Change> shown =
        all ? changes : changes.stream().filter(c -> c.status() != ModelDiff.Status.SAME).toList();
    if (shown.isEmpty()) {
      out.println(title + ": same");
      return;
    }
    out.println(title + ":");
    for (ModelDiff.Change c : shown) {
      String value =
          switch (c.status()) {
            case ADDED -> c.b();
            case REMOVED, SAME -> c.a();
            case CHANGED -> c.a() + " -> " + c.b();
          };
      out.printf(Locale.ROOT, "  %-8s %s  %s%n", c.status().label(), c.key(), value);
    }
  }

  private static String shortSha(String sha) {
    return sha == null ? "" : sha.substring(0, 12);
  }
}
