package io.gpux.store;

import static io.gpux.store.StoreFixture.PULLED;
import static io.gpux.store.StoreFixture.manifest;
import static io.gpux.store.StoreFixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreIndexTest {
  @TempDir Path home;

  @Test
  void aDeletedIndexIsRebuiltFromTheManifestsWithEachPullsTag() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(manifest("hf", "org/model", "c1", PULLED, put(store, "model.onnx", "x")));
      store.commit(
          manifest("hf", "org/model", "c2", PULLED.plusSeconds(1), put(store, "model.onnx", "y")));
      store.tag("hf", "org/model", "main", "c2");
    }
    for (String f : List.of("index.db", "index.db-wal", "index.db-shm")) {
      Files.deleteIfExists(home.resolve(f));
    }
    try (ModelStore store = ModelStore.open(home)) {
      assertEquals(2, store.list().size());
      assertEquals(
          "c2",
          store.resolve("hf", "org/model", "main").orElseThrow().version(),
          "main recovered from the manifests' 'requested'");
      assertEquals(Migrations.LATEST, store.schemaVersion());
    }
  }

  @Test
  void aDamagedIndexIsSetAsideAndRebuilt() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(manifest("v1", put(store, "model.onnx", "x")));
    }
    for (String f : List.of("index.db-wal", "index.db-shm")) {
      Files.deleteIfExists(home.resolve(f));
    }
    Files.writeString(
        home.resolve("index.db"),
        "this is not a database, it is a very long text file ".repeat(200));
    try (ModelStore store = ModelStore.open(home)) {
      assertEquals(1, store.list().size());
    }
    try (Stream<Path> files = Files.list(home)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("index.db.damaged-")));
    }
  }

  @Test
  void rebuildIndexPicksUpManifestsAndDropsVersionsThatAreGone() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile f = put(store, "a", "1");
      store.commit(manifest("v1", f));
      store.tag("hf", "org/model", "stable", "v1");
      Files.delete(store.layout().manifest("hf", "org/model", "v1"));
      Path file = store.layout().manifest("hf", "org/model", "v2");
      Files.write(file, ManifestJson.write(manifest("v2", f)));
      assertEquals(1, store.rebuildIndex());
      assertEquals(List.of("v2"), store.list().stream().map(VersionManifest::version).toList());
      assertTrue(store.resolve("hf", "org/model", "stable").isEmpty());
    }
  }

  @Test
  void aStoreFromSchemaOneIsMigratedAndItsManifestsMoveToTheCurrentLayout() throws Exception {
    // What the first release of the store wrote: schema 1, manifests at <name>/<version>.json.
    Files.createDirectories(home.resolve("blobs/sha256"));
    ManifestFile f = new ManifestFile("model.onnx", 1, StoreFixture.sha256("x"), null);
    Files.writeString(home.resolve("blobs/sha256/" + f.sha256()), "x");
    Path old = home.resolve("manifests/hf/org/model/c1.json");
    Files.createDirectories(old.getParent());
    Files.write(old, ManifestJson.write(manifest("c1", f)));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"));
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      for (String sql : Migrations.read("V1__schema.sql").split(";")) {
        if (!sql.replaceAll("(?m)^--.*$", "").isBlank()) {
          s.execute(sql);
        }
      }
      s.execute("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z')");
      s.execute(
          "INSERT INTO versions VALUES ('hf', 'org/model', 'c1', 'main',"
              + " '2026-01-01T00:00:00Z', null, 1, 'manifests/hf/org/model/c1.json')");
      s.execute(
          "INSERT INTO tags VALUES ('hf', 'org/model', 'main', 'c1', '2026-01-01T00:00:00Z')");
      s.execute(
          "INSERT INTO tag_history VALUES"
              + " ('hf', 'org/model', 'main', 'c1', '2026-01-01T00:00:00Z', null)");
    }
    try (ModelStore store = ModelStore.open(home)) {
      assertEquals(Migrations.LATEST, store.schemaVersion());
      assertFalse(Files.exists(old));
      assertTrue(Files.exists(home.resolve("manifests/hf/org/model/@c1.json")));
      assertEquals("c1", store.resolve("hf", "org/model", "main").orElseThrow().version());
      assertEquals(1, store.tagHistory("hf", "org/model", "main").size());
      assertTrue(store.verify().clean());
    }
  }

  @Test
  void migrationsUseOnlySqlThatPostgresAlsoAccepts() {
    Pattern sqliteOnly =
        Pattern.compile(
            "autoincrement|without rowid|insert or |replace into|pragma|\\bglob\\b|"
                + "datetime\\(|strftime|"
                + "\\bblob\\b|\\breal\\b|\\bint\\b|if not exists",
            Pattern.CASE_INSENSITIVE);
    for (String file : Migrations.FILES) {
      String sql = Migrations.read(file).replaceAll("(?m)--.*$", "").toLowerCase(Locale.ROOT);
      assertFalse(sqliteOnly.matcher(sql).find(), file + ": " + sql);
    }
  }

  @Test
  void everyTableOfTheSchemaHasAPrimaryKey() throws Exception {
    ModelStore.open(home).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"))) {
      List<String> tables = new java.util.ArrayList<>();
      try (var r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
        while (r.next()) {
          tables.add(r.getString("TABLE_NAME"));
        }
      }
      assertTrue(
          tables.containsAll(List.of("models", "versions", "version_files", "tags", "tag_history")),
          tables.toString());
      for (String table : tables) {
        try (var r = c.getMetaData().getPrimaryKeys(null, null, table)) {
          assertTrue(r.next(), table + " has no primary key");
        }
      }
    }
  }
}
