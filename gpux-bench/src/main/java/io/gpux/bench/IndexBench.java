package io.gpux.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.index.IndexDatabase;
import io.gpux.index.TagTables;
import io.gpux.registry.PullOptions;
import io.gpux.testing.Postgres;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.transfer.TransferListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The index on SQLite against PostgreSQL (bench/index.sh): {@code gpux list} and {@code gpux
 * outdated --json} on a store of MODELS models from the test hub, the same store with its index in
 * each database, in interleaved rounds (each a fresh {@code bin/gpux} process), and {@code gpux
 * collection show} on a collection of all of them; then the cost of a write (one transaction moving
 * a tag) alone and with 4 writers at once, each on its own connection, as 4 processes would be.
 *
 * <p>Prints one JSON object of times in seconds (writes in milliseconds).
 */
public final class IndexBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IndexBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: IndexBench GPUX WORK_DIR MODELS ROUNDS");
      System.exit(2);
    }
    Path gpux = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    Path sqliteHome = work.resolve("home-sqlite");
    Path pgHome = work.resolve("home-postgres");
    deleteTree(sqliteHome);
    deleteTree(pgHome);
    Files.createDirectories(sqliteHome);
    byte[] model = Files.readAllBytes(Path.of("examples/digits/model.onnx"));
    Map<String, Object> out = new LinkedHashMap<>();
    try (Postgres pg = Postgres.start();
        FakeHfHub hub = FakeHfHub.start()) {
      for (int i = 0; i < count; i++) {
        hub.repo(String.format("bench/m%04d", i))
            .lfsFile("model.onnx", model)
            .file("README.md", "# model " + i + "\n")
            .commit("initial");
      }
      Map<String, String> env = new HashMap<>(System.getenv());
      env.remove("GPUX_INDEX_URL");
      env.put("HF_ENDPOINT", hub.url());
      env.put("GPUX_FSYNC", "1"); // blobs on disk now: no write-back checks in the timed runs
      Map<String, String> sqliteEnv = new HashMap<>(env);
      sqliteEnv.put("GPUX_HOME", sqliteHome.toString());
      long t0 = System.nanoTime();
      try (Gpux g = Gpux.open(work, settings(sqliteEnv))) {
        for (int i = 0; i < count; i++) {
          g.models()
              .pull(
                  String.format("hf:bench/m%04d", i),
                  PullOptions.defaults(),
                  TransferListener.NONE);
        }
      }
      out.put("fill_s", (System.nanoTime() - t0) / 1e9);
      // The same store with its index on PostgreSQL: the blobs and manifests copied, the index
      // rebuilt from the manifests by the store's first opening (an empty database is a lost
      // index).
      copyTree(sqliteHome, pgHome);
      for (String f : new String[] {"index.db", "index.db-wal", "index.db-shm"}) {
        Files.deleteIfExists(pgHome.resolve(f));
      }
      Map<String, String> pgEnv = new HashMap<>(env);
      pgEnv.put("GPUX_HOME", pgHome.toString());
      pgEnv.put("GPUX_INDEX_URL", pg.url(pg.newDatabase()));
      t0 = System.nanoTime();
      try (Gpux g = Gpux.open(work, settings(pgEnv))) {
        check(g.storage().list().size() == count, "the PostgreSQL index lists every model");
      }
      out.put("postgres_rebuild_s", (System.nanoTime() - t0) / 1e9);

      Map<String, Map<String, String>> sides = new LinkedHashMap<>();
      sides.put("sqlite", sqliteEnv);
      sides.put("postgres", pgEnv);
      // One collection of every model on each side (collections live only in the index, so the
      // rebuilt PostgreSQL index has none): added in one go, each pinned at its stored version.
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        refs.add(String.format("hf:bench/m%04d", i));
      }
      for (Map.Entry<String, Map<String, String>> side : sides.entrySet()) {
        t0 = System.nanoTime();
        try (Gpux g = Gpux.open(work, settings(side.getValue()))) {
          g.collections().create("all", "every model of the bench");
          g.collections().add("all", refs, null, false);
          check(g.collections().show("all").size() == count, "the collection holds every model");
        }
        out.put("collection_add_s_" + side.getKey(), (System.nanoTime() - t0) / 1e9);
      }
      for (String[] command :
          List.of(
              new String[] {"list"},
              new String[] {"outdated", "--json"},
              new String[] {"collection", "show", "all"})) {
        Map<String, List<Double>> times = new LinkedHashMap<>();
        sides.keySet().forEach(s -> times.put(s, new ArrayList<>()));
        run(sides.get("sqlite"), work, gpux, command); // warm the page cache and CDS archive
        for (int r = 0; r < rounds; r++) {
          List<String> order = new ArrayList<>(sides.keySet());
          Collections.rotate(order, r);
          for (String side : order) {
            long s = System.nanoTime();
            int exit = run(sides.get(side), work, gpux, command);
            times.get(side).add((System.nanoTime() - s) / 1e9);
            check(exit == 0, side + " gpux " + String.join(" ", command) + " exited " + exit);
          }
        }
        // Keyed by the command without its arguments: "list", "outdated", "collection show".
        out.put(command[0].equals("collection") ? "collection show" : command[0], times);
      }

      Map<String, Object> writes = new LinkedHashMap<>();
      Map<String, Map<String, String>> indexes = new LinkedHashMap<>();
      indexes.put("sqlite", Map.of());
      indexes.put("postgres", Map.of("GPUX_INDEX_URL", pg.url(pg.newDatabase())));
      for (Map.Entry<String, Map<String, String>> e : indexes.entrySet()) {
        Path file = work.resolve("writes-" + e.getKey() + ".db");
        Files.deleteIfExists(file);
        Map<String, Object> w = new LinkedHashMap<>();
        for (int writers : new int[] {1, 4}) {
          w.put(writers + "_writers", writes(file, e.getValue(), writers, 200));
        }
        writes.put(e.getKey(), w);
      }
      out.put("writes", writes);
      out.put("models", count);
      out.put("rounds", rounds);
    }
    System.out.println(MAPPER.writeValueAsString(out));
  }

  /**
   * {@code writers} threads, each on an index of its own (its own connection, as a process has),
   * each committing {@code each} tag moves; returns the median and 95th percentile latency of one
   * write (ms, waiting for the others included) and the writes per second of all together.
   */
  private static Map<String, Double> writes(
      Path file, Map<String, String> env, int writers, int each) throws Exception {
    List<IndexDatabase> dbs = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      dbs.add(IndexDatabase.open(file, env));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<List<Double>>> done = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        IndexDatabase db = dbs.get(w);
        String tag = "writer-" + w + "-" + writers;
        done.add(
            pool.submit(
                () -> {
                  TagTables tags = new TagTables(db);
                  List<Double> ms = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    String version = "v" + i;
                    long s = System.nanoTime();
                    db.transaction(
                        () -> tags.move("hf", "bench/w", tag, version, Instant.now(), "pulled"));
                    ms.add((System.nanoTime() - s) / 1e6);
                  }
                  return ms;
                }));
      }
      List<Double> all = new ArrayList<>();
      for (Future<List<Double>> f : done) {
        all.addAll(f.get());
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      Collections.sort(all);
      Map<String, Double> r = new LinkedHashMap<>();
      r.put("median_ms", all.get(all.size() / 2));
      r.put("p95_ms", all.get((int) (all.size() * 0.95)));
      r.put("writes_per_s", all.size() / wall);
      return r;
    } finally {
      pool.shutdownNow();
      dbs.forEach(IndexDatabase::close);
    }
  }

  private static GpuxSettings settings(Map<String, String> env) {
    return GpuxSettings.fromEnvironment(env, Path.of(System.getProperty("user.home")));
  }

  private static int run(Map<String, String> env, Path cwd, Path gpux, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(gpux.toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " took over 600 s");
    }
    return p.exitValue();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      s.sorted(Collections.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
