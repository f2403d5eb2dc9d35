package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.versions.HistoryEntry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux history}: a model's local timeline. */
@Command(
    name = "history",
    description =
        "A stored model's local timeline: pulled, updated, pinned, unpinned, rolled back, with"
            + " times and exact versions, oldest first.")
final class HistoryCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "REFERENCE",
      description = "a model (all its local names) or one local name, e.g. hf:org/model@main")
  String reference;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<HistoryEntry> events = gpux.versions().history(reference);
      if (json) {
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode a = root.putArray("history");
        for (HistoryEntry e : events) {
          ObjectNode o = a.addObject();
          o.put("registry", e.registry()).put("model", e.name());
          if (e.localName() == null) {
            o.putNull("name");
          } else {
            o.put("name", e.localName());
          }
          o.put("action", e.action()).put("version", e.version());
          if (e.previous() == null) {
            o.putNull("previous");
          } else {
            o.put("previous", e.previous());
          }
          o.put("at", e.at().toString());
        }
        parent.out.println(Json.render(root, true));
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("TIME", "NAME", "ACTION", "VERSION", "PREVIOUS");
      for (HistoryEntry e : events) {
        t.row(
            e.at().toString(),
            e.localName() == null ? "(exact)" : e.localName(),
            e.action(),
            VersionViews.version(e.version()),
            VersionViews.version(e.previous()));
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }
}
