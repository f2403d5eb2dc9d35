package io.gpux.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.index.BenchmarkTables.BenchmarkRow;
import io.gpux.index.HistoryTables.Event;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.index.SearchCacheTables.CachedAnswer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index's contract, on SQLite and on a real PostgreSQL alike: every table class (versions,
 * tags, monitoring history, benchmarks, search cache, collections and their items, workspaces with
 * their settings and versions), the migrations and transactions behave the same on both, including
 * text order (timestamps as fixed-width text) and what each workspace keeps apart.
 */
class IndexContractTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  private static VersionRow row(String name, String version, Instant at) {
    return new VersionRow(
        "hf",
        name,
        version,
        "main",
        at,
        "http://hub",
        3,
        "manifests/" + name + "/" + version + ".json",
        List.of(
            new VersionRow.FileRow("model.onnx", "a".repeat(64), 3),
            new VersionRow.FileRow("config.json", "b".repeat(64), 1)));
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void migrationsAreAllAppliedOnceAndANewerSchemaIsRefused(IndexBackend backend) throws Exception {
    IndexBackend.Target t = backend.fresh(dir);
    try (IndexDatabase db = t.open()) {
      assertTrue(db.opened().lost(), "a new database has nothing to recover from");
      assertEquals(Migrations.LATEST, db.schemaVersion());
      assertEquals(
          Arrays.stream(Migrations.FILES).map(Migrations::number).toList(),
          db.query("SELECT version FROM schema_version ORDER BY version", r -> r.getInt(1)));
    }
    try (IndexDatabase db = t.open()) {
      assertFalse(db.opened().lost());
      assertFalse(db.opened().stale());
    }
    t.sql("INSERT INTO schema_version (version, applied_at) VALUES (999, 'later')");
    GpuxException e = assertThrows(GpuxException.class, t::open);
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(e.getMessage().contains("newer GPUX (schema 999"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void aFailedTransactionLeavesNothingBehindAndNestedWorkJoinsTheOuterOne(IndexBackend backend)
      throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      VersionTables versions = new VersionTables(db);
      TagTables tags = new TagTables(db);
      assertThrows(
          IllegalStateException.class,
          () ->
              db.transaction(
                  () -> {
                    versions.insert(row("org/m", "v1", T0));
                    db.transaction(() -> tags.move("hf", "org/m", "main", "v1", T0));
                    throw new IllegalStateException("fails after both writes");
                  }));
      assertFalse(versions.contains("hf", "org/m", "v1"));
      assertTrue(tags.tagged("hf", "org/m", "main").isEmpty());
      // A statement that breaks a unique key fails the whole transaction, and the index is usable.
      assertThrows(
          GpuxException.class,
          () ->
              db.transaction(
                  () -> {
                    versions.insert(row("org/m", "v1", T0));
                    db.exec("INSERT INTO models (registry, name) VALUES ('hf', 'org/m')");
                  }));
      assertFalse(versions.contains("hf", "org/m", "v1"));
      db.transaction(() -> versions.insert(row("org/m", "v1", T0)));
      assertTrue(versions.contains("hf", "org/m", "v1"));
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void versionsReadBackNewestFirstAndModelsSorted(IndexBackend backend) throws Exception {
    IndexBackend.Target t = backend.fresh(dir);
    try (IndexDatabase db = t.open()) {
      VersionTables versions = new VersionTables(db);
      db.transaction(
          () -> {
            versions.insert(row("org/m", "v1", T0));
            // Half a second later: fixed-width text still sorts as time.
            versions.insert(row("org/m", "v2", T0.plusMillis(500)));
            versions.insert(row("org/m", "v0", T0.minusSeconds(3600)));
            versions.insert(row("Org/B", "v1", T0));
            versions.insert(row("org/a-b", "v1", T0));
            versions.insert(row("org/a_b", "v1", T0));
          });
    }
    try (IndexDatabase db = t.open()) {
      VersionTables versions = new VersionTables(db);
      assertEquals(List.of("v2", "v1", "v0"), versions.versions("hf", "org/m"));
      // Code-point order on both databases (the same as gpux list on either).
      assertEquals(
          List.of("Org/B", "org/a-b", "org/a_b", "org/m"),
          versions.models().stream().map(m -> m.get(1)).toList());
      assertEquals(
          List.of("manifests/org/m/v2.json", "manifests/org/m/v1.json", "manifests/org/m/v0.json"),
          versions.manifestPaths("hf", "org/m"));
      assertEquals(6, versions.manifestPaths(null, null).size());
      db.transaction(
          () -> {
            versions.delete("hf", "Org/B", "v1");
            versions.dropModelIfEmpty("hf", "Org/B");
            versions.dropModelIfEmpty("hf", "org/m"); // still has versions: stays
          });
      assertEquals(
          List.of("hf|org/a-b", "hf|org/a_b", "hf|org/m"),
          db.query(
              "SELECT registry, name FROM models ORDER BY registry, name",
              r -> r.getString(1) + "|" + r.getString(2)));
      assertEquals(
          List.of("a".repeat(64), "b".repeat(64)),
          db.strings(
              "SELECT sha256 FROM version_files WHERE name = ? AND version = ? ORDER BY sha256",
              "org/m",
              "v2"));
      db.transaction(versions::clear);
      assertTrue(versions.models().isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void versionsAreScopedToWorkspacesAndOneWorkspacesRowsNeverTouchAnothers(IndexBackend backend)
      throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      WorkspaceTables workspaces = new WorkspaceTables(db);
      db.transaction(() -> workspaces.create("team-a", T0));
      VersionTables dflt = new VersionTables(db);
      VersionTables teamA = new VersionTables(db, "team-a");
      TagTables dfltTags = new TagTables(db);
      TagTables teamATags = new TagTables(db, "team-a");
      db.transaction(
          () -> {
            dflt.insert(row("org/m", "v1", T0));
            teamA.insert(row("org/m", "v1", T0.plusSeconds(5)));
            teamA.insert(row("org/m", "v2", T0.plusSeconds(6)));
            dfltTags.move("hf", "org/m", "main", "v1", T0);
            teamATags.move("hf", "org/m", "main", "v2", T0);
          });
      assertEquals(List.of("v1"), dflt.versions("hf", "org/m"));
      assertEquals(List.of("v2", "v1"), teamA.versions("hf", "org/m"));
      assertEquals(List.of("team-a"), dflt.elsewhere("hf", "org/m", null));
      assertEquals(List.of("team-a"), dflt.elsewhere("hf", "org/m", "v2"));
      assertEquals(List.of("default"), teamA.elsewhere("hf", "org/m", "v1"));
      assertEquals(
          List.of(1, 2),
          workspaces.all().stream().map(WorkspaceTables.WorkspaceRow::versions).toList());
      assertEquals(
          List.of(2, 4),
          db.query(
              "SELECT COUNT(*) FROM version_files GROUP BY workspace ORDER BY workspace",
              r -> r.getInt(1)),
          "each workspace's files under its own key");
      // Removing default's v1 leaves team-a's, and team-a's tag.
      db.transaction(
          () -> {
            dflt.delete("hf", "org/m", "v1");
            dfltTags.deleteDangling();
            dflt.dropModelIfEmpty("hf", "org/m");
          });
      assertTrue(dflt.versions("hf", "org/m").isEmpty());
      assertTrue(dfltTags.tagged("hf", "org/m", "main").isEmpty());
      assertEquals("v2", teamATags.tagged("hf", "org/m", "main").orElseThrow());
      assertTrue(teamA.contains("hf", "org/m", "v1"));
      assertEquals(
          List.of("hf org/m"),
          db.strings("SELECT registry || ' ' || name FROM models"),
          "the model stays while a workspace has it");
      db.transaction(() -> workspaces.delete("team-a"));
      assertTrue(teamA.versions("hf", "org/m").isEmpty());
      assertEquals(List.of(), db.strings("SELECT name FROM models"));
    }
  }

  /** V11 on both databases: V8's claims become each workspace's rows, unclaimed ones default's. */
  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void v11TurnsEachClaimIntoTheWorkspacesOwnVersion(IndexBackend backend) throws Exception {
    IndexBackend.Target t = backend.fresh(dir);
    t.sql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    for (String m : Migrations.FILES) {
      if (Migrations.number(m) >= 10) {
        break;
      }
      for (String sql : Migrations.statements(m)) {
        t.sql(sql);
      }
      t.sql("INSERT INTO schema_version VALUES (" + Migrations.number(m) + ", '2026-01-01')");
    }
    t.sql("INSERT INTO workspaces VALUES ('team-a', '2026-01-01T00:00:00.000000000Z')");
    for (String v : List.of("v1", "v2", "v3")) {
      t.sql(
          "INSERT INTO versions VALUES ('hf', 'org/m', '"
              + v
              + "', 'main', '2026-01-01T00:00:00.000000000Z', 'src', 1,"
              + " 'manifests/hf/org/m/@"
              + v
              + ".json')");
      t.sql(
          "INSERT INTO version_files VALUES ('hf', 'org/m', '"
              + v
              + "', 'model.onnx', '"
              + "a".repeat(64)
              + "', 1)");
    }
    t.sql(
        "INSERT INTO workspace_versions VALUES ('default', 'hf', 'org/m', 'v1', 't'),"
            + " ('team-a', 'hf', 'org/m', 'v1', 't'), ('team-a', 'hf', 'org/m', 'v2', 't')");
    try (IndexDatabase db = t.open()) {
      assertEquals(Migrations.LATEST, db.schemaVersion());
      assertEquals(List.of("v1", "v3"), sorted(new VersionTables(db).versions("hf", "org/m")));
      assertEquals(
          List.of("v1", "v2"), sorted(new VersionTables(db, "team-a").versions("hf", "org/m")));
      assertEquals(
          4,
          db.query("SELECT COUNT(*) FROM version_files", r -> r.getInt(1)).get(0),
          "each workspace's rows have their files");
      assertEquals(
          List.of("team-a v1 manifests/hf/org/m/@v1.json", "team-a v2 manifests/hf/org/m/@v2.json"),
          new VersionTables(db)
              .outsideDefault().stream()
                  .map(r -> r.get(0) + " " + r.get(3) + " " + r.get(4))
                  .toList(),
          "team-a's rows still name the shared files, which the store copies");
    }
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void tagsMovePinAndKeepTheirHistoryInOrder(IndexBackend backend) throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      VersionTables versions = new VersionTables(db);
      TagTables tags = new TagTables(db);
      db.transaction(
          () -> {
            versions.insert(row("org/m", "v1", T0));
            versions.insert(row("org/m", "v2", T0.plusSeconds(1)));
            assertTrue(tags.move("hf", "org/m", "main", "v1", T0, TagTables.PULLED));
            assertFalse(tags.move("hf", "org/m", "main", "v1", T0, TagTables.PULLED));
            // Two moves with the same timestamp keep their order (the sequence number).
            tags.move("hf", "org/m", "main", "v2", T0.plusSeconds(2), TagTables.UPDATED);
            tags.move("hf", "org/m", "main", "v1", T0.plusSeconds(2), TagTables.ROLLED_BACK);
            tags.move("hf", "org/m", "stable", "v2", T0, TagTables.PULLED);
            tags.pin("hf", "org/m", "stable", T0);
          });
      assertEquals("v1", tags.tagged("hf", "org/m", "main").orElseThrow());
      assertEquals(List.of("main"), tags.tagsOf("hf", "org/m", "v1"));
      List<TagMove> moves = tags.history("hf", "org/m", "main");
      assertEquals(List.of("v1", "v2", "v1"), moves.stream().map(TagMove::version).toList());
      assertEquals(
          List.of(TagTables.PULLED, TagTables.UPDATED, TagTables.ROLLED_BACK),
          moves.stream().map(TagMove::action).toList());
      assertEquals("v2", moves.get(2).previousVersion());
      List<TagTables.TagRow> all = tags.all(null, null);
      assertEquals(List.of("main", "stable"), all.stream().map(TagTables.TagRow::tag).toList());
      assertEquals(List.of(false, true), all.stream().map(TagTables.TagRow::pinned).toList());
      assertEquals(T0.plusSeconds(2), all.get(0).updatedAt());
      assertTrue(tags.pinned("hf", "org/m", "stable"));
      db.transaction(
          () -> {
            assertTrue(tags.unpin("hf", "org/m", "stable"));
            assertFalse(tags.unpin("hf", "org/m", "stable"));
            tags.pin("hf", "org/m", "stable", T0);
            // Dropping a version drops its tags and their pins.
            versions.delete("hf", "org/m", "v2");
            tags.deleteFor("hf", "org/m", "v2");
          });
      assertFalse(tags.pinned("hf", "org/m", "stable"));
      assertEquals(List.of("main"), tags.all("hf", "org/m").stream().map(r -> r.tag()).toList());
      db.transaction(
          () -> {
            versions.delete("hf", "org/m", "v1");
            tags.deleteDangling();
          });
      assertTrue(tags.all(null, null).isEmpty());
    }
  }

  private static Sample sample(int resolution, Instant at, String model, long succeeded) {
    return new Sample(
        resolution,
        at,
        model,
        "v1",
        "cpu",
        10.0,
        succeeded,
        1,
        0,
        0,
        0,
        0,
        new long[] {1, 2, 3},
        new long[] {0, 0, 1},
        new long[] {4, 0, 0},
        0.25,
        0.01,
        0.2,
        5,
        9,
        2,
        0.5,
        1L << 33,
        1L << 34);
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void monitoringHistoryRowsReplaceSumAndRollUp(IndexBackend backend) throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      HistoryTables h = new HistoryTables(db);
      h.put(
          List.of(
              sample(10, T0, "m", 3),
              sample(10, T0.plusSeconds(10), "m", 4),
              sample(10, T0.plusSeconds(10), "n", 7)));
      h.put(List.of(sample(10, T0, "m", 5))); // same key: replaces
      assertEquals(3, h.count());
      List<Sample> m = h.between(T0, T0.plusSeconds(60), "m");
      assertEquals(List.of(5L, 4L), m.stream().map(Sample::succeeded).toList());
      assertEquals(List.of(1L, 2L, 3L), Arrays.stream(m.get(0).requestBuckets()).boxed().toList());
      assertEquals(1L << 33, m.get(0).rssBytes());
      List<HistoryTables.Totals> totals = h.totals(T0, T0.plusSeconds(60));
      assertEquals(List.of("m", "n"), totals.stream().map(HistoryTables.Totals::model).toList());
      assertEquals(9, totals.get(0).succeeded());
      assertEquals(20.0, totals.get(0).seconds(), 1e-9);
      assertEquals(T0.plusSeconds(10), totals.get(0).lastAt());
      assertEquals(List.of("m", "n"), h.models().stream().map(r -> r[0]).toList());
      db.transaction(() -> h.deleteBefore(10, T0.plusSeconds(5)));
      assertEquals(2, h.all().size());
      assertEquals(
          1,
          h.tierBefore(10, T0.plusSeconds(11)).stream().filter(s -> s.model().equals("m")).count());
      h.event(new Event(T0, "m", "served", "v1", null, "hf:org/m", null, "cpu"));
      h.event(new Event(T0.plusSeconds(1), "m", "replaced", "v2", "v1", "hf:org/m", "cuda", "cpu"));
      List<Event> events = h.events();
      assertEquals(List.of("served", "replaced"), events.stream().map(Event::kind).toList());
      assertEquals(null, events.get(0).previous());
      assertEquals("cuda", events.get(1).requestedProvider());
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void benchmarksKeepTheirMachineOrNone(IndexBackend backend) throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      BenchmarkTables b = new BenchmarkTables(db);
      BenchmarkRow plain =
          new BenchmarkRow(
              T0,
              "hf:org/m",
              "model.onnx",
              "cpu",
              8,
              2,
              10,
              1.5,
              1.4,
              2.0,
              2.5,
              1.0,
              3.0,
              533.3,
              "0.1.0",
              null,
              "batch benchmark");
      db.transaction(
          () -> {
            b.insert(plain);
            b.insert(
                new BenchmarkRow(
                        T0.plusSeconds(1),
                        "hf:org/m",
                        "model.onnx",
                        "cuda",
                        1L << 31,
                        2,
                        10,
                        0.5,
                        0.4,
                        0.6,
                        0.7,
                        0.3,
                        0.9,
                        2000.0,
                        "0.1.0",
                        null,
                        "batch benchmark")
                    .withMachine(new BenchmarkTables.Machine("Xeon", 16, "1.22.0"), "local"));
            b.insert(
                new BenchmarkRow(
                    T0,
                    "hf:other",
                    null,
                    "cpu",
                    1,
                    0,
                    1,
                    1,
                    1,
                    1,
                    1,
                    1,
                    1,
                    1,
                    "0.1.0",
                    null,
                    "batch benchmark"));
          });
      List<BenchmarkRow> rows = b.list("hf:org/m");
      assertEquals(2, rows.size());
      assertEquals(plain, rows.get(0));
      assertEquals(new BenchmarkTables.Machine("Xeon", 16, "1.22.0"), rows.get(1).machine());
      assertEquals(1L << 31, rows.get(1).batchSize());
      assertEquals("local", rows.get(1).source());
      assertEquals(3, b.list(null).size());
      // The primary key: one measurement per time, model, provider, batch size and source (V9).
      assertThrows(GpuxException.class, () -> db.transaction(() -> b.insert(plain)));
    }
  }

  private static BenchmarkRow bench(String model, String provider, double meanMs) {
    return new BenchmarkRow(
        T0,
        model,
        "model.onnx",
        provider,
        1,
        2,
        10,
        meanMs,
        meanMs,
        meanMs,
        meanMs,
        meanMs,
        meanMs,
        1000 / meanMs,
        "0.1.0",
        null,
        "batch benchmark");
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void monitoringHistoryAndBenchmarksStayInTheirWorkspace(IndexBackend backend) throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      db.transaction(() -> new WorkspaceTables(db).create("team-a", T0));
      HistoryTables def = new HistoryTables(db);
      HistoryTables a = new HistoryTables(db, "team-a");
      // The same model, version, tier and start in both: two rows, one per workspace.
      def.put(List.of(sample(10, T0, "m", 3), sample(10, T0.plusSeconds(10), "n", 1)));
      a.put(List.of(sample(10, T0, "m", 40)));
      assertEquals(2, def.count());
      assertEquals(1, a.count());
      assertEquals(
          List.of(3L),
          def.between(T0, T0.plusSeconds(5), "m").stream().map(Sample::succeeded).toList());
      assertEquals(
          List.of(40L),
          a.between(T0, T0.plusSeconds(60), null).stream().map(Sample::succeeded).toList());
      assertEquals(List.of("m"), a.models().stream().map(r -> r[0]).toList());
      assertEquals(List.of("m", "n"), def.models().stream().map(r -> r[0]).toList());
      assertEquals(40, a.totals(T0, T0.plusSeconds(60)).get(0).succeeded());
      assertEquals(3, def.totals(T0, T0.plusSeconds(60)).get(0).succeeded());
      assertEquals(1, a.requestBuckets(T0, T0.plusSeconds(60)).size());
      assertEquals(List.of(10), a.resolutionsBelow(60));
      // Events of the same model, instant and kind: one per workspace.
      def.event(new Event(T0, "m", "served", "v1", null, "hf:org/m", null, "cpu"));
      a.event(new Event(T0, "m", "served", "v1", null, "hf:org/m@team", null, "cpu"));
      assertEquals(List.of("hf:org/m@team"), a.events().stream().map(Event::reference).toList());
      assertEquals(List.of("hf:org/m"), def.events().stream().map(Event::reference).toList());
      // Retention within one workspace rolls up and drops its own rows only.
      try (io.gpux.monitor.History h = new io.gpux.monitor.History(a)) {
        h.compact(
            T0.plus(java.time.Duration.ofDays(400)),
            new io.gpux.monitor.Retention(
                java.time.Duration.ofHours(1),
                java.time.Duration.ofHours(1),
                java.time.Duration.ofHours(1)));
      }
      assertEquals(0, a.count());
      assertEquals(2, def.count());
      try (io.gpux.monitor.History h = new io.gpux.monitor.History(def)) {
        h.compact(
            T0.plus(java.time.Duration.ofHours(3)),
            new io.gpux.monitor.Retention(
                java.time.Duration.ofHours(1),
                java.time.Duration.ofDays(1),
                java.time.Duration.ofDays(1)));
      }
      assertEquals(List.of(60, 60), def.all().stream().map(Sample::resolution).toList());
      assertEquals(List.of(3L, 1L), def.all().stream().map(Sample::succeeded).toList());
      // Benchmarks: the same key in two workspaces, each reads its own.
      BenchmarkTables bd = new BenchmarkTables(db);
      BenchmarkTables ba = new BenchmarkTables(db, "team-a");
      db.transaction(
          () -> {
            bd.insert(bench("hf:org/m", "cpu", 2.0));
            ba.insert(bench("hf:org/m", "cpu", 5.0));
          });
      assertEquals(List.of(2.0), bd.list(null).stream().map(BenchmarkRow::meanMs).toList());
      assertEquals(List.of(5.0), ba.list("hf:org/m").stream().map(BenchmarkRow::meanMs).toList());
      // Deleting a workspace drops its history with it, and leaves the others'.
      a.put(List.of(sample(10, T0, "m", 40)));
      db.transaction(() -> new WorkspaceTables(db).delete("team-a"));
      assertEquals(0, a.count());
      assertTrue(a.events().isEmpty());
      assertTrue(ba.list(null).isEmpty());
      assertEquals(2, def.count());
      assertEquals(1, def.events().size());
      assertEquals(1, bd.list(null).size());
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void historyAndBenchmarksFromBeforeWorkspacesMoveIntoDefault(IndexBackend backend)
      throws Exception {
    IndexBackend.Target t = backend.fresh(dir);
    t.sql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    StringBuilder script = new StringBuilder();
    for (String m : Migrations.FILES) {
      if (Migrations.number(m) >= 10) {
        break;
      }
      for (String sql : Migrations.statements(m)) {
        script.append(sql).append(";\n");
      }
      script
          .append("INSERT INTO schema_version VALUES (")
          .append(Migrations.number(m))
          .append(", '2026-01-01');\n");
    }
    String at = IndexDatabase.time(T0);
    script.append(
        "INSERT INTO monitor_samples VALUES (10, '"
            + at
            + "', 'm', 'v1', 'cpu', 10, 7, 0, 0, 0, 0, 0, '1,2', '0,0', '3,0', 0.1, 0, 0.1, 1,"
            + " 1, 1, 0.5, 100, 200);\n");
    script.append(
        "INSERT INTO monitor_events VALUES ('"
            + at
            + "', 'm', 'served', 'v1', NULL, 'hf:org/m', NULL, 'cpu');\n");
    script.append(
        "INSERT INTO benchmarks (measured_at, model, provider, batch_size, warmup, runs, mean_ms,"
            + " median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version,"
            + " source) VALUES ('"
            + at
            + "', 'm', 'cpu', 1, 1, 5, 1, 1, 1, 1, 1, 1, 1000, '0.1.0', 'batch run')");
    sqlScript(t, script.toString());
    try (IndexDatabase db = t.open()) {
      assertEquals(Migrations.LATEST, db.schemaVersion());
      HistoryTables def = new HistoryTables(db);
      assertEquals(List.of(7L), def.all().stream().map(Sample::succeeded).toList());
      assertEquals(
          List.of(1L, 2L), Arrays.stream(def.all().get(0).requestBuckets()).boxed().toList());
      assertEquals(List.of("served"), def.events().stream().map(Event::kind).toList());
      assertEquals(
          List.of("batch run"),
          new BenchmarkTables(db).list("m").stream().map(BenchmarkRow::source).toList());
      assertEquals(0, new HistoryTables(db, "other").count());
      assertTrue(new BenchmarkTables(db, "other").list(null).isEmpty());
    }
  }

  private static CollectionTables.ItemRow item(String name, String version, String note) {
    String reference = "hf:" + name + (version == null ? "@main" : "@" + version);
    return new CollectionTables.ItemRow(
        reference, 0, "hf", name, version, version == null, "hf:" + name, note, T0);
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void collectionsKeepTheirItemsInOrderWithinTheirWorkspace(IndexBackend backend) throws Exception {
    IndexBackend.Target t = backend.fresh(dir);
    try (IndexDatabase db = t.open()) {
      db.transaction(() -> new WorkspaceTables(db).create("team-a", T0));
      CollectionTables def = new CollectionTables(db, WorkspaceTables.DEFAULT);
      CollectionTables a = new CollectionTables(db, "team-a");
      db.transaction(
          () -> {
            def.create("vision", "image models", null, T0);
            // The same name in another workspace is another collection.
            a.create("vision", null, "hf:collections/acme/fav", T0);
            def.put("vision", item("acme/resnet", "v1", "small"), T0.plusSeconds(1));
            def.put("vision", item("acme/vit", null, null), T0.plusSeconds(2));
            def.put("vision", item("acme/detr", "v3", null), T0.plusSeconds(3));
            a.put("vision", item("acme/other", "v9", null), T0);
          });
      assertEquals(
          List.of("hf:acme/resnet@v1", "hf:acme/vit@main", "hf:acme/detr@v3"),
          def.items("vision").stream().map(CollectionTables.ItemRow::reference).toList());
      assertEquals(
          List.of(1L, 2L, 3L),
          def.items("vision").stream().map(CollectionTables.ItemRow::position).toList());
      CollectionTables.ItemRow followed = def.items("vision").get(1);
      assertTrue(followed.follow());
      assertEquals(null, followed.version());
      assertEquals("small", def.items("vision").get(0).note());
      assertEquals(T0.plusSeconds(1), def.items("vision").get(0).addedAt());
      CollectionTables.CollectionRow vision = def.get("vision").orElseThrow();
      assertEquals(3, vision.items());
      assertEquals("image models", vision.description());
      assertEquals(T0.plusSeconds(3), vision.updatedAt());
      assertEquals(T0, vision.createdAt());
      assertEquals(1, a.get("vision").orElseThrow().items());
      assertEquals("hf:collections/acme/fav", a.get("vision").orElseThrow().source());
      // Adding an item again updates its note in place: same position, no second row.
      db.transaction(() -> def.put("vision", item("acme/resnet", "v1", "tiny"), T0));
      assertEquals(3, def.items("vision").size());
      assertEquals("tiny", def.items("vision").get(0).note());
      assertEquals(1L, def.items("vision").get(0).position());
      // A second collection of the same name in one workspace breaks its key.
      assertThrows(
          GpuxException.class, () -> db.transaction(() -> def.create("vision", null, null, T0)));
      db.transaction(
          () -> {
            def.remove("vision", "hf:acme/vit@main", T0.plusSeconds(4));
            def.rename("vision", "images", T0.plusSeconds(5));
          });
      assertTrue(def.get("vision").isEmpty());
      assertEquals(
          List.of("hf:acme/resnet@v1", "hf:acme/detr@v3"),
          def.items("images").stream().map(CollectionTables.ItemRow::reference).toList());
      // The next item goes after the last one, not into the gap.
      db.transaction(() -> def.put("images", item("acme/vit", "v2", null), T0));
      assertEquals(4L, def.items("images").get(2).position());
      assertEquals(List.of("images"), def.all().stream().map(c -> c.name()).toList());
      assertEquals(List.of("vision"), a.all().stream().map(c -> c.name()).toList());
      db.transaction(() -> def.delete("images"));
      assertTrue(def.all().isEmpty());
      assertEquals(
          List.of(0L),
          db.query(
              "SELECT COUNT(*) FROM collection_items WHERE workspace = ?",
              r -> r.getLong(1),
              WorkspaceTables.DEFAULT),
          "deleting a collection deletes its items");
      assertEquals(1, a.items("vision").size());
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void workspacesKeepSettingsAndVersionsAndDeleteWhatIsTheirs(IndexBackend backend)
      throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      WorkspaceTables w = new WorkspaceTables(db);
      VersionTables versions = new VersionTables(db);
      assertEquals(List.of("default"), w.names());
      db.transaction(
          () -> {
            w.create("team-b", T0);
            w.create("team-a", T0.plusSeconds(1));
            versions.insert(row("acme/m", "v1", T0));
            versions.insert(row("acme/m", "v2", T0));
          });
      assertEquals(List.of("default", "team-a", "team-b"), w.names());
      assertTrue(w.exists("team-a"));
      assertFalse(w.exists("team-c"));
      assertThrows(GpuxException.class, () -> db.transaction(() -> w.create("team-a", T0)));
      db.transaction(
          () -> {
            w.set("team-a", "mlflow.tracking_uri", "http://mlflow.a:5000");
            w.set("team-a", "hf.endpoint", "http://hub.a");
            w.set("team-a", "hf.endpoint", "http://hub.a2"); // replaces
            w.set("team-b", "hf.endpoint", "http://hub.b");
            w.set("team-b", "hf.endpoint", null); // clears
            // Each workspace holds its own rows of a version (V11), here of one name and version.
            new VersionTables(db, "team-a").insert(row("acme/m", "v1", T0));
            new VersionTables(db, "team-b").insert(row("acme/m", "v1", T0));
            new TagTables(db, "team-b").move("hf", "acme/m", "main", "v2", T0);
            new CollectionTables(db, "team-a").create("c", null, null, T0);
            new CollectionTables(db, "team-a").put("c", item("acme/m", "v2", null), T0);
          });
      assertEquals(
          Map.of("hf.endpoint", "http://hub.a2", "mlflow.tracking_uri", "http://mlflow.a:5000"),
          w.settings("team-a"));
      assertEquals(
          List.of("hf.endpoint", "mlflow.tracking_uri"),
          List.copyOf(w.settings("team-a").keySet()));
      assertTrue(w.settings("team-b").isEmpty());
      // Which other workspaces hold a version: what the not-in-store error names.
      assertEquals(
          List.of("default", "team-b"),
          new VersionTables(db, "team-a").elsewhere("hf", "acme/m", "v1"));
      assertEquals(List.of(), versions.elsewhere("hf", "acme/m", "v2"));
      List<WorkspaceTables.WorkspaceRow> all = w.all();
      assertEquals(
          List.of("default", "team-a", "team-b"), all.stream().map(r -> r.name()).toList());
      WorkspaceTables.WorkspaceRow a = all.get(1);
      assertEquals(List.of(0, 1, 1), List.of(a.tags(), a.collections(), a.versions()));
      assertEquals(T0.plusSeconds(1), a.createdAt());
      assertEquals(
          List.of(1, 0, 1),
          List.of(all.get(2).tags(), all.get(2).collections(), all.get(2).versions()));
      assertFalse(a.empty());
      db.transaction(() -> new VersionTables(db, "team-b").delete("hf", "acme/m", "v1"));
      assertEquals(
          List.of("default"), new VersionTables(db, "team-a").elsewhere("hf", "acme/m", "v1"));
      db.transaction(() -> w.delete("team-a"));
      assertEquals(List.of("default", "team-b"), w.names());
      assertTrue(w.settings("team-a").isEmpty());
      assertTrue(new CollectionTables(db, "team-a").all().isEmpty());
      assertEquals(
          List.of(), versions.elsewhere("hf", "acme/m", "v1"), "team-a's rows went with it");
    }
  }

  /** Runs statements separated by {@code ;\n} on either database, as one script. */
  private static void sqlScript(IndexBackend.Target t, String script) throws Exception {
    if (t.server() != null) {
      t.sql(script);
      return;
    }
    for (String statement : script.split(";\n")) {
      t.sql(statement);
    }
  }

  @ParameterizedTest
  @EnumSource(IndexBackend.class)
  void searchCacheKeepsTheNewestAnswerPerQuery(IndexBackend backend) throws Exception {
    try (IndexDatabase db = backend.fresh(dir).open()) {
      SearchCacheTables cache = new SearchCacheTables(db);
      db.transaction(
          () -> {
            cache.put(new CachedAnswer("hf", "{\"text\":\"a\"}", T0, "[1]"));
            cache.put(new CachedAnswer("hf", "{\"text\":\"a\"}", T0.plusSeconds(60), "[2]"));
            cache.put(new CachedAnswer("mlflow", "{\"text\":\"a\"}", T0.plusSeconds(30), "[3]"));
          });
      CachedAnswer hf = cache.get("hf", "{\"text\":\"a\"}").orElseThrow();
      assertEquals("[2]", hf.answer());
      assertEquals(T0.plusSeconds(60), hf.fetchedAt());
      assertTrue(cache.get("hf", "{\"text\":\"b\"}").isEmpty());
      assertEquals(
          List.of("hf", "mlflow"), cache.all().stream().map(CachedAnswer::registry).toList());
    }
  }
}
