package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.lock.Lockfile;
import io.gpux.lock.SyncReport;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux sync}: restore exactly the models of a lockfile into the store. */
@Command(
    name = "sync",
    description = {
      "Restore exactly the models of a lockfile into the store.",
      "The same as `gpux pull --locked FILE`.",
      "Fetches only files the store lacks, and points each locked name (main, @champion) at its"
          + " locked version. A lockfile that disagrees with the store or the registry is refused"
          + " before anything changes, naming the first difference."
    })
final class SyncCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      defaultValue = Lockfile.FILE_NAME,
      description = "The lockfile (default: ${DEFAULT-VALUE}).")
  String lockfile;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    return restore(parent, lockfile, json);
  }

  /** Shared with {@code gpux pull --locked}. */
  static int restore(GpuxCommand parent, String lockfile, boolean json) {
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      SyncReport r = gpux.models().sync(lockfile, progress);
      if (json) {
        var o = Json.NODES.objectNode().put("lockfile", lockfile);
        var models = o.putArray("models");
        for (SyncReport.Restored m : r.models()) {
          models
              .addObject()
              .put("reference", m.reference())
              .put("registry", m.model().registry())
              .put("name", m.model().name())
              .put("requested", m.model().requested())
              .put("version", m.model().version())
              .put("already_present", m.alreadyPresent())
              .put("files_fetched", m.filesFetched())
              .put("bytes_fetched", m.bytesFetched());
        }
        o.put("bytes_fetched", r.bytesFetched());
        parent.out.println(Json.render(o, true));
        return ExitCodes.OK;
      }
      for (SyncReport.Restored m : r.models()) {
        if (m.alreadyPresent()) {
          parent.out.println("Up to date: " + m.reference());
        } else {
          parent.out.printf(
              Locale.ROOT,
              "Restored %s: %d file(s) fetched, %s%n",
              m.reference(),
              m.filesFetched(),
              io.gpux.units.ByteSizes.human(m.bytesFetched()));
        }
      }
      parent.out.printf(
          Locale.ROOT,
          "Synced %d model(s) from %s (%s fetched)%n",
          r.models().size(),
          lockfile,
          io.gpux.units.ByteSizes.human(r.bytesFetched()));
      return ExitCodes.OK;
    }
  }
}
