package io.gpux.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.index.BenchmarkTables;
import io.gpux.index.HistoryTables;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dashboard: its page (HTML, script and style from this jar, uPlot from its WebJar: nothing is
 * fetched from elsewhere, so it works air-gapped) and the JSON it draws, read from the {@link
 * History}. Transport-free: {@code gpux dashboard} and {@code gpux serve}'s {@code /dashboard}
 * route requests here by path and query.
 *
 * <p>Routes under the dashboard's root: {@code /} the page; {@code /api/overview}, {@code
 * /api/series?model=M[&version=V]}, {@code /api/insights}, {@code /api/benchmarks}, each with
 * {@code range=15m|1h|6h|24h|7d|30d|90d}; {@code /events}, server-sent events announcing new
 * samples. A filter naming a model the history does not have is a 400 with the models it has.
 */
public final class Dashboard {
  /** An answer: status, content type and body. */
  public record Page(int status, String contentType, byte[] body) {
    static Page json(int status, Object node) {
      return new Page(
          status,
          "application/json",
          Json.write((com.fasterxml.jackson.databind.JsonNode) node, false)
              .getBytes(StandardCharsets.UTF_8));
    }

    public static Page error(int status, String message) {
      return json(status, Json.NODES.objectNode().put("error", message));
    }
  }

  private static final Map<String, Duration> RANGES = new LinkedHashMap<>();

  static {
    RANGES.put("15m", Duration.ofMinutes(15));
    RANGES.put("1h", Duration.ofHours(1));
    RANGES.put("6h", Duration.ofHours(6));
    RANGES.put("24h", Duration.ofHours(24));
    RANGES.put("7d", Duration.ofDays(7));
    RANGES.put("30d", Duration.ofDays(30));
    RANGES.put("90d", Duration.ofDays(90));
  }

  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/";

  private final History history;
  private final Supplier<List<Insight>> insights;
  private final Function<String, List<BenchmarkTables.BenchmarkRow>> benchmarks;
  private final Clock clock;
  private final boolean live;
  private final Duration sseRetry;

  /**
   * @param live whether samples are being recorded now (gpux serve): the page then listens to
   *     {@code /events}
   */
  public Dashboard(
      History history,
      Supplier<List<Insight>> insights,
      Function<String, List<BenchmarkTables.BenchmarkRow>> benchmarks,
      Clock clock,
      boolean live,
      Duration sseRetry) {
    this.history = history;
    this.insights = insights;
    this.benchmarks = benchmarks;
    this.clock = clock;
    this.live = live;
    this.sseRetry = sseRetry;
  }

  /** Answers {@code path} (below the dashboard's root, "" or "/..."), with its raw query. */
  public Page get(String path, String rawQuery) {
    try {
      Map<String, String> q = query(rawQuery);
      return switch (path.isEmpty() ? "/" : path) {
        case "/", "/index.html" -> {
          checkFilters(q);
          yield resource("io/gpux/monitor/dashboard/index.html", "text/html");
        }
        case "/app.js" -> resource("io/gpux/monitor/dashboard/app.js", "text/javascript");
        case "/app.css" -> resource("io/gpux/monitor/dashboard/app.css", "text/css");
        case "/uPlot.min.js" -> resource(UPLOT + "dist/uPlot.iife.min.js", "text/javascript");
        case "/uPlot.min.css" -> resource(UPLOT + "dist/uPlot.min.css", "text/css");
        case "/uPlot.LICENSE" -> resource(UPLOT + "LICENSE", "text/plain");
        case "/api/overview" -> overview(range(q));
        case "/api/series" -> series(q, range(q));
        case "/api/insights" -> Page.json(200, insightsJson(insights.get()));
        case "/api/benchmarks" -> benchmarksJson(q);
        case "/events" -> events();
        default -> Page.error(404, "no dashboard page " + path + "; the dashboard is at /");
      };
    } catch (BadFilter e) {
      return Page.error(400, e.getMessage());
    }
  }

  /** A query parameter the dashboard cannot use: answered with 400 and what it accepts. */
  private static final class BadFilter extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadFilter(String message) {
      super(message, null, false, false);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.put(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadFilter("the query " + raw + " is not URL-encoded");
      }
    }
    return out;
  }

  private static Duration range(Map<String, String> q) {
    String r = q.getOrDefault("range", "1h");
    Duration d = RANGES.get(r);
    if (d == null) {
      throw new BadFilter(
          "unknown range "
              + r
              + suggest(r, RANGES.keySet()).map(s -> " (did you mean " + s + "?)").orElse("")
              + "; use one of "
              + String.join(", ", RANGES.keySet()));
    }
    return d;
  }

  /** The page's own filters (a link someone shared), refused as the API would refuse them. */
  private void checkFilters(Map<String, String> q) {
    range(q);
    String model = q.get("model");
    if (model != null && !model.isEmpty()) {
      Map<String, Instant> known = history.models();
      if (!known.containsKey(model)) {
        throw new BadFilter(
            "no model "
                + model
                + " in the history"
                + suggest(model, known.keySet()).map(s -> " (did you mean " + s + "?)").orElse("")
                + "; it has "
                + names(known));
      }
    }
  }

  private Page resource(String name, String type) {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return Page.error(500, "the dashboard's " + name + " is missing from the class path");
      }
      return new Page(200, type + "; charset=utf-8", in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The overview: each model version's requests and errors over the range (summed by the database,
   * so a week of 20 models costs one query), and its latency percentiles over the last hour of the
   * range (the buckets of every row would have to be read for the whole range).
   */
  private Page overview(Duration range) {
    Instant now = clock.instant();
    Instant end = now.plusSeconds(1);
    Duration recent = range.compareTo(Duration.ofHours(1)) < 0 ? range : Duration.ofHours(1);
    Map<String, long[]> latency = history.tables().requestBuckets(now.minus(recent), end);
    ObjectNode root = Json.NODES.objectNode();
    root.put("now", now.toString());
    root.put("live", live);
    root.put("rangeSeconds", range.toSeconds());
    root.put("latencySeconds", recent.toSeconds());
    root.put("rows", history.rows());
    ArrayNode models = root.putArray("models");
    for (HistoryTables.Totals t : history.tables().totals(now.minus(range), end)) {
      ObjectNode m = models.addObject();
      m.put("model", t.model());
      m.put("version", t.version());
      m.put("provider", t.provider());
      long requests = t.succeeded() + t.failed();
      m.put("requests", requests);
      m.put("requestsPerSecond", t.seconds() > 0 ? requests / t.seconds() : 0);
      m.put("errors", t.failed());
      long[] l = latency.get(t.model() + "\u0000" + t.version());
      putMs(m, "p50Ms", l == null ? Double.NaN : Latency.quantileMs(l, 0.5));
      putMs(m, "p99Ms", l == null ? Double.NaN : Latency.quantileMs(l, 0.99));
      m.put("lastSeen", t.lastAt().toString());
      m.put("rssBytes", t.rssBytes());
    }
    root.set("insights", insightsJson(insights.get()));
    return Page.json(200, root);
  }

  private Page series(Map<String, String> q, Duration range) {
    String model = q.get("model");
    Map<String, Instant> known = history.models();
    if (model == null || model.isEmpty()) {
      throw new BadFilter("series needs ?model=NAME; the history has " + names(known));
    }
    if (!known.containsKey(model)) {
      throw new BadFilter(
          "no model "
              + model
              + " in the history"
              + suggest(model, known.keySet()).map(s -> " (did you mean " + s + "?)").orElse("")
              + "; it has "
              + names(known));
    }
    String version = q.get("version");
    Instant now = clock.instant();
    List<Sample> rows = history.between(now.minus(range), now.plusSeconds(1), model);
    if (version != null && !version.isEmpty()) {
      List<String> versions = rows.stream().map(Sample::version).distinct().toList();
      if (!versions.contains(version)) {
        throw new BadFilter(
            "no version " + version + " of " + model + " in this range; it has " + versions);
      }
      rows = rows.stream().filter(s -> s.version().equals(version)).toList();
    }
    rows = thin(rows, range);
    ObjectNode root = Json.NODES.objectNode();
    root.put("model", model);
    ArrayNode points = root.putArray("points");
    for (Sample s : rows) {
      ObjectNode p = points.addObject();
      p.put("t", s.at().getEpochSecond());
      p.put("version", s.version());
      p.put("seconds", s.seconds());
      p.put("requests", s.requests());
      p.put("rps", s.seconds() > 0 ? s.requests() / s.seconds() : 0);
      putMs(p, "p50", Latency.quantileMs(s.requestBuckets(), 0.5));
      putMs(p, "p95", Latency.quantileMs(s.requestBuckets(), 0.95));
      putMs(p, "p99", Latency.quantileMs(s.requestBuckets(), 0.99));
      long n = Math.max(1, s.requests());
      p.put("queueMs", s.queueSeconds() * 1000 / n);
      p.put("computeMs", s.computeSeconds() * 1000 / n);
      p.put("batch", s.batches() > 0 ? s.batchRows() / (double) s.batches() : 0);
      p.put("badInput", s.badInput());
      p.put("modelErrors", s.modelErrors());
      p.put("overload", s.overload());
      p.put("rssBytes", s.rssBytes());
      p.put("cpuCores", s.cpuCores());
      p.put("succeeded", s.succeeded());
      p.put("failed", s.failed());
    }
    return Page.json(200, root);
  }

  /** The closest known name within two edits, for a "did you mean". */
  private static java.util.Optional<String> suggest(
      String typed, java.util.Collection<String> known) {
    return known.stream()
        .filter(k -> io.gpux.spelling.EditDistance.between(typed, k) <= 2)
        .min(
            java.util.Comparator.comparingInt(
                k -> io.gpux.spelling.EditDistance.between(typed, k)));
  }

  /** Most points a chart gets: a week of minute rows would be 10,080, more than it has pixels. */
  static final int MAX_POINTS = 720;

  /**
   * Rows merged into at most {@link #MAX_POINTS} periods per version (counts and buckets add, so a
   * merged point's percentiles are those of its rows together).
   */
  static List<Sample> thin(List<Sample> rows, Duration range) {
    long width = Math.max(1, range.toSeconds() / MAX_POINTS);
    if (rows.size() <= MAX_POINTS) {
      return rows;
    }
    Map<String, Sample> merged = new LinkedHashMap<>();
    for (Sample s : rows) {
      long period = s.at().getEpochSecond() / width;
      merged.merge(s.version() + "\u0000" + period, s, History::merge);
    }
    return merged.values().stream().sorted(java.util.Comparator.comparing(Sample::at)).toList();
  }

  private static String names(Map<String, Instant> known) {
    return known.isEmpty() ? "no models yet" : String.join(", ", known.keySet());
  }

  private static void putMs(ObjectNode n, String field, double ms) {
    if (Double.isNaN(ms)) {
      n.putNull(field);
    } else {
      n.put(field, ms);
    }
  }

  /** Insights as JSON, each with its evidence and time range (the dashboard's link to it). */
  public static ArrayNode insightsJson(List<Insight> list) {
    ArrayNode out = Json.NODES.arrayNode();
    for (Insight i : list) {
      ObjectNode n = out.addObject();
      n.put("rule", i.rule());
      n.put("severity", i.severity().name().toLowerCase(java.util.Locale.ROOT));
      n.put("model", i.model());
      n.put("version", i.version());
      n.put("title", i.title());
      ArrayNode ev = n.putArray("evidence");
      i.evidence().forEach(ev::add);
      n.put("action", i.action());
      n.put("from", i.from() == null ? null : i.from().toString());
      n.put("to", i.to() == null ? null : i.to().toString());
    }
    return out;
  }

  private Page benchmarksJson(Map<String, String> q) {
    ArrayNode out = Json.NODES.arrayNode();
    for (BenchmarkTables.BenchmarkRow b : benchmarks.apply(q.get("model"))) {
      ObjectNode n = out.addObject();
      n.put("measuredAt", b.measuredAt().toString());
      n.put("model", b.model());
      n.put("provider", b.provider());
      n.put("batchSize", b.batchSize());
      n.put("meanMs", b.meanMs());
      n.put("p99Ms", b.p99Ms());
      n.put("throughputPerSecond", b.throughputPerSecond());
      n.put("cpuModel", b.machine() == null ? null : b.machine().cpuModel());
      n.put("cores", b.machine() == null ? 0 : b.machine().cores());
      n.put("ortVersion", b.machine() == null ? null : b.machine().ortVersion());
    }
    return Page.json(200, out);
  }

  /**
   * Server-sent events: the newest sample's time, then the stream ends with a {@code retry}, so the
   * browser's EventSource reconnects after it and hears of the next one. A stream per sample rather
   * than one held open keeps both servers free of long-lived responses.
   */
  private Page events() {
    Map<String, Instant> known = history.models();
    Instant newest = known.values().stream().max(Instant::compareTo).orElse(Instant.EPOCH);
    String body =
        "retry: "
            + sseRetry.toMillis()
            + "\nevent: sample\ndata: {\"newest\": \""
            + newest
            + "\", \"live\": "
            + live
            + "}\n\n";
    return new Page(200, "text/event-stream", body.getBytes(StandardCharsets.UTF_8));
  }
}
