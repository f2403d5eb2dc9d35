package io.gpux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.PullOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored versions through the library, per workspace: two workspaces pointed at two Hubs that both
 * have {@code acme/m} (the same model file, another README) each pull and run their own, share the
 * equal file, and update, roll back and remove inside themselves only; a third sees neither.
 */
class WorkspaceModelsTest {
  @TempDir Path home;
  @TempDir Path work;
  private FakeHfHub hubA;
  private FakeHfHub hubB;
  private String a1;
  private String b1;

  /** The index the scenario runs on: none (SQLite under GPUX_HOME) or a team's PostgreSQL. */
  private String indexUrl;

  @BeforeEach
  void start() throws Exception {
    hubA = FakeHfHub.start();
    hubB = FakeHfHub.start();
    byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx")));
    a1 = hubA.repo("acme/m").file("model.onnx", model).file("README.md", "team a").commit("one");
    b1 = hubB.repo("acme/m").file("model.onnx", model).file("README.md", "team b").commit("one");
  }

  private void createWorkspaces() {
    try (Gpux gpux = gpux()) {
      gpux.workspaces().create("team-b");
      gpux.workspaces().create("team-c");
      gpux.workspaces().set("team-b", "hf.endpoint", hubB.url());
    }
  }

  @AfterEach
  void stop() {
    hubA.close();
    hubB.close();
  }

  /** Opened in {@code workspace} ("default" when null), with HF_ENDPOINT at team a's Hub. */
  private Gpux gpux(String... workspace) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hubA.url());
    if (indexUrl != null) {
      env.put("GPUX_INDEX_URL", indexUrl);
    }
    if (workspace.length > 0) {
      env.put("GPUX_WORKSPACE", workspace[0]);
    }
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  private static String readme(Gpux gpux) throws Exception {
    return Files.readString(gpux.project("hf:acme/m").directory().resolve("README.md"));
  }

  @Test
  void eachWorkspaceKeepsRunsUpdatesAndRemovesItsOwnModel() throws Exception {
    scenario();
  }

  /**
   * A lockfile names every file by sha256, so a workspace restoring it takes another workspace's
   * copy of exactly those bytes (its own manifest, nothing fetched), even offline; a plain pull
   * offline does not, since a name and version alone say nothing across workspaces.
   */
  @Test
  void aLockfileIsRestoredFromAnotherWorkspacesEqualCopyOffline() throws Exception {
    createWorkspaces();
    try (Gpux a = gpux()) {
      Files.writeString(
          work.resolve("gpux.lock"),
          a.models().lock(List.of("hf:acme/m"), TransferListener.NONE).write());
    }
    hubA.close(); // nothing may be asked of the Hub any more
    Map<String, String> offline = new HashMap<>();
    offline.put("GPUX_HOME", home.toString());
    offline.put("HF_ENDPOINT", hubA.url());
    offline.put("GPUX_OFFLINE", "1");
    offline.put("GPUX_WORKSPACE", "team-c");
    try (Gpux c = Gpux.open(work, GpuxSettings.fromEnvironment(offline, home))) {
      GpuxException pull =
          assertThrows(
              GpuxException.class,
              () ->
                  c.models()
                      .pull("hf:acme/m@" + a1, PullOptions.defaults(), TransferListener.NONE));
      assertTrue(pull.getMessage().contains("GPUX_OFFLINE"), pull.getMessage());
      var restored = c.models().sync("gpux.lock", TransferListener.NONE);
      assertEquals(1, restored.models().size());
      assertEquals(
          List.of(a1), c.storage().list().stream().map(m -> m.manifest().version()).toList());
      assertEquals("team a", readme(c));
    }
    try (Gpux a = gpux()) {
      a.models().remove("hf:acme/m");
      a.storage().prune(false, true);
    }
    offline.put("GPUX_WORKSPACE", "team-c");
    try (Gpux c = Gpux.open(work, GpuxSettings.fromEnvironment(offline, home))) {
      assertEquals("team a", readme(c), "team-c's own copy stays when default removes its own");
    }
  }

  /** The same with the index on a real PostgreSQL, as a team shares it. */
  @Test
  @io.gpux.testing.Slow
  void theSameOnAPostgresIndex() throws Exception {
    io.gpux.testing.Postgres pg = io.gpux.testing.Postgres.shared();
    indexUrl = pg.url(pg.newDatabase());
    scenario();
    assertFalse(Files.exists(home.resolve("index.db")), "the index is on PostgreSQL");
  }

  private void scenario() throws Exception {
    createWorkspaces();
    try (Gpux a = gpux()) {
      a.models().pull("hf:acme/m", PullOptions.defaults(), TransferListener.NONE);
      assertEquals("team a", readme(a));
    }
    try (Gpux b = gpux("team-b")) {
      var pulled = b.models().pull("hf:acme/m", PullOptions.defaults(), TransferListener.NONE);
      assertEquals(b1, pulled.manifest().version());
      assertEquals(1, pulled.filesDownloaded(), "model.onnx is in the store already: " + pulled);
      assertEquals("team b", readme(b));
      assertEquals(
          List.of(b1), b.storage().list().stream().map(m -> m.manifest().version()).toList());
      assertTrue(Files.isRegularFile(b.project("hf:acme/m").modelFile()));
    }
    try (Gpux c = gpux("team-c")) {
      assertTrue(c.storage().list().isEmpty());
      GpuxException missing = assertThrows(GpuxException.class, () -> c.project("hf:acme/m"));
      assertEquals(ErrorCategory.NOT_FOUND, missing.category());
      assertTrue(
          missing
              .getMessage()
              .contains(
                  "hf:acme/m is not in the store of workspace team-c; workspace default, team-b have it"),
          missing.getMessage());
      GpuxException lineage =
          assertThrows(GpuxException.class, () -> c.models().lineage("hf:acme/m@" + a1));
      assertTrue(lineage.getMessage().contains("workspace team-c"), lineage.getMessage());
      assertThrows(GpuxException.class, () -> c.models().remove("hf:acme/m"));
      assertTrue(c.versions().outdated(List.of()).isEmpty(), "nothing stored here to check");
    }

    // team b's Hub moves on: team b updates and rolls back inside itself; default stays.
    String b2 = hubB.repo("acme/m").file("README.md", "team b, later").commit("two");
    try (Gpux b = gpux("team-b")) {
      assertEquals(1, b.versions().update(List.of(), false, TransferListener.NONE).size());
      assertEquals("team b, later", readme(b));
      assertEquals(b2, b.models().findStored(b.models().reference("hf:acme/m")).version());
      b.versions().rollback("hf:acme/m", null);
      assertEquals("team b", readme(b));
    }
    try (Gpux a = gpux()) {
      assertEquals("team a", readme(a));
      var checks = a.versions().outdated(List.of());
      assertEquals(1, checks.size());
      assertEquals(a1, checks.get(0).remote(), "default asks its own Hub: " + checks);
      // rm in default; prune keeps what team b's manifests name.
      a.models().remove("hf:acme/m");
      a.storage().prune(false, true);
      assertTrue(a.storage().list().isEmpty());
    }
    try (Gpux b = gpux("team-b")) {
      assertEquals(2, b.storage().list().size());
      assertTrue(b.storage().verify().problems().isEmpty(), b.storage().verify().toString());
      assertEquals("team b", readme(b));
      assertNotEquals(a1, b1);
      assertFalse(b.workspaces().show("team-b").empty());
    }
  }
}
