package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.TagMove;
import io.gpux.index.TagTables;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local names: moves recorded with why, pins, and what removing a version does to them. */
class LocalNamesTest {
  @TempDir Path home;

  @Test
  void movesArePinsAndUnpinsAreRecordedWithWhy() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(StoreFixture.manifest("c1", StoreFixture.put(store, "a.txt", "one")));
      store.commit(StoreFixture.manifest("c2", StoreFixture.put(store, "a.txt", "two")));
      store.tag("hf", "org/model", "main", "c1");
      assertTrue(store.tag("hf", "org/model", "main", "c2", TagTables.UPDATED));
      assertFalse(store.tag("hf", "org/model", "main", "c2", TagTables.UPDATED), "no move");
      store.pin("hf", "org/model", "main", "c2");
      assertTrue(store.pinned("hf", "org/model", "main"));
      assertTrue(store.localNames("hf", "org/model").get(0).pinned());
      store.pin("hf", "org/model", "main", "c1");
      assertTrue(store.unpin("hf", "org/model", "main"));
      assertFalse(store.unpin("hf", "org/model", "main"), "not pinned any more");
      List<String> events =
          store.tagHistory("hf", "org/model", "main").stream()
              .map(m -> m.action() + " " + m.previousVersion() + "->" + m.version())
              .toList();
      assertEquals(
          List.of(
              "pulled null->c1",
              "updated c1->c2",
              "pinned c2->c2",
              "pinned c2->c1",
              "unpinned c1->c1"),
          events);
    }
  }

  @Test
  void aPinGoesWithItsName() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(StoreFixture.manifest("c1", StoreFixture.put(store, "a.txt", "one")));
      store.tag("hf", "org/model", "main", "c1");
      store.pin("hf", "org/model", "main", "c1");
      store.remove("hf", "org/model", "c1");
      store.commit(StoreFixture.manifest("c1", StoreFixture.put(store, "a.txt", "one")));
      store.tag("hf", "org/model", "main", "c1");
      assertFalse(store.pinned("hf", "org/model", "main"), "a removed name's pin is gone");
      List<TagMove> history = store.tagHistory("hf", "org/model", "main");
      assertEquals(3, history.size(), "the timeline outlives the version: " + history);
    }
  }

  @Test
  void historyFromBeforeTheMigrationReadsAsPulled() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      store.commit(StoreFixture.manifest("c1", StoreFixture.put(store, "a.txt", "one")));
    }
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"));
        var s = c.createStatement()) {
      s.execute(
          "INSERT INTO tags VALUES"
              + " ('default', 'hf', 'org/model', 'main', 'c1', '2026-01-01T00:00:00.000000000Z')");
      s.execute(
          "INSERT INTO tag_history"
              + " (workspace, registry, name, tag, seq, version, moved_at, previous_version)"
              + " VALUES ('default', 'hf', 'org/model', 'main', 1, 'c1',"
              + " '2026-01-01T00:00:00.000000000Z', null)");
    }
    try (ModelStore store = ModelStore.open(home)) {
      assertEquals("pulled", store.tagHistory("hf", "org/model", "main").get(0).action());
    }
  }
}
