package io.gpux.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.inspect.ModelDescription;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every registry plug-in promises, whatever is behind it. A plug-in's test extends
 * this class, starts its (real or faithful) server in {@link #startServer}, and names a model the
 * server has and one it has not. The contract goes through the public {@link Gpux} API, the way the
 * CLI and other programs use a registry.
 */
public abstract class RegistryContract {
  @TempDir protected Path home;
  @TempDir protected Path workDir;
  private Gpux gpux;

  /**
   * Starts the server and returns the environment that points the registry at it, with credentials
   * where the server wants them.
   */
  protected abstract Map<String, String> startServer() throws Exception;

  protected abstract void stopServer() throws Exception;

  /** A reference the server has, by a movable name (an alias, a branch, latest). */
  protected abstract String existingReference();

  /** A reference to a model the server does not have. */
  protected abstract String missingReference();

  /** The secret the environment carries (a token, a password), which must never be recorded. */
  protected abstract String secret();

  @BeforeEach
  void openGpux() throws Exception {
    Map<String, String> env = new HashMap<>(startServer());
    env.put("GPUX_HOME", home.toString());
    gpux = Gpux.open(workDir, GpuxSettings.fromEnvironment(env, home));
  }

  @AfterEach
  void closeGpux() throws Exception {
    if (gpux != null) {
      gpux.close();
    }
    stopServer();
  }

  protected Gpux gpux() {
    return gpux;
  }

  private Registry registry() {
    return io.gpux.GpuxInternals.registries(gpux)
        .get(gpux.models().reference(existingReference()).registry());
  }

  @Test
  void thePluginIsDiscoveredUnderItsPrefix() {
    String prefix = gpux.models().reference(existingReference()).registry();
    Set<String> names = new HashSet<>();
    ServiceLoader.load(RegistryProvider.class).forEach(p -> names.add(p.name()));
    assertTrue(names.contains(prefix), "no RegistryProvider named " + prefix + " in " + names);
    assertEquals(prefix, registry().name());
  }

  @Test
  void resolvesToOneExactVersionTheSameEachTime() {
    ModelRef ref = gpux.models().reference(existingReference());
    ResolvedModel first = registry().resolve(ref, PullOptions.defaults());
    ResolvedModel second = registry().resolve(ref, PullOptions.defaults());
    assertNotNull(first.version());
    assertFalse(first.version().isBlank());
    assertEquals(first.version(), second.version(), "resolving is deterministic");
    assertEquals(ref.registry(), first.registry());
    assertFalse(first.files().isEmpty(), "a model has files");
    Set<String> paths = new HashSet<>();
    for (RemoteFile f : first.files()) {
      assertEquals(f.path(), ModelStore.checkFilePath(f.path()), "paths are safe and relative");
      assertTrue(paths.add(f.path()), "no path twice: " + f.path());
      assertTrue(f.size() >= -1);
      assertNotNull(f.download());
    }
    assertFalse(first.source().contains(secret()), "the source URL carries no credentials");
  }

  @Test
  void aMissingModelIsNotFoundAndTheErrorSaysWhatToDo() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                registry()
                    .resolve(gpux.models().reference(missingReference()), PullOptions.defaults()));
    assertEquals(ErrorCategory.NOT_FOUND, e.category(), e.getMessage());
    assertNotNull(e.hint(), "a not-found error says what to do: " + e.getMessage());
    assertFalse(e.getMessage().contains(secret()));
  }

  @Test
  void aPulledModelVerifiesLoadsAndPullsAgainWithoutTransfer() {
    PullResult pull =
        gpux.models().pull(existingReference(), PullOptions.defaults(), TransferListener.NONE);
    assertFalse(pull.alreadyPresent());
    VersionManifest m = pull.manifest();
    assertTrue(
        m.files().stream().anyMatch(f -> f.path().endsWith(".onnx")), "an ONNX file is stored");
    assertTrue(
        m.files().stream().anyMatch(f -> f.path().equals("gpux.yml")),
        "a gpux.yml is stored (the registry's own or a generated one)");
    for (ManifestFile f : m.files()) {
      assertTrue(
          Files.isRegularFile(io.gpux.GpuxInternals.store(gpux).blobPath(f.sha256())), f.path());
    }
    assertTrue(io.gpux.GpuxInternals.store(gpux).verify().clean(), "the store verifies clean");

    ModelDescription d = gpux.inspect(existingReference(), RuntimeOptions.defaults());
    assertFalse(d.inputs().isEmpty(), "the pulled model loads and has inputs");

    PullResult again =
        gpux.models().pull(existingReference(), PullOptions.defaults(), TransferListener.NONE);
    assertTrue(again.alreadyPresent(), "an unchanged version is not fetched again");
    assertEquals(0, again.bytesDownloaded());
    assertEquals(m.version(), again.manifest().version());
  }

  @Test
  void theSecretIsNeverRecorded() throws Exception {
    gpux.models().pull(existingReference(), PullOptions.defaults(), TransferListener.NONE);
    try (Stream<Path> files = Files.walk(home)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        if (p.getFileName().toString().endsWith(".json")
            || p.getFileName().toString().endsWith(".yml")
            || p.getFileName().toString().endsWith(".db")) {
          String text = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
          assertFalse(text.contains(secret()), "the secret is in " + home.relativize(p));
        }
      }
    }
    for (VersionManifest m : io.gpux.GpuxInternals.store(gpux).list()) {
      m.lineage().forEach((k, v) -> assertFalse(v.contains(secret()), "lineage " + k));
    }
  }

  @Test
  void theVersionsListIncludesTheResolvedVersion() {
    ModelRef ref = gpux.models().reference(existingReference());
    String version = registry().resolve(ref, PullOptions.defaults()).version();
    List<RemoteVersion> versions = ((io.gpux.registry.Versioned) registry()).versions(ref);
    assertTrue(
        versions.stream().anyMatch(v -> v.version().equals(version)),
        version + " is not in " + versions);
  }

  @Test
  void aPulledMovableNameIsCurrentAndItsHeadListsTheSameFiles() {
    VersionManifest m =
        gpux.models()
            .pull(existingReference(), PullOptions.defaults(), TransferListener.NONE)
            .manifest();
    List<io.gpux.versions.ModelCheck> checks =
        gpux.versions().outdated(List.of(existingReference()));
    assertEquals(1, checks.size(), checks.toString());
    assertEquals(io.gpux.versions.Status.CURRENT, checks.get(0).status(), checks.toString());
    assertEquals(m.version(), checks.get(0).local());
    assertEquals(m.version(), checks.get(0).remote());
    assertEquals(m.requested(), checks.get(0).localName());

    Tracking tracking = (Tracking) registry();
    ModelRef movable = tracking.movable(m.name(), m.requested(), m.lineage());
    assertEquals(m.registry(), movable.registry());
    RemoteHead head = tracking.head(movable, PullOptions.defaults(), "not-the-stored-version");
    assertEquals(m.version(), head.version());
    assertNotNull(head.files(), "a head whose version is not the stored one lists its files");
    io.gpux.versions.Changes c = io.gpux.versions.Changes.between(m, head.files());
    assertTrue(
        c.added().isEmpty() && c.removed().isEmpty() && c.changed().isEmpty(),
        "the head lists the stored version's files: " + c);
    assertEquals(0, c.bytesDelta(), c.toString());
    assertEquals(
        List.of("pulled"),
        gpux.versions().history(existingReference()).stream()
            .map(io.gpux.versions.HistoryEntry::action)
            .toList());
  }

  /** Extra environment a subclass may want to merge (kept mutable for subclasses). */
  protected static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }
}
