package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.PruneReport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux prune}: free files that no stored model uses. */
@Command(
    name = "prune",
    description = {
      "Delete files no stored model uses, and stale partial downloads.",
      "Unused files less than an hour old are kept, since a pull may be about to record the"
          + " version that uses them; --now deletes them too."
    })
final class PruneCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Only report what would be deleted.")
  boolean dryRun;

  @Option(
      names = "--now",
      description =
          "Also delete unused files younger than the grace period (one hour). The store stays"
              + " consistent, but a pull running on it at the same moment fails and must be"
              + " repeated: use it when no other gpux command is working on this store.")
  boolean now;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      PruneReport r = gpux.storage().prune(dryRun, now);
      if (json) {
        var o = Json.NODES.objectNode().put("dry_run", r.dryRun()).put("bytes", r.bytes());
        r.blobs().forEach(o.putArray("blobs")::add);
        var partials = o.putArray("partials");
        r.partials().forEach(partials::add);
        var kept =
            o.putObject("kept").put("files", r.kept().blobs()).put("bytes", r.kept().bytes());
        kept.put("until", r.kept().until() == null ? null : r.kept().until().toString());
        parent.out.println(Json.render(o, true));
      } else {
        parent.out.println(
            (dryRun ? "Would free " : "Freed ")
                + io.gpux.units.ByteSizes.human(r.bytes())
                + ": "
                + r.blobs().size()
                + " unused file(s), "
                + r.partials().size()
                + " stale partial download(s)");
        if (r.kept().blobs() > 0) {
          parent.out.println(
              "Kept "
                  + io.gpux.units.ByteSizes.human(r.kept().bytes())
                  + ": "
                  + r.kept().blobs()
                  + " unused file(s) "
                  + keptWhy(r.kept())
                  + "; `gpux prune` frees them "
                  + when(r.kept().until())
                  + ", `gpux prune --now` at once");
        }
      }
      return ExitCodes.OK;
    }
  }

  /** Why young unused files stay, in words. */
  static String keptWhy(PruneReport.Kept kept) {
    return "less than "
        + duration(kept.grace())
        + " old (a pull may be about to record the version that uses them)";
  }

  /** "after 15:42 (in 58 min)", in local time. */
  static String when(Instant until) {
    Instant now = Instant.now();
    ZoneId zone = ZoneId.systemDefault();
    String at =
        DateTimeFormatter.ofPattern(
                until.atZone(zone).toLocalDate().equals(now.atZone(zone).toLocalDate())
                    ? "HH:mm"
                    : "yyyy-MM-dd HH:mm",
                Locale.ROOT)
            .format(until.atZone(zone));
    long minutes = Math.max(1, Duration.between(now, until).toSeconds() / 60 + 1);
    return "after " + at + " (in " + duration(Duration.ofMinutes(minutes)) + ")";
  }

  private static String duration(Duration d) {
    if (d.toMinutes() < 60) {
      return d.toMinutes() + " min";
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    return (h == 1 ? "an hour" : h + " hours") + (m == 0 ? "" : " " + m + " min");
  }
}
