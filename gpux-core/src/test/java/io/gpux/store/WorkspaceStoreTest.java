package io.gpux.store;

import static io.gpux.store.StoreFixture.PULLED;
import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static io.gpux.store.StoreFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.index.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored versions scoped to workspaces (V11): each workspace its own manifests and snapshots of
 * {@code registry:name@version}, even with other files, over blobs that every workspace shares.
 */
class WorkspaceStoreTest {
  @TempDir Path home;

  /** Prune runs a day later, so that no blob is young enough to be kept for a running pull. */
  private static final Clock LATER =
      Clock.fixed(Instant.now().plus(Duration.ofDays(1)), ZoneOffset.UTC);

  private ModelStore open(String workspace) {
    return ModelStore.open(home, Clock.systemUTC(), false, workspace);
  }

  private ModelStore openLater(String workspace) {
    return ModelStore.open(home, LATER, false, workspace);
  }

  private static List<String> files(VersionManifest m) {
    return m.files().stream().map(f -> f.path() + "=" + f.sha256()).sorted().toList();
  }

  @Test
  void twoWorkspacesEachKeepTheirOwnCopyOfOneNameAndVersionOverSharedBlobs() throws Exception {
    // Two MLflow servers, both with scorer/3: the same config file, another model file.
    try (ModelStore a = open("team-a")) {
      a.commit(
          manifest(
              "mlflow",
              "scorer",
              "3",
              PULLED,
              put(a, "MLmodel", "flavors: onnx"),
              put(a, "model.onnx", "team a's weights")));
      a.tag("mlflow", "scorer", "latest", "3");
    }
    try (ModelStore b = open("team-b")) {
      assertTrue(b.resolve("mlflow", "scorer", "3").isEmpty(), "team-a's copy is not team-b's");
      assertEquals(List.of("team-a"), b.elsewhere("mlflow", "scorer", null));
      b.commit(
          manifest(
              "mlflow",
              "scorer",
              "3",
              PULLED,
              put(b, "MLmodel", "flavors: onnx"),
              put(b, "model.onnx", "team b's weights")));
      assertEquals(
          List.of("MLmodel=" + sha256("flavors: onnx"), "model.onnx=" + sha256("team b's weights")),
          files(b.resolve("mlflow", "scorer", "3").orElseThrow()));
      assertTrue(b.tagsOf("mlflow", "scorer", "3").isEmpty(), "team-a's tag is not here");
      Path snapshot = b.materialize(b.resolve("mlflow", "scorer", "3").orElseThrow());
      assertEquals("team b's weights", Files.readString(snapshot.resolve("model.onnx")));
      assertTrue(
          snapshot.startsWith(home.resolve("workspaces/team-b/snapshots")), snapshot.toString());
    }
    try (ModelStore a = open("team-a")) {
      VersionManifest mine = a.resolve("mlflow", "scorer", "latest").orElseThrow();
      assertEquals("team a's weights", Files.readString(a.materialize(mine).resolve("model.onnx")));
      assertEquals(1, a.list().size(), "gpux list: this workspace's versions only");
    }
    // Three blobs for four files: the equal MLmodel is stored once.
    try (var blobs = Files.list(home.resolve("blobs/sha256"))) {
      assertEquals(3, blobs.count());
    }
    try (ModelStore dflt = open("default")) {
      assertTrue(dflt.list().isEmpty());
      DiskUsage d = dflt.diskUsage();
      assertTrue(d.versions().isEmpty(), "df lists this workspace's versions");
      assertEquals(
          List.of("team-a", "team-b"), d.workspaces().stream().map(w -> w.name()).toList());
      long shared = "flavors: onnx".length();
      long ownA = "team a's weights".length();
      long ownB = "team b's weights".length();
      assertEquals(shared + ownA + ownB, d.referencedBytes(), "a shared blob counted once");
      assertEquals(
          new DiskUsage.WorkspaceUsage("team-a", 1, shared + ownA, ownA), d.workspaces().get(0));
      GpuxException missing =
          dflt.notStored("mlflow:scorer/3", "mlflow", "scorer", null, "pull it");
      assertTrue(
          missing.getMessage().contains("is not in the store of workspace default"),
          missing.getMessage());
      assertTrue(missing.getMessage().contains("team-a, team-b have it"), missing.getMessage());
      assertTrue(missing.hint().contains("gpux --workspace team-a"), missing.hint());
    }
    // rm in team-a removes team-a's copy only; prune keeps every blob team-b's manifest names.
    try (ModelStore a = open("team-a")) {
      assertEquals(1, a.remove("mlflow", "scorer", null));
      assertTrue(a.list().isEmpty());
    }
    try (ModelStore b = openLater("team-b")) {
      PruneReport freed = b.prune(false);
      assertEquals(List.of(sha256("team a's weights")), freed.blobs());
      VersionManifest theirs = b.resolve("mlflow", "scorer", "3").orElseThrow();
      assertTrue(b.verify().problems().isEmpty(), b.verify().toString());
      assertEquals(
          "team b's weights", Files.readString(b.materialize(theirs).resolve("model.onnx")));
    }
  }

  @Test
  void aLostIndexIsRebuiltWithEachVersionInItsWorkspace() throws Exception {
    try (ModelStore a = open("team-a")) {
      a.commit(manifest("hf", "org/model", "c1", PULLED, put(a, "model.onnx", "x")));
    }
    try (ModelStore d = open("default")) {
      d.commit(manifest("hf", "org/model", "c2", PULLED, put(d, "model.onnx", "y")));
    }
    for (String f : List.of("index.db", "index.db-wal", "index.db-shm")) {
      Files.deleteIfExists(home.resolve(f));
    }
    try (ModelStore a = open("team-a")) {
      assertEquals(List.of("c1"), a.list().stream().map(VersionManifest::version).toList());
      assertEquals("c1", a.resolve("hf", "org/model", "main").orElseThrow().version());
      assertTrue(
          new io.gpux.index.WorkspaceTables(a.indexDatabase()).exists("team-a"),
          "the workspace is back: its folder said it was there");
    }
    try (ModelStore d = open("default")) {
      assertEquals(List.of("c2"), d.list().stream().map(VersionManifest::version).toList());
    }
  }

  @Test
  void deletingAWorkspaceDeletesItsCopiesAndPruneThenFreesWhatOnlyItUsed() throws Exception {
    try (ModelStore a = open("team-a")) {
      a.commit(
          manifest(
              "hf",
              "org/model",
              "c1",
              PULLED,
              put(a, "model.onnx", "only a"),
              put(a, "c", "both")));
      a.materialize(a.resolve("hf", "org/model", "c1").orElseThrow());
    }
    try (ModelStore d = open("default")) {
      d.commit(manifest("hf", "org/model", "c2", PULLED, put(d, "c", "both")));
      d.dropWorkspace("team-a");
      assertFalse(Files.exists(home.resolve("workspaces/team-a")));
      assertTrue(d.elsewhere("hf", "org/model", null).isEmpty());
    }
    try (ModelStore d = openLater("default")) {
      assertEquals(List.of(sha256("only a")), d.prune(false).blobs());
      assertEquals(1, d.list().size());
    }
  }

  /**
   * A workspace deleted through the index alone (by another machine on a team's index, or a crash
   * between the rows and the files): prune deletes its folder, and its manifests protect nothing.
   */
  @Test
  void pruneDeletesTheFolderOfAWorkspaceTheIndexNoLongerHas() throws Exception {
    try (ModelStore x = open("team-x")) {
      io.gpux.index.WorkspaceTables t = new io.gpux.index.WorkspaceTables(x.indexDatabase());
      x.indexDatabase().transaction(() -> t.create("team-x", PULLED));
      x.commit(manifest("hf", "org/model", "c1", PULLED, put(x, "model.onnx", "only x")));
      x.materialize(x.resolve("hf", "org/model", "c1").orElseThrow());
    }
    try (ModelStore x = openLater("team-x")) {
      assertTrue(x.prune(false).blobs().isEmpty(), "team-x holds its blob while it exists");
      io.gpux.index.WorkspaceTables t = new io.gpux.index.WorkspaceTables(x.indexDatabase());
      x.indexDatabase().transaction(() -> t.delete("team-x"));
    }
    try (ModelStore d = openLater("default")) {
      PruneReport r = d.prune(false);
      assertEquals(List.of(sha256("only x")), r.blobs());
      assertTrue(r.leftovers().contains("workspaces/team-x"), r.leftovers().toString());
      assertFalse(Files.exists(home.resolve("workspaces/team-x")));
    }
  }

  /**
   * An index from before V11 shared one manifest among the workspaces that claimed it: after the
   * migration each claiming workspace has its own copy, and the shared file stays only where {@code
   * default} holds the version.
   */
  @Test
  void aStoreFromBeforeV11GivesEachClaimingWorkspaceItsOwnManifest() throws Exception {
    String v1;
    String v2;
    try (ModelStore d = open("default")) {
      v1 = d.commit(manifest("hf", "org/model", "v1", PULLED, put(d, "model.onnx", "x"))).version();
      v2 =
          d.commit(
                  manifest(
                      "hf", "org/model", "v2", PULLED.plusSeconds(1), put(d, "model.onnx", "y")))
              .version();
    }
    // The same store as GPUX before V11 left it: v1 claimed by default and team-a, v2 by team-a.
    for (String f :
        List.of("index.db", "index.db-wal", "index.db-shm", "workspaces/.v11-manifests")) {
      Files.deleteIfExists(home.resolve(f));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"));
        Statement st = c.createStatement()) {
      for (String sql : beforeV11()) {
        st.execute(sql);
      }
    }
    try (ModelStore a = open("team-a")) {
      assertEquals(Migrations.LATEST, a.schemaVersion());
      assertEquals(List.of(v2, v1), a.list().stream().map(VersionManifest::version).toList());
      assertEquals("v2", a.resolve("hf", "org/model", "prod").orElseThrow().version());
      assertTrue(
          Files.isRegularFile(home.resolve("workspaces/team-a/manifests/hf/org/model/@v1.json")));
      assertTrue(
          Files.isRegularFile(home.resolve("workspaces/team-a/manifests/hf/org/model/@v2.json")));
    }
    assertTrue(Files.isRegularFile(home.resolve("manifests/hf/org/model/@v1.json")), "default's");
    assertFalse(
        Files.exists(home.resolve("manifests/hf/org/model/@v2.json")),
        "default never held v2: the shared file went");
    try (ModelStore d = open("default")) {
      assertEquals(List.of("v1"), d.list().stream().map(VersionManifest::version).toList());
      assertTrue(d.resolve("hf", "org/model", "v2").isEmpty());
      // Removing default's v1 leaves team-a's.
      assertEquals(1, d.remove("hf", "org/model", "v1"));
    }
    try (ModelStore a = open("team-a")) {
      assertEquals(2, a.list().size());
      assertTrue(a.verify().problems().isEmpty());
    }
  }

  /** Puts a store's manifests back where GPUX before V11 had them: no marker, no index. */
  private static void forgetV11(Path home) throws Exception {
    for (String f :
        List.of("index.db", "index.db-wal", "index.db-shm", "workspaces/.v11-manifests")) {
      Files.deleteIfExists(home.resolve(f));
    }
  }

  /**
   * An index as GPUX before V11 wrote it (V1 to V9): hf:org/model v1 claimed by default and team-a,
   * v2 by team-a alone, both manifests in the shared folder; team-a's tag prod on v2.
   */
  private static List<String> beforeV11() {
    List<String> out = new java.util.ArrayList<>();
    out.add("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    for (String m : Migrations.FILES) {
      if (Migrations.number(m) >= 10) {
        break;
      }
      out.addAll(Migrations.statements(m));
      out.add("INSERT INTO schema_version VALUES (" + Migrations.number(m) + ", '2026-01-01')");
    }
    out.add("INSERT INTO workspaces VALUES ('team-a', '2026-01-01T00:00:00.000000000Z')");
    for (String[] v : new String[][] {{"v1", "x"}, {"v2", "y"}}) {
      out.add(
          "INSERT INTO versions VALUES ('hf', 'org/model', '"
              + v[0]
              + "', 'main', '2026-01-01T00:00:0"
              + v[0].charAt(1)
              + ".000000000Z', 'src', 1, 'manifests/hf/org/model/@"
              + v[0]
              + ".json')");
      out.add(
          "INSERT INTO version_files VALUES ('hf', 'org/model', '"
              + v[0]
              + "', 'model.onnx', '"
              + sha256(v[1])
              + "', 1)");
    }
    out.add(
        "INSERT INTO workspace_versions VALUES ('default', 'hf', 'org/model', 'v1', 't'),"
            + " ('team-a', 'hf', 'org/model', 'v1', 't'), ('team-a', 'hf', 'org/model', 'v2', 't')");
    out.add(
        "INSERT INTO tags VALUES ('team-a', 'hf', 'org/model', 'prod', 'v2',"
            + " '2026-01-01T00:00:00.000000000Z')");
    return out;
  }

  /** A store folder with v1 and v2 in the shared manifests folder, as before V11. */
  private static void oldStore(Path home) throws Exception {
    try (ModelStore d = ModelStore.open(home, Clock.systemUTC(), false, "default")) {
      d.commit(manifest("hf", "org/model", "v1", PULLED, put(d, "model.onnx", "x")));
      d.commit(manifest("hf", "org/model", "v2", PULLED.plusSeconds(1), put(d, "model.onnx", "y")));
    }
    forgetV11(home);
  }

  /**
   * A team's PostgreSQL index is migrated once, by the first machine; every machine's own store
   * folder still splits its manifests when it first opens.
   */
  @Test
  @io.gpux.testing.Slow
  void onATeamsPostgresIndexEachMachineSplitsItsOwnManifests(@TempDir Path second)
      throws Exception {
    io.gpux.testing.Postgres pg = io.gpux.testing.Postgres.shared();
    String db = pg.newDatabase();
    for (String sql : beforeV11()) {
      pg.psql(db, sql);
    }
    java.util.Map<String, String> env = java.util.Map.of("GPUX_INDEX_URL", pg.url(db));
    for (Path machine : List.of(home, second)) {
      oldStore(machine);
    }
    for (Path machine : List.of(home, second)) {
      try (ModelStore a = ModelStore.open(machine, Clock.systemUTC(), false, env, "team-a")) {
        assertEquals(Migrations.LATEST, a.schemaVersion());
        assertEquals(List.of("v2", "v1"), a.list().stream().map(VersionManifest::version).toList());
        assertEquals("v2", a.resolve("hf", "org/model", "prod").orElseThrow().version());
      }
      assertTrue(
          Files.isRegularFile(machine.resolve("workspaces/team-a/manifests/hf/org/model/@v2.json")),
          machine.toString());
      assertFalse(
          Files.exists(machine.resolve("manifests/hf/org/model/@v2.json")), machine.toString());
      try (ModelStore d = ModelStore.open(machine, Clock.systemUTC(), false, env, "default")) {
        assertEquals(List.of("v1"), d.list().stream().map(VersionManifest::version).toList());
      }
    }
  }

  /**
   * A team's index with two machines (two GPUX_HOMEs): each holds its own rows of a version (V12),
   * so one machine's rm or rebuild leaves the other's list, and the workspace's shared local name
   * stays while some machine still holds its version.
   */
  @Test
  @io.gpux.testing.Slow
  void onATeamsPostgresIndexOneMachinesRmAndRebuildLeaveTheOthersVersions(@TempDir Path second)
      throws Exception {
    io.gpux.testing.Postgres pg = io.gpux.testing.Postgres.shared();
    java.util.Map<String, String> env =
        java.util.Map.of("GPUX_INDEX_URL", pg.url(pg.newDatabase()));
    for (Path machine : List.of(home, second)) {
      try (ModelStore s = ModelStore.open(machine, Clock.systemUTC(), false, env, "default")) {
        s.commit(manifest("hf", "org/model", "v1", PULLED, put(s, "model.onnx", "weights")));
        s.tag("hf", "org/model", "main", "v1");
      }
    }
    assertTrue(Files.isRegularFile(home.resolve("store-id")));
    assertFalse(
        Files.readString(home.resolve("store-id"))
            .equals(Files.readString(second.resolve("store-id"))),
        "each machine its own id");
    try (ModelStore first = ModelStore.open(home, Clock.systemUTC(), false, env, "default")) {
      assertEquals(1, first.remove("hf", "org/model", "v1"));
      assertTrue(first.list().isEmpty());
      // This machine no longer holds what main points at; the name itself is the team's and
      // stays, as the other machine still holds v1 (below).
      assertTrue(first.resolve("hf", "org/model", "main").isEmpty());
    }
    try (ModelStore other = ModelStore.open(second, Clock.systemUTC(), false, env, "default")) {
      assertEquals(List.of("v1"), other.list().stream().map(VersionManifest::version).toList());
      assertEquals("v1", other.resolve("hf", "org/model", "main").orElseThrow().version());
      other.rebuildIndex();
      assertEquals(List.of("v1"), other.list().stream().map(VersionManifest::version).toList());
    }
    try (ModelStore first = ModelStore.open(home, Clock.systemUTC(), false, env, "default")) {
      first.commit(manifest("hf", "org/model", "v2", PULLED, put(first, "model.onnx", "new")));
      first.rebuildIndex(); // the first machine's rebuild keeps the second's rows
    }
    try (ModelStore other = ModelStore.open(second, Clock.systemUTC(), false, env, "default")) {
      assertEquals(List.of("v1"), other.list().stream().map(VersionManifest::version).toList());
      assertEquals(1, other.remove("hf", "org/model", "v1"));
      assertTrue(other.resolve("hf", "org/model", "main").isEmpty(), "no machine holds v1 now");
    }
  }
}
