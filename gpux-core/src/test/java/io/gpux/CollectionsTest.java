package io.gpux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.batch.BatchListener;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.collection.CollectionItem;
import io.gpux.collection.ModelCollection;
import io.gpux.config.GpuxSettings;
import io.gpux.error.GpuxException;
import io.gpux.lock.Lockfile;
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
 * Collections and workspaces through the library, against a fake Hub: exact versions pinned on add,
 * followed names, all-or-nothing changes, batch pull and lock, import of a Hub collection, and
 * workspaces that keep their names and collections apart over one shared store.
 */
class CollectionsTest {
  @TempDir Path home;
  @TempDir Path work;
  private FakeHfHub hub;
  private String a1;
  private String b1;

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx")));
    a1 = hub.repo("acme/a").file("model.onnx", model).commit("a1");
    b1 = hub.repo("acme/b").file("model.onnx", model).file("README.md", "b").commit("b1");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private Gpux gpux(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  @Test
  void addingPinsTheExactVersionAndFollowKeepsTheMovableName() {
    try (Gpux gpux = gpux()) {
      gpux.collections().create("vision", "image models");
      gpux.collections().add("vision", List.of("hf:acme/a"), "baseline", false);
      gpux.collections().add("vision", List.of("acme/b@main"), null, true);
      hub.repo("acme/a").file("README.md", "new").commit("a2");

      ModelCollection c = gpux.collections().show("vision");
      assertEquals("image models", c.description());
      assertEquals(2, c.size());
      CollectionItem a = c.items().get(0);
      assertEquals("hf:acme/a@" + a1, a.reference(), "pinned at the commit it named when added");
      assertEquals(a1, a.version());
      assertEquals("baseline", a.note());
      assertFalse(a.follow());
      CollectionItem b = c.items().get(1);
      assertEquals("hf:acme/b@main", b.reference());
      assertTrue(b.follow());
      assertNull(b.version());
      assertEquals(List.of("hf:acme/b@main"), gpux.collections().followed("vision"));
      assertTrue(gpux.storage().list().isEmpty(), "adding asks the registry, downloads nothing");
    }
  }

  @Test
  void aBadReferenceAmongSeveralChangesNothing() {
    try (Gpux gpux = gpux()) {
      gpux.collections().create("c", null);
      assertThrows(
          GpuxException.class,
          () -> gpux.collections().add("c", List.of("hf:acme/a", "hf:acme/missing"), null, false));
      assertEquals(0, gpux.collections().show("c").size());
      gpux.collections().add("c", List.of("hf:acme/a"), null, false);
      GpuxException notThere =
          assertThrows(
              GpuxException.class,
              () -> gpux.collections().remove("c", List.of("hf:acme/a", "hf:acme/b")));
      assertTrue(notThere.getMessage().contains("hf:acme/b is not in collection 'c'"));
      assertEquals(1, gpux.collections().show("c").size(), "nothing removed");
      assertEquals(1, gpux.collections().remove("c", List.of("hf:acme/a")).size());
      assertEquals(0, gpux.collections().show("c").size());
    }
  }

  @Test
  void namesAreCheckedAndUnknownOnesNameTheClosest() {
    try (Gpux gpux = gpux()) {
      GpuxException bad =
          assertThrows(GpuxException.class, () -> gpux.collections().create("a b", null));
      assertTrue(bad.getMessage().contains("not a valid collection name"), bad.getMessage());
      gpux.collections().create("vision", null);
      GpuxException dup =
          assertThrows(GpuxException.class, () -> gpux.collections().create("vision", null));
      assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());
      GpuxException unknown =
          assertThrows(GpuxException.class, () -> gpux.collections().show("visoin"));
      assertTrue(unknown.hint().contains("did you mean vision?"), unknown.hint());

      gpux.collections().create("text", null);
      GpuxException taken =
          assertThrows(GpuxException.class, () -> gpux.collections().rename("text", "vision"));
      assertTrue(taken.getMessage().contains("already exists"));
      gpux.collections().rename("text", "nlp");
      assertEquals(
          List.of("nlp", "vision"),
          gpux.collections().list().stream().map(ModelCollection::name).toList());
      gpux.collections().delete("nlp");
      assertEquals(1, gpux.collections().list().size());
    }
  }

  @Test
  void aCollectionIsABatchPullAndALockfile() {
    try (Gpux gpux = gpux()) {
      gpux.collections().create("set", null);
      gpux.collections().add("set", List.of("hf:acme/a", "hf:acme/b"), null, false);
      BatchPullReport report =
          gpux.collections().pull("set", BatchPullOptions.defaults(), BatchListener.NONE);
      assertTrue(report.succeeded());
      assertEquals(2, gpux.storage().list().size());
      Lockfile lock = gpux.collections().lock("set", TransferListener.NONE);
      assertEquals(
          java.util.Set.of(a1, b1),
          lock.models().stream()
              .map(io.gpux.lock.LockedModel::version)
              .collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Test
  void aHubCollectionIsImported() {
    hub.collection(
        "acme/favourites-0123456789abcdef01234567",
        "Favourites",
        "our picks",
        List.of("acme/a", "acme/b"),
        java.util.Arrays.asList("the first", null));
    try (Gpux gpux = gpux()) {
      ModelCollection c =
          gpux.collections()
              .importFrom("hf:collections/acme/favourites-0123456789abcdef01234567", "fav", false);
      assertEquals("fav", c.name());
      assertEquals("Favourites: our picks", c.description());
      assertEquals("hf:collections/acme/favourites-0123456789abcdef01234567", c.source());
      assertEquals(List.of("hf:acme/a@" + a1, "hf:acme/b@" + b1), c.references());
      assertEquals("the first", c.items().get(0).note());
      GpuxException missing =
          assertThrows(
              GpuxException.class,
              () -> gpux.collections().importFrom("hf:collections/acme/none", null, false));
      assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }
    assertTrue(hub.unknownRoutes().isEmpty(), hub.unknownRoutes().toString());
  }

  @Test
  void workspacesKeepNamesAndCollectionsApartOverOneStore() {
    try (Gpux gpux = gpux()) {
      gpux.models().pull("hf:acme/a", PullOptions.defaults(), TransferListener.NONE);
      gpux.collections().create("mine", null);
      gpux.workspaces().create("team-a");
      GpuxException dup =
          assertThrows(GpuxException.class, () -> gpux.workspaces().create("team-a"));
      assertTrue(dup.getMessage().contains("already exists"));
    }
    try (Gpux teamA = gpux("GPUX_WORKSPACE", "team-a")) {
      assertEquals("team-a", teamA.workspaces().current());
      assertTrue(teamA.versions().localNames("hf:acme/a").isEmpty(), "default's tags are not here");
      assertTrue(teamA.collections().list().isEmpty(), "nor its collections");
      teamA.models().pull("hf:acme/a", PullOptions.defaults(), TransferListener.NONE);
      assertEquals(1, teamA.versions().localNames("hf:acme/a").size());
    }
    try (Gpux gpux = gpux()) {
      gpux.models().remove("hf:acme/a");
      gpux.storage().prune(false, true);
    }
    try (Gpux teamA = gpux("GPUX_WORKSPACE", "team-a")) {
      assertEquals(1, teamA.storage().list().size(), "rm in default keeps what team-a still uses");
      assertTrue(teamA.project("hf:acme/a").modelFile().toFile().isFile());
      GpuxException notEmpty =
          assertThrows(GpuxException.class, () -> teamA.workspaces().delete("team-a", false));
      assertTrue(notEmpty.hint().contains("--force"), notEmpty.hint());
      teamA.workspaces().delete("team-a", true);
    }
    try (Gpux gone = gpux("GPUX_WORKSPACE", "team-a")) {
      GpuxException unknown = assertThrows(GpuxException.class, () -> gone.storage().list());
      assertTrue(unknown.getMessage().contains("no workspace 'team-a'"), unknown.getMessage());
    }
  }

  @Test
  void aWorkspaceSetsItsOwnEndpointsAndNeverSecrets() {
    try (Gpux gpux = gpux()) {
      gpux.workspaces().create("team-b");
      GpuxException secret =
          assertThrows(
              GpuxException.class, () -> gpux.workspaces().set("team-b", "hf.token", "hf_x"));
      assertTrue(secret.getMessage().contains("does not keep secrets"));
      assertThrows(
          GpuxException.class,
          () -> gpux.workspaces().set("team-b", "mlflow.tracking_uri", "http://u:p@host:5000"));
      gpux.workspaces().set("team-b", "hf.endpoint", "http://127.0.0.1:9");
      assertEquals(
          Map.of("hf.endpoint", "http://127.0.0.1:9"), gpux.workspaces().show("team-b").settings());
    }
    try (Gpux teamB = gpux("GPUX_WORKSPACE", "team-b")) {
      // team-b's Hub is another (unreachable) one, whatever HF_ENDPOINT says.
      GpuxException unreachable =
          assertThrows(
              GpuxException.class,
              () ->
                  teamB.models().pull("hf:acme/a", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(unreachable.getMessage().contains("127.0.0.1:9"), unreachable.getMessage());
    }
  }
}
