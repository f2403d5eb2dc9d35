package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.bundle.Bundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux export}: stored models into one OCI image layout archive, for air-gapped sites. */
@Command(
    name = "export",
    description = {
      "Write stored models into one OCI image layout archive (an air-gapped bundle).",
      "Each model is a ModelPack artifact with its lineage; gpux import loads it into another"
          + " store, and skopeo copy oci-archive:FILE:NAME docker://... puts it into a registry."
    },
    footer = {
      "",
      "Example:",
      "  gpux export hf:acme/digits oci://ghcr.io/acme/clf:v1 -o models.tar"
    })
final class ExportCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(arity = "0..*", paramLabel = "REF", description = "Stored models to export.")
  List<String> references = List.of();

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "Also export every model of a collection.")
  String collection;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The archive to write (a .tar).")
  Path output;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    if (references.isEmpty() && collection == null) {
      throw io.gpux.error.GpuxException.invalidInput(
          "nothing to export",
          "give references (gpux export hf:org/a -o FILE.tar) or --collection");
    }
    try (Gpux gpux = parent.gpux()) {
      List<String> refs =
          collection == null
              ? references
              : CollectionOptions.with(gpux, references, collection, false);
      List<Bundle.Entry> entries = gpux.models().exportBundle(refs, output);
      if (json) {
        parent.out.println(Json.render(json(output, entries, false), true));
        return ExitCodes.OK;
      }
      for (Bundle.Entry e : entries) {
        parent.out.printf(
            Locale.ROOT,
            "Exported %s as %s (%d files, %s)%n",
            e.reference(),
            e.refName(),
            e.files(),
            io.gpux.units.ByteSizes.human(e.bytes()));
      }
      parent.out.println("Wrote " + output + "; load it elsewhere: gpux import " + output);
      return ExitCodes.OK;
    }
  }

  /** A bundle's models as {@code export} and {@code import} print them with {@code --json}. */
  static com.fasterxml.jackson.databind.node.ObjectNode json(
      Path file, List<Bundle.Entry> entries, boolean imported) {
    var o = Json.NODES.objectNode().put("file", file.toString());
    var models = o.putArray("models");
    for (Bundle.Entry e : entries) {
      var m =
          models
              .addObject()
              .put("name", e.refName())
              .put("reference", e.reference())
              .put("files", e.files())
              .put("bytes", e.bytes());
      if (imported) {
        m.put("already_present", e.alreadyPresent());
      }
    }
    return o;
  }
}
