package io.gpux.discover;

import io.gpux.error.GpuxException;
import io.gpux.index.SearchCacheTables.CachedAnswer;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.Registries;
import io.gpux.registry.Registry;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.spelling.EditDistance;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code gpux search} across registries: each registry is asked on its own thread with its own
 * timeout (a slow one costs its timeout, not the others' answers), fresh answers come from the
 * index's cache instead, and the hits are mapped, filtered, merged and ranked by {@link Ranking}.
 */
public final class CrossSearch {
  /** How long a registry may take by default ({@code GPUX_SEARCH_TIMEOUT} overrides it). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a cached answer is used instead of asking again. */
  public static final Duration DEFAULT_CACHE_FOR = Duration.ofMinutes(5);

  private final Registries registries;
  private final Supplier<ModelStore> store;
  private final TaskVocabulary vocabulary;
  private final Clock clock;
  private final Duration timeout;
  private final Duration cacheFor;
  private final boolean offline;

  public CrossSearch(
      Registries registries,
      Supplier<ModelStore> store,
      TaskVocabulary vocabulary,
      Clock clock,
      Duration timeout,
      Duration cacheFor,
      boolean offline) {
    this.registries = registries;
    this.store = store;
    this.vocabulary = vocabulary;
    this.clock = clock;
    this.timeout = timeout;
    this.cacheFor = cacheFor;
    this.offline = offline;
  }

  public SearchResult search(DiscoverQuery query) {
    DiscoverQuery q =
        query.task() == null ? query : query.withTask(vocabulary.require(query.task()));
    List<String> names = chosen(q.registries());
    if (offline) {
      return offlineSearch(q, names);
    }
    Map<String, Searchable> able = new LinkedHashMap<>();
    List<SearchResult.Failure> failures = new ArrayList<>();
    boolean all = q.registries().isEmpty() || q.registries().contains("all");
    for (String name : names) {
      try {
        Registry r = registries.get(name);
        if (r instanceof Searchable s && (!all || s.searchedByDefault())) {
          able.put(name, s);
        } else if (!all) {
          failures.add(new SearchResult.Failure(name, "the " + name + " registry cannot search"));
        }
      } catch (GpuxException notConfigured) {
        if (!all) {
          failures.add(new SearchResult.Failure(name, reason(notConfigured)));
        }
      }
    }
    if (able.isEmpty() && failures.isEmpty()) {
      throw GpuxException.invalidInput(
          "no registry is configured to be searched",
          "set HF_ENDPOINT, MLFLOW_TRACKING_URI, WANDB_PROJECT or KAGGLE_API_ENDPOINT, or name one"
              + " with --registry (installed: "
              + String.join(", ", registries.canonicalNames())
              + ")");
    }
    ModelStore cache = openCache();
    Map<String, List<ModelSummary>> answers = new LinkedHashMap<>();
    Map<String, Boolean> cached = new LinkedHashMap<>();
    Map<String, Future<List<ModelSummary>>> asked = new LinkedHashMap<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, able.size()),
            r -> {
              Thread t = new Thread(r, "gpux-search");
              t.setDaemon(true); // a registry stuck past its timeout never holds the process
              return t;
            });
    try {
      for (Map.Entry<String, Searchable> e : able.entrySet()) {
        SearchQuery sent = q.forRegistry(e.getKey(), vocabulary);
        Optional<List<ModelSummary>> fresh = fresh(cache, e.getKey(), sent);
        if (fresh.isPresent()) {
          answers.put(e.getKey(), fresh.get());
          cached.put(e.getKey(), true);
        } else {
          asked.put(e.getKey(), pool.submit(() -> e.getValue().search(sent)));
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Map.Entry<String, Future<List<ModelSummary>>> e : asked.entrySet()) {
        String name = e.getKey();
        try {
          List<ModelSummary> hits =
              e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          answers.put(name, hits);
          cached.put(name, false);
          keep(cache, name, q.forRegistry(name, vocabulary), hits);
        } catch (TimeoutException late) {
          e.getValue().cancel(true);
          failures.add(
              new SearchResult.Failure(name, "no answer within " + seconds(timeout) + " s"));
        } catch (ExecutionException failed) {
          failures.add(new SearchResult.Failure(name, reason(failed.getCause())));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw GpuxException.unavailable("the search was interrupted", "run it again");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> searched = new ArrayList<>(able.keySet());
    failures.forEach(f -> searched.remove(f.registry()));
    searched.addAll(failures.stream().map(SearchResult.Failure::registry).toList());
    List<Candidate> found = new ArrayList<>();
    for (Map.Entry<String, List<ModelSummary>> e : answers.entrySet()) {
      for (ModelSummary s : e.getValue()) {
        found.add(Candidate.of(s, vocabulary.taskOf(s), cached.get(e.getKey())));
      }
    }
    return new SearchResult(Ranking.rank(found, q, vocabulary), searched, failures, false);
  }

  /** The registries named (each checked), or every installed one. */
  private List<String> chosen(List<String> named) {
    if (named.isEmpty() || named.contains("all")) {
      return new ArrayList<>(registries.canonicalNames());
    }
    List<String> out = new ArrayList<>();
    for (String n : named) {
      String name = n.trim().toLowerCase(Locale.ROOT);
      if (!registries.has(name)) {
        String close =
            registries.canonicalNames().stream()
                .min(java.util.Comparator.comparingInt(c -> EditDistance.between(name, c)))
                .filter(c -> EditDistance.between(name, c) <= 2)
                .map(c -> "did you mean " + c + "? ")
                .orElse("");
        throw GpuxException.invalidInput(
            "unknown registry '" + n + "'",
            close + "registries: " + String.join(", ", registries.canonicalNames()) + ", or all");
      }
      String canonical = registries.get(name).name();
      if (!out.contains(canonical)) {
        out.add(canonical);
      }
    }
    return out;
  }

  /**
   * {@code GPUX_OFFLINE=1}: the index only, the models in the store and the answers cached from
   * earlier searches (however old), the same filters and ranking. A stored model takes what a
   * cached answer says of it (task, accuracy, license) and otherwise what its lineage recorded at
   * pull time: a bare manifest has no task, and a task filter (recommend's) would drop it.
   */
  private SearchResult offlineSearch(DiscoverQuery q, List<String> names) {
    boolean all = q.registries().isEmpty() || q.registries().contains("all");
    List<Candidate> found = new ArrayList<>();
    ModelStore s = openCache();
    if (s != null) {
      Map<String, ModelSummary> cached = new LinkedHashMap<>();
      for (CachedAnswer a : s.cachedSearches()) {
        if (all || names.contains(a.registry())) {
          for (ModelSummary m : SummaryCodec.decode(a.answer())) {
            if (Ranking.textMatches(q.text(), m.name(), String.join(" ", m.tags()))) {
              cached.putIfAbsent(m.reference(), m);
            }
          }
        }
      }
      for (VersionManifest m : s.list()) {
        if ((all || names.contains(m.registry())) && Ranking.textMatches(q.text(), m.name(), "")) {
          String ref = m.registry() + ":" + m.name();
          ModelSummary known = cached.remove(ref);
          Map<String, Object> extras = new LinkedHashMap<>();
          if (known != null) {
            extras.putAll(known.extras());
          }
          extras.put("stored", List.of(m.version()));
          ModelSummary summary =
              new ModelSummary(
                  m.registry(),
                  m.name(),
                  ref,
                  known != null ? known.task() : lineageTask(m.lineage()),
                  known != null ? known.license() : m.lineage().get("license"),
                  m.name().contains("/") ? m.name().substring(0, m.name().indexOf('/')) : null,
                  m.sizeBytes(),
                  m.files().stream().anyMatch(f -> f.path().endsWith(".onnx")) ? "onnx" : null,
                  m.pulledAt(),
                  known != null ? known.tags() : List.of(),
                  extras);
          found.add(Candidate.of(summary, vocabulary.taskOf(summary), false));
        }
      }
      for (ModelSummary m : cached.values()) {
        found.add(Candidate.of(m, vocabulary.taskOf(m), true));
      }
    }
    return new SearchResult(Ranking.rank(found, q, vocabulary), List.of("index"), List.of(), true);
  }

  /** The task a pull recorded in the lineage (Hugging Face's pipeline_tag, a task tag). */
  private String lineageTask(Map<String, String> lineage) {
    for (Map.Entry<String, String> e : lineage.entrySet()) {
      String k = e.getKey().toLowerCase(Locale.ROOT);
      String last = k.substring(k.lastIndexOf('.') + 1);
      if (last.equals("pipeline_tag") || last.equals("task")) {
        String t = vocabulary.lookup(e.getValue());
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  private ModelStore openCache() {
    try {
      return store.get();
    } catch (GpuxException unusable) {
      return null; // a search works without its cache
    }
  }

  private Optional<List<ModelSummary>> fresh(ModelStore cache, String registry, SearchQuery q) {
    if (cache == null || cacheFor.isZero()) {
      return Optional.empty();
    }
    return cache
        .cachedSearch(registry, SummaryCodec.key(q))
        .filter(a -> !a.fetchedAt().plus(cacheFor).isBefore(clock.instant()))
        .map(a -> SummaryCodec.decode(a.answer()));
  }

  private void keep(ModelStore cache, String registry, SearchQuery q, List<ModelSummary> hits) {
    if (cache == null) {
      return;
    }
    try {
      cache.cacheSearch(
          new CachedAnswer(
              registry, SummaryCodec.key(q), clock.instant(), SummaryCodec.encode(hits)));
    } catch (GpuxException notKept) {
      // A full or read-only index costs the cache, not the answer.
    }
  }

  private static String reason(Throwable t) {
    if (t instanceof GpuxException g) {
      return g.getMessage() + (g.hint() == null || g.hint().isBlank() ? "" : " (" + g.hint() + ")");
    }
    return t.toString();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? Long.toString(d.toSeconds())
        : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }
}
