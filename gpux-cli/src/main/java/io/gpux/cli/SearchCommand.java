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
      description = "relevance (the registry's own order), downloads, updated or name.")
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
          gpux.models()
              .search(
                  registry,
                  new SearchQuery(text, author, task, tags, SearchQuery.Sort.parse(sort), limit));
      if (json) {
        var a = Json.NODES.arrayNode();
        for (ModelSummary m : hits) {
          var o = a.addObject().put("reference", m.reference()).put("registry", m.registry());
          o.put("name", m.name()).put("task", m.task()).put("author", m.author());
          o.put("license", m.license()).put("format", m.format());
          if (m.sizeBytes() >= 0) {
            o.put("size_bytes", m.sizeBytes());
          }
          o.put("updated", m.updated() == null ? null : m.updated().toString());
          m.tags().forEach(o.putArray("tags")::add);
          var extras = o.putObject("extras");
          m.extras().forEach((k, v) -> extras.set(k, value(v)));
          // Kept at the top level, where `gpux search --json` has always had them.
          if (m.extras().containsKey(ModelSummary.DOWNLOADS)) {
            o.put("downloads", m.downloads());
          }
          if (m.extras().get(ModelSummary.LIKES) instanceof Number likes) {
            o.put("likes", likes.longValue());
          }
        }
        parent.out.println(Json.render(a, true));
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("REFERENCE", "TASK", "DOWNLOADS", "UPDATED", "FORMAT");
      for (ModelSummary m : hits) {
        t.row(
            m.reference(),
            m.task() == null ? "" : m.task(),
            m.downloads() < 0 ? "" : m.downloads(),
            m.updated() == null ? "" : m.updated().toString().substring(0, 10),
            m.format() == null ? "" : m.format());
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }

  /** A registry's own figure as JSON: a number, a string, or a list of them. */
  private static com.fasterxml.jackson.databind.JsonNode value(Object v) {
    if (v instanceof Long || v instanceof Integer) {
      return Json.NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return Json.NODES.numberNode(n.doubleValue());
    }
    if (v instanceof java.util.Collection<?> c) {
      var a = Json.NODES.arrayNode();
      c.forEach(e -> a.add(value(e)));
      return a;
    }
    return Json.NODES.textNode(String.valueOf(v));
  }
}
