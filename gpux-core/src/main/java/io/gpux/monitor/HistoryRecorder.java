package io.gpux.monitor;

import io.gpux.index.HistoryTables.Event;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.metrics.InferenceMetrics;
import io.gpux.metrics.ModelSample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Records {@code gpux serve}'s metrics into the {@link History} every interval, on a daemon thread
 * of its own: it reads the totals the metrics keep anyway ({@link InferenceMetrics#sample}), stores
 * their differences (one transaction per interval for every model), and applies the retention once
 * an hour. Requests never wait on it; a history that cannot be written is reported once through
 * {@code warn} and retried each interval while serving goes on.
 *
 * <p>A model name that gets a version it did not have (a restart on another version, {@code
 * --follow} moving it) is recorded as an event, which the regression insight compares across.
 */
public final class HistoryRecorder implements AutoCloseable {
  /** Options. {@code interval}: how often a sample is taken (a raw row's span). */
  public record Settings(Duration interval, Retention retention) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(5), Retention.DEFAULT);
  }

  private final History history;
  private final Supplier<List<ModelSample>> source;
  private final LongSupplier rejected;
  private final Settings settings;
  private final Clock clock;
  private final Consumer<String> warn;
  private final ProcessStats process = new ProcessStats();
  private final Map<List<String>, ModelSample> previous = new HashMap<>();
  private final Map<String, String> current = new HashMap<>();
  private final Map<String, String> references = new ConcurrentHashMap<>();
  private final Map<String, String> requestedProviders = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile java.util.function.Predicate<String> cannotBatch = name -> false;
  private long previousRejected;
  private Instant previousAt;
  private Instant lastCompaction = Instant.EPOCH;
  private boolean failing;
  private ScheduledExecutorService timer;

  public HistoryRecorder(
      History history,
      InferenceMetrics metrics,
      Settings settings,
      Clock clock,
      Consumer<String> warn) {
    this(history, metrics::sample, metrics::rejectedCount, settings, clock, warn);
  }

  HistoryRecorder(
      History history,
      Supplier<List<ModelSample>> source,
      LongSupplier rejected,
      Settings settings,
      Clock clock,
      Consumer<String> warn) {
    this.history = history;
    this.source = source;
    this.rejected = rejected;
    this.settings = settings;
    this.clock = clock;
    this.warn = warn;
  }

  /**
   * What a served model was given as (a local name {@code --follow} follows, say), and the provider
   * asked for (null: automatic), for the events the insights quote.
   */
  public void served(String model, String reference, String requestedProvider) {
    references.put(model, reference);
    if (requestedProvider != null) {
      requestedProviders.put(model, requestedProvider);
    }
  }

  /**
   * Which served model names cannot batch (a fixed first dimension): each version it is seen
   * serving is recorded with a {@link InsightRules#CANNOT_BATCH} event, which the cannot-batch
   * insight reads. Asked when a version first appears, so a version {@code --follow} brings in is
   * judged on its own.
   */
  public void cannotBatch(java.util.function.Predicate<String> model) {
    this.cannotBatch = model;
  }

  /** Called after each interval's rows are written (the dashboard's live updates). */
  public void onWrite(Runnable r) {
    listeners.add(r);
  }

  /** Starts sampling every interval; the first sample is the baseline. */
  public synchronized HistoryRecorder start() {
    tick();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gpux-history");
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
    long ms = settings.interval().toMillis();
    timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Takes one sample and writes what changed since the previous one (public for tests). */
  public synchronized void tick() {
    try {
      record();
      if (failing) {
        failing = false;
        warn.accept("gpux: monitoring history is being recorded again");
      }
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        warn.accept(
            "gpux: monitoring history not recorded ("
                + e.getMessage()
                + "); serving goes on, and recording is retried every "
                + Retention.text(settings.interval()));
      }
    }
  }

  private void record() {
    Instant now = clock.instant();
    List<ModelSample> samples = source.get();
    long rejectedNow = rejected.getAsLong();
    double cpu = process.cpuCores();
    long rss = process.rssBytes();
    long limit = process.memoryLimitBytes();
    List<Sample> rows = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    Map<String, String> lastStored = null;
    for (ModelSample s : samples) {
      if (s.provider() == null) {
        continue; // not loaded yet
      }
      List<String> key = List.of(s.name(), s.version());
      ModelSample before = previous.put(key, s);
      String was = current.get(s.name());
      if (before == null && !s.version().equals(was)) {
        if (was == null) {
          if (lastStored == null) {
            lastStored = lastStoredVersions();
          }
          was = lastStored.get(s.name());
        }
        boolean changed = was != null && !was.equals(s.version());
        current.put(s.name(), s.version());
        events.add(
            new Event(
                now,
                s.name(),
                changed ? "replaced" : "served",
                s.version(),
                changed ? was : null,
                references.get(s.name()),
                requestedProviders.get(s.name()),
                s.provider()));
        if (cannotBatch.test(s.name())) {
          events.add(
              new Event(
                  now,
                  s.name(),
                  InsightRules.CANNOT_BATCH,
                  s.version(),
                  null,
                  references.get(s.name()),
                  null,
                  s.provider()));
        }
      }
      if (previousAt == null) {
        continue; // the first sample is the baseline: the first difference comes next interval
      }
      if (before == null) {
        // A version that appeared since the last sample (a replacement) counted from zero: its
        // first requests came before this sample and belong to this interval.
        before = zero(s);
      }
      long requests = s.succeeded() + s.failed() - before.succeeded() - before.failed();
      if (requests == 0 && s.inflightPeak() == 0 && !s.version().equals(current.get(s.name()))) {
        continue; // a version replaced and drained: nothing more to say about it
      }
      rows.add(
          new Sample(
              (int) Math.max(1, settings.interval().toSeconds()),
              previousAt,
              s.name(),
              s.version(),
              s.provider(),
              Duration.between(previousAt, now).toMillis() / 1000.0,
              s.succeeded() - before.succeeded(),
              s.failed() - before.failed(),
              s.badInput() - before.badInput(),
              s.modelErrors() - before.modelErrors(),
              s.overload() - before.overload(),
              rejectedNow - previousRejected,
              Latency.minus(s.requestBuckets(), before.requestBuckets()),
              Latency.minus(s.queueBuckets(), before.queueBuckets()),
              Latency.minus(s.computeBuckets(), before.computeBuckets()),
              s.requestSeconds() - before.requestSeconds(),
              s.queueSeconds() - before.queueSeconds(),
              s.computeSeconds() - before.computeSeconds(),
              s.batches() - before.batches(),
              s.batchRows() - before.batchRows(),
              s.inflightPeak(),
              cpu,
              rss,
              limit));
    }
    previousAt = now;
    previousRejected = rejectedNow;
    for (Event e : events) {
      history.event(e);
    }
    history.write(rows);
    if (Duration.between(lastCompaction, now).toMinutes() >= 60) {
      history.compact(now, settings.retention());
      lastCompaction = now;
    }
    listeners.forEach(Runnable::run);
  }

  private static ModelSample zero(ModelSample s) {
    return new ModelSample(
        s.name(),
        s.version(),
        s.provider(),
        0,
        0,
        0,
        0,
        0,
        new long[s.requestBuckets().length],
        new long[s.queueBuckets().length],
        new long[s.computeBuckets().length],
        0,
        0,
        0,
        0,
        0,
        0);
  }

  /** The version each model name was last served at, in earlier runs. */
  private Map<String, String> lastStoredVersions() {
    Map<String, String> out = new HashMap<>();
    for (Event e : history.events()) {
      out.put(e.model(), e.version());
    }
    return out;
  }

  /** Stops sampling after one last sample, so the final interval is kept. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
      tick();
    }
  }
}
