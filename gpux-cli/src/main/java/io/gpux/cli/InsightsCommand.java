package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.monitor.Dashboard;
import io.gpux.monitor.History;
import io.gpux.monitor.Insight;
import io.gpux.monitor.InsightRules;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux insights}: what the monitoring history and the store say to act on. */
@Command(
    name = "insights",
    description = {
      "Say what to act on, from the monitoring history and the store.",
      "Each finding comes with its evidence and the command or setting that acts on it",
      "(docs/monitoring.md); the history is what gpux serve recorded.",
      "Exit codes: 0 (findings or not), 2 bad input, 3 the history cannot be read."
    })
final class InsightsCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--check-updates",
      description =
          "Also ask each stored model's registry whether its movable name moved (as gpux"
              + " outdated does; needs the network).")
  boolean checkUpdates;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux();
        History history = gpux.monitor().openHistory()) {
      List<Insight> found =
          gpux.monitor().insights(history, InsightRules.Thresholds.DEFAULT, checkUpdates);
      if (json) {
        ObjectNode root = Json.NODES.objectNode();
        root.set("insights", Dashboard.insightsJson(found));
        parent.out.println(Json.render(root, true));
      } else if (found.isEmpty()) {
        parent.out.println(
            "Nothing to act on ("
                + history.rows()
                + " rows of history; gpux serve records it, gpux dashboard shows it).");
      } else {
        for (Insight i : found) {
          parent.out.println(
              (i.severity() == Insight.Severity.WARNING ? "! " : "- ")
                  + (i.model() == null ? "" : i.model() + ": ")
                  + i.title());
          for (String e : i.evidence()) {
            parent.out.println("    " + e);
          }
          parent.out.println("    do: " + i.action());
        }
      }
      return ExitCodes.OK;
    }
  }
}
