package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.discover.Candidate;
import io.gpux.discover.DiscoverQuery;
import io.gpux.discover.SearchResult;
import io.gpux.error.GpuxException;
import io.gpux.registry.ModelSummary;
import io.gpux.units.ByteSizes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux search}: find models in every configured registry at once. */
@Command(
    name = "search",
    description = {
      "Search every configured registry at once (or those --registry names) for models.",
      "Each registry is asked concurrently within GPUX_SEARCH_TIMEOUT seconds (default 10); the"
          + " answers are merged, filtered the same way for all and ranked, and a model reachable"
          + " twice is shown once with both sources. A registry that fails is named on stderr and"
          + " the rest are shown. Answers are cached for 5 minutes; GPUX_OFFLINE=1 searches the"
          + " store's index only (docs/discover.md)."
    },
    footer = {
      "",
      "Exit codes: 0 done (also when some registries failed: each is named on stderr), 2 bad"
          + " input or no registry answered.",
      "Examples:",
      "  gpux search sentiment --task text-classification --format onnx",
      "  gpux search digits --registry hf,mlflow,wandb --sort downloads --json"
    })
final class SearchCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TEXT",
      description = "Free text, e.g. sentiment.")
  String text;

  @Option(
      names = {"--registry", "-r"},
      split = ",",
      paramLabel = "NAME",
      description =
          "Registries to ask (hf, mlflow, wandb, zoo, kaggle, oci), or all (default:"
              + " every configured one).")
  List<String> registries = List.of();

  @Option(
      names = "--task",
      description =
          "Only models for this task (Hugging Face task names, e.g. text-classification).")
  String task;

  @Option(names = "--license", description = "Only models under this license, e.g. apache-2.0.")
  String license;

  @Option(names = "--author", description = "Only models of this owner.")
  String author;

  @Option(names = "--format", description = "Only models in this format, e.g. onnx.")
  String format;

  @Option(
      names = "--max-size",
      paramLabel = "SIZE",
      description = "Only models at most this big, e.g. 100MB (unknown sizes pass).")
  String maxSize;

  @Option(
      names = "--min-downloads",
      paramLabel = "N",
      description = "Only models downloaded at least N times.")
  Long minDownloads;

  @Option(names = "--tag", split = ",", description = "Only models with these tags, e.g. onnx.")
  List<String> tags = List.of();

  @Option(
      names = "--sort",
      description = "relevance (default), downloads, updated, size (smallest first) or name.")
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
    long max = SizeLimit.bytes("--max-size", maxSize);
    if (minDownloads != null && minDownloads < 0) {
      throw GpuxException.invalidInput(
          "--min-downloads " + minDownloads + " is negative", "give a count, e.g. 1000");
    }
    if (limit < 1) {
      throw GpuxException.invalidInput("--limit " + limit + " is not positive", "e.g. --limit 20");
    }
    DiscoverQuery query =
        new DiscoverQuery(
            text,
            registries,
            task,
            license,
            author,
            format,
            max,
            minDownloads == null ? -1 : minDownloads,
            tags,
            DiscoverQuery.Sort.parse(sort),
            limit);
    try (Gpux gpux = parent.gpux()) {
      SearchResult r = gpux.discover().search(query);
      if (r.allFailed()) {
        throw GpuxException.invalidInput(
            "no registry answered: "
                + String.join(
                    "; ",
                    r.failures().stream().map(f -> f.registry() + ": " + f.reason()).toList()),
            "check the registries' URLs (HF_ENDPOINT, MLFLOW_TRACKING_URI, WANDB_BASE_URL...) and"
                + " the network, or search the index with GPUX_OFFLINE=1");
      }
      for (SearchResult.Failure f : r.failures()) {
        parent.warn(f.registry() + " did not answer: " + f.reason());
      }
      if (json) {
        var a = Json.NODES.arrayNode();
        r.candidates().forEach(c -> a.add(toJson(c)));
        parent.out.println(Json.render(a, true));
        return ExitCodes.OK;
      }
      TextTable t =
          new TextTable("REFERENCE", "TASK", "LICENSE", "SIZE", "DOWNLOADS", "UPDATED", "ALSO");
      for (Candidate c : r.candidates()) {
        t.row(
            c.reference(),
            c.task() == null ? "" : c.task(),
            c.license() == null ? "" : c.license(),
            c.sizeBytes() < 0 ? "" : ByteSizes.human(c.sizeBytes()),
            c.downloads() < 0 ? "" : c.downloads(),
            c.updated() == null ? "" : c.updated().toString().substring(0, 10),
            String.join(
                " ", c.sources().stream().skip(1).map(Candidate.Source::reference).toList()));
      }
      t.print(parent.out, "");
      if (r.offline()) {
        parent.err.println("gpux: offline (GPUX_OFFLINE=1): searched the store's index only");
      }
      return ExitCodes.OK;
    }
  }

  /** A result as JSON: the merged facts, then each source with the registry's own figures. */
  private static ObjectNode toJson(Candidate c) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("reference", c.reference()).put("registry", c.registry()).put("name", c.name());
    o.put("task", c.task()).put("license", c.license()).put("author", c.author());
    o.put("format", c.format());
    if (c.sizeBytes() >= 0) {
      o.put("size_bytes", c.sizeBytes());
    }
    o.put("updated", c.updated() == null ? null : c.updated().toString());
    c.tags().forEach(o.putArray("tags")::add);
    Candidate.Source first = c.sources().get(0);
    var extras = o.putObject("extras");
    first.figures().forEach((k, v) -> extras.set(k, value(v)));
    // Kept at the top level, where `gpux search --json` has always had them.
    if (c.downloads() >= 0) {
      o.put("downloads", c.downloads());
    }
    if (first.figures().get(ModelSummary.LIKES) instanceof Number likes) {
      o.put("likes", likes.longValue());
    }
    var sources = o.putArray("sources");
    for (Candidate.Source s : c.sources()) {
      ObjectNode so = sources.addObject();
      so.put("registry", s.registry()).put("reference", s.reference());
      so.put("registry_task", s.registryTask()).put("cached", s.cached());
      var figures = so.putObject("figures");
      s.figures().forEach((k, v) -> figures.set(k, value(v)));
    }
    return o;
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
