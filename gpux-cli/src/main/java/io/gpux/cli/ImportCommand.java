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

/** {@code gpux import}: the models of a bundle into the store, offline. */
@Command(
    name = "import",
    description = {
      "Load the models of a bundle (gpux export's OCI image layout archive) into the store.",
      "Every blob is checked against its digest before the store takes it; no network is used,"
          + " so it works with GPUX_OFFLINE=1."
    })
final class ImportCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "FILE", description = "The archive gpux export wrote.")
  Path file;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<Bundle.Entry> entries = gpux.models().importBundle(file);
      if (json) {
        parent.out.println(Json.render(ExportCommand.json(file, entries, true), true));
        return ExitCodes.OK;
      }
      for (Bundle.Entry e : entries) {
        parent.out.printf(
            Locale.ROOT,
            "%s %s (%d files, %s)%n",
            e.alreadyPresent() ? "Already in the store:" : "Imported",
            e.reference(),
            e.files(),
            io.gpux.units.ByteSizes.human(e.bytes()));
      }
      return ExitCodes.OK;
    }
  }
}
