package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.SearchQuery;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux search}: find models in a registry. */
@Command(name = "search", description = "Search a registry for models (Hugging Face by default).")
final class SearchCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TEXT",
      description = "Free text, e.g. sentiment.")
  String text;

  @Option(
      names = {"-r", "--registry"},
      defaultValue = "hf",
      description = "Registry to search (default: ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--author", description = "Only models of this owner.")
  String author;

  @Option(names = "--task", description = "Only models for this task, e.g. text-classification.")
  String task;

  @Option(names = "--tag", split = ",", description = "Only models with these tags, e.g. onnx.")
  List<String> tags = List.of();

  @Option(
      names = "--sort",
      description = "downloads, likes, lastModified, createdAt or trendingScore.")
  String sort;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "At most this many results (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<ModelSummary> hits =
          gpux.registries()
              .get(registry)
              .search(new SearchQuery(text, author, task, tags, sort, limit));
      if (json) {
        var a = Json.NODES.arrayNode();
        for (ModelSummary m : hits) {
          var o =
              a.addObject()
                  .put("reference", m.registry() + ":" + m.name())
                  .put("task", m.task())
                  .put("downloads", m.downloads())
                  .put("likes", m.likes());
          m.tags().forEach(o.putArray("tags")::add);
          o.put("updated", m.updated() == null ? null : m.updated().toString());
        }
        parent.out.println(Json.render(a, true));
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("REFERENCE", "TASK", "DOWNLOADS", "LIKES", "ONNX");
      for (ModelSummary m : hits) {
        t.row(
            m.registry() + ":" + m.name(),
            m.task(),
            m.downloads(),
            m.likes(),
            m.tags().contains("onnx") ? "yes" : "");
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }
}
