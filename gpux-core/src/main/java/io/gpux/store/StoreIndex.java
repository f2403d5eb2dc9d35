package io.gpux.store;

import io.gpux.index.BenchmarkTables;
import io.gpux.index.IndexDatabase;
import io.gpux.index.TagMove;
import io.gpux.index.TagTables;
import io.gpux.index.VersionRow;
import io.gpux.index.VersionTables;
import io.gpux.index.WorkspaceTables;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's view of the index database: manifests mapped onto the index's rows, and the
 * operations that touch several tables in one transaction. The index can always be rebuilt from the
 * manifests except for tags, which live only there (a rebuild after a loss recovers each pull's own
 * tag from the manifests' {@code requested}).
 */
final class StoreIndex implements AutoCloseable {
  private final IndexDatabase db;
  private final VersionTables versions;
  private final TagTables tags;
  private final BenchmarkTables benchmarks;
  private final io.gpux.index.SearchCacheTables searchCache;
  private final WorkspaceTables workspaces;
  private final String workspace;
  private final String store;
  private final io.gpux.index.LatencyTables latencies;

  private StoreIndex(IndexDatabase db, String workspace, String store) {
    this.db = db;
    this.workspace = workspace;
    this.store = store;
    this.versions = new VersionTables(db, workspace, store);
    this.tags = new TagTables(db, workspace);
    this.workspaces = new WorkspaceTables(db);
    this.benchmarks = new BenchmarkTables(db, workspace);
    this.searchCache = new io.gpux.index.SearchCacheTables(db);
    this.latencies = new io.gpux.index.LatencyTables(db);
  }

  /**
   * The index {@code env} names ({@code GPUX_INDEX_URL}), else the SQLite file {@code file}, seen
   * from {@code workspace}.
   */
  static StoreIndex open(Path file, Map<String, String> env, String workspace, Path home) {
    IndexDatabase db = IndexDatabase.open(file, env);
    try {
      if (db.dialect() == io.gpux.index.Dialect.SQLITE) {
        return new StoreIndex(db, workspace, VersionTables.LOCAL);
      }
      Path idFile = home.resolve("store-id");
      // A store without an id has not seen V12 yet: it adopts its older rows once, as it gets one.
      boolean first = !java.nio.file.Files.exists(idFile);
      StoreIndex index = new StoreIndex(db, workspace, storeId(idFile));
      if (first) {
        index.adoptRowsFromBeforeStores(home);
      }
      return index;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * This store's id on a shared index: made once, kept in {@code GPUX_HOME/store-id}. Each machine
   * (each GPUX_HOME) has its own files, so the versions it holds are rows of its own (V12).
   */
  private static String storeId(Path file) {
    Path home = file.getParent();
    try {
      if (!java.nio.file.Files.exists(file)) {
        Path tmp = home.resolve("store-id." + ProcessHandle.current().pid() + ".tmp");
        java.nio.file.Files.writeString(tmp, java.util.UUID.randomUUID() + "\n");
        try {
          // Two processes of one machine may make one at once: the first rename wins.
          java.nio.file.Files.move(tmp, file);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          java.nio.file.Files.deleteIfExists(tmp);
        }
      }
      String id = java.nio.file.Files.readString(file).strip();
      if (id.isEmpty()) {
        throw io.gpux.error.GpuxException.unavailable(
            file + " is empty",
            "delete it: GPUX makes a new one (this store's id in a team's index)");
      }
      return id;
    } catch (java.io.IOException e) {
      throw io.gpux.error.GpuxException.unavailable(
          "cannot read or write " + file + ": " + e.getMessage(), "check GPUX_HOME's permissions");
    }
  }

  /**
   * Rows written before V12 belong to no store: this store takes those whose manifest it holds (the
   * other machines take theirs when they first open the index). Once, when the store gets its id,
   * so that no later command pays for the query and the file checks.
   */
  private void adoptRowsFromBeforeStores(Path home) {
    List<List<String>> mine =
        versions.unowned().stream()
            .filter(r -> java.nio.file.Files.exists(home.resolve(r.get(4))))
            .toList();
    if (mine.isEmpty()) {
      return;
    }
    db.transaction(
        () -> {
          for (List<String> r : mine) {
            new VersionTables(db, r.get(0), store).adopt(r.get(1), r.get(2), r.get(3));
          }
        });
  }

  IndexDatabase database() {
    return db;
  }

  String workspace() {
    return workspace;
  }

  /** The other workspaces that hold a version of a model (null: any version), sorted. */
  List<String> elsewhere(String registry, String name, String version) {
    return versions.elsewhere(registry, name, version);
  }

  IndexDatabase.Opened opened() {
    return db.opened();
  }

  int schemaVersion() {
    return db.schemaVersion();
  }

  /**
   * Indexes a version in this workspace, which exists from then on if it did not (an embedder may
   * open a store in a workspace no {@code gpux workspace create} made): prune deletes the folders
   * of workspaces the index lacks.
   */
  void index(VersionManifest m, String manifestPath) {
    db.transaction(
        () -> {
          workspaces.ensure(workspace, m.pulledAt());
          versions.insert(row(m, manifestPath));
        });
  }

  private static VersionRow row(VersionManifest m, String manifestPath) {
    return new VersionRow(
        m.registry(),
        m.name(),
        m.version(),
        m.requested(),
        m.pulledAt(),
        m.source(),
        m.sizeBytes(),
        manifestPath,
        m.files().stream()
            .map(f -> new VersionRow.FileRow(f.path(), f.sha256(), f.size()))
            .toList());
  }

  boolean contains(String registry, String name, String version) {
    return versions.contains(registry, name, version);
  }

  /**
   * Drops a version, the tags pointing at it once no store holds it (the workspace's names are
   * shared by every machine of a team's index), and its model once no version is left.
   */
  void removeVersion(String registry, String name, String version) {
    db.transaction(
        () -> {
          versions.delete(registry, name, version);
          if (!versions.heldByAnyStore(registry, name, version)) {
            tags.deleteFor(registry, name, version);
          }
          versions.dropModelIfEmpty(registry, name);
        });
  }

  /**
   * Makes the version rows say exactly what {@code manifests} say, in one transaction, so that a
   * reader never sees a half-built index. Tags pointing at versions that are gone are dropped.
   *
   * @param manifests each workspace's manifests, by their paths relative to the store's home
   * @param recoverTags whether to point each {@code requested} name that has no tag at the newest
   *     version pulled with it (after the index was lost)
   */
  void replaceAll(
      Map<String, Map<String, VersionManifest>> manifests, boolean recoverTags, Instant now) {
    db.transaction(
        () -> {
          versions.clear();
          for (Map.Entry<String, Map<String, VersionManifest>> ws : manifests.entrySet()) {
            if (!workspaces.exists(ws.getKey())) {
              // A lost index lost its workspaces too: the manifests' folders say which there were.
              workspaces.create(ws.getKey(), now);
            }
            VersionTables in = new VersionTables(db, ws.getKey(), store);
            for (Map.Entry<String, VersionManifest> e : ws.getValue().entrySet()) {
              in.insert(row(e.getValue(), e.getKey()));
            }
          }
          tags.deleteDangling();
          if (recoverTags) {
            for (Map.Entry<String, Map<String, VersionManifest>> ws : manifests.entrySet()) {
              recoverTags(new TagTables(db, ws.getKey()), ws.getValue().values(), now);
            }
          }
        });
  }

  /**
   * The versions of every workspace but {@code default}, as {@code [workspace, registry, name,
   * version, manifest_path]}.
   */
  List<List<String>> versionsOutsideDefault() {
    return versions.outsideDefault();
  }

  /** Points a version of {@code ws} at its own manifest file. */
  void moveManifest(String ws, String registry, String name, String version, String path) {
    db.transaction(
        () -> new VersionTables(db, ws, store).moveManifest(registry, name, version, path));
  }

  /** Whether {@code ws} holds a version. */
  boolean contains(String ws, String registry, String name, String version) {
    return new VersionTables(db, ws, store).contains(registry, name, version);
  }

  /** The workspaces the index has. */
  List<String> workspaceNames() {
    return workspaces.names();
  }

  /** Drops every row of a workspace (see {@link WorkspaceTables#delete}). */
  void deleteWorkspace(String ws) {
    db.transaction(() -> workspaces.delete(ws));
  }

  private static void recoverTags(
      TagTables tags, Collection<VersionManifest> manifests, Instant now)
      throws java.sql.SQLException {
    Map<List<String>, VersionManifest> newest = new LinkedHashMap<>();
    manifests.stream()
        .filter(m -> m.requested() != null && !m.requested().equals(m.version()))
        .sorted(Comparator.comparing(VersionManifest::pulledAt))
        .forEach(m -> newest.put(List.of(m.registry(), m.name(), m.requested()), m));
    for (VersionManifest m : newest.values()) {
      if (tags.tagged(m.registry(), m.name(), m.requested()).isEmpty()) {
        tags.move(m.registry(), m.name(), m.requested(), m.version(), now);
      }
    }
  }

  /**
   * Manifest paths of one model's versions, or of all ({@code registry} null), grouped by model,
   * newest pull first.
   */
  List<String> manifestPaths(String registry, String name) {
    return versions.manifestPaths(registry, name);
  }

  List<String> manifestPathsEverywhere(String registry, String name) {
    return versions.manifestPathsEverywhere(registry, name);
  }

  List<List<String>> models() {
    return versions.models();
  }

  /** The versions of one model in the index. */
  List<String> versions(String registry, String name) {
    return versions.versions(registry, name);
  }

  void tag(String registry, String name, String tag, String version, Instant now) {
    db.transaction(() -> tags.move(registry, name, tag, version, now));
  }

  /** Moves a tag, recording why; returns whether it moved. */
  boolean tag(
      String registry, String name, String tag, String version, Instant now, String action) {
    boolean[] moved = new boolean[1];
    db.transaction(() -> moved[0] = tags.move(registry, name, tag, version, now, action));
    return moved[0];
  }

  /** Pins a tag at {@code version} (moving it there if needed) and records it, in one go. */
  void pin(String registry, String name, String tag, String version, Instant now) {
    db.transaction(
        () -> {
          String before = tags.tagged(registry, name, tag).orElse(null);
          if (!tags.move(registry, name, tag, version, now, TagTables.PINNED)) {
            tags.record(registry, name, tag, version, before, now, TagTables.PINNED);
          }
          tags.pin(registry, name, tag, now);
        });
  }

  /** Unpins a tag and records it; returns whether it was pinned. */
  boolean unpin(String registry, String name, String tag, Instant now) {
    boolean[] was = new boolean[1];
    db.transaction(
        () -> {
          was[0] = tags.unpin(registry, name, tag);
          String version = tags.tagged(registry, name, tag).orElse(null);
          if (was[0] && version != null) {
            tags.record(registry, name, tag, version, version, now, TagTables.UNPINNED);
          }
        });
    return was[0];
  }

  boolean pinned(String registry, String name, String tag) {
    return tags.pinned(registry, name, tag);
  }

  List<TagTables.TagRow> localNames(String registry, String name) {
    return tags.all(registry, name);
  }

  Optional<String> tagged(String registry, String name, String tag) {
    return tags.tagged(registry, name, tag);
  }

  List<String> tagsOf(String registry, String name, String version) {
    return tags.tagsOf(registry, name, version);
  }

  /** Every move of a tag, oldest first. */
  List<TagMove> tagHistory(String registry, String name, String tag) {
    return tags.history(registry, name, tag);
  }

  void recordBenchmark(BenchmarkTables.BenchmarkRow row) {
    db.transaction(() -> benchmarks.insert(row));
  }

  List<BenchmarkTables.BenchmarkRow> benchmarks(String model) {
    return benchmarks.list(model);
  }

  void cacheSearch(io.gpux.index.SearchCacheTables.CachedAnswer answer) {
    db.transaction(() -> searchCache.put(answer));
  }

  java.util.Optional<io.gpux.index.SearchCacheTables.CachedAnswer> cachedSearch(
      String registry, String queryKey) {
    return searchCache.get(registry, queryKey);
  }

  List<io.gpux.index.SearchCacheTables.CachedAnswer> cachedSearches() {
    return searchCache.all();
  }

  void recordLatency(io.gpux.index.LatencyTables.MeasuredLatency m) {
    db.transaction(() -> latencies.put(m));
  }

  java.util.Optional<io.gpux.index.LatencyTables.MeasuredLatency> latency(
      String modelDigest, io.gpux.index.LatencyTables.Fingerprint machine) {
    return latencies.get(modelDigest, machine);
  }

  List<io.gpux.index.LatencyTables.MeasuredLatency> latencies(
      io.gpux.index.LatencyTables.Fingerprint machine) {
    return latencies.on(machine);
  }

  static String time(Instant t) {
    return IndexDatabase.time(t);
  }

  @Override
  public void close() {
    db.close();
  }
}
