package io.gpux.registry.torchhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.GpuxInternals;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.Conversion;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.Tracking;
import io.gpux.registry.Versioned;
import io.gpux.testing.torchhub.FakeGitHub;
import io.gpux.testing.torchhub.HubRepos;
import java.nio.charset.StandardCharsets;
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
 * The plug-in's resolution against the GitHub stand-in, without Python: torch.hub's default branch
 * probe, the ref check over paged branches and tags, commits, trust, the token's host, versions and
 * the update check.
 */
class TorchHubRegistryTest {
  private static final String TOKEN = "ghp_torchHubTestSecret0123456789";
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeGitHub github;
  private Gpux gpux;
  private String v1;

  @BeforeEach
  void start() {
    github = FakeGitHub.start().pageSize(2);
    FakeGitHub.Repo repo = github.repo("someone", "hub");
    v1 = repo.push("main", HubRepos.tinyCnn(1));
    repo.branch("dev", v1).branch("feature/x", v1).tag("v1.0", v1).tag("v0.9", v1);
    github.repo("other", "oldhub").push("master", HubRepos.tinyCnn(1));
    gpux = open(Map.of(), false);
  }

  private Gpux open(Map<String, String> extra, boolean offline) {
    Map<String, String> env = new HashMap<>(github.env());
    env.put("GITHUB_TOKEN", TOKEN);
    env.put("GPUX_HOME", home.toString());
    env.putAll(extra);
    if (offline) {
      env.put("GPUX_OFFLINE", "1");
    }
    return Gpux.open(cwd, GpuxSettings.fromEnvironment(env, home));
  }

  @AfterEach
  void stop() {
    gpux.close();
    github.close();
    assertEquals(List.of(), github.unknownRequests());
  }

  private Registry registry() {
    return GpuxInternals.registries(gpux).get("torchhub");
  }

  private ResolvedModel resolve(String ref, boolean trust) {
    return registry()
        .resolve(gpux.models().reference(ref), PullOptions.defaults().withTrust(trust));
  }

  @Test
  void noRefProbesMainThenMasterAsTorchHub() {
    ResolvedModel m = resolve("torchhub:someone/hub/tiny_cnn", true);
    assertEquals("main", m.requested());
    assertEquals(v1, m.version());
    assertEquals("someone/hub/tiny_cnn", m.name());
    ResolvedModel old = resolve("torchhub:other/oldhub/tiny_cnn", true);
    assertEquals("master", old.requested());
    assertTrue(
        github.requests().contains("web GET /someone/hub/tree/main/"),
        github.requests().toString());
    assertTrue(
        github.requests().contains("web GET /other/oldhub/tree/main/"),
        github.requests().toString());
  }

  @Test
  void aTagOnTheSecondPageResolvesToItsCommitAndTheConversionIsDescribed() {
    ResolvedModel m = resolve("torchhub:someone/hub:v0.9/tiny_cnn?num_classes=3", true);
    assertEquals(v1, m.version());
    assertEquals("v0.9", m.requested());
    assertEquals("someone/hub/tiny_cnn?num_classes=3", m.name());
    assertEquals(1, m.files().size());
    assertEquals("repository.zip", m.files().get(0).path());
    assertTrue(m.files().get(0).download().uri().toString().endsWith("/zipball/" + v1));
    Conversion c = m.conversion();
    assertEquals("pytorch", c.framework());
    assertEquals("tiny_cnn", c.parameters().get(Conversion.PARAM_ENTRYPOINT));
    assertEquals("num_classes=3", c.parameters().get(Conversion.PARAM_ARGUMENTS));
    assertEquals("torchhub:someone/hub:" + v1 + "/tiny_cnn?num_classes=3", c.reference());
    assertEquals(v1, m.lineage().get("torchhub.commit"));
    assertEquals("tag", m.lineage().get("torchhub.ref_kind"));
    assertEquals("num_classes=3", m.lineage().get("torchhub.arguments"));
    // Branches (three pages of two, the third partly full), then tags up to the match.
    List<String> api = github.requests().stream().filter(r -> r.startsWith("api ")).toList();
    assertEquals(
        List.of(
            "api GET /repos/someone/hub/branches?per_page=100&page=1 (token)",
            "api GET /repos/someone/hub/branches?per_page=100&page=2 (token)",
            "api GET /repos/someone/hub/tags?per_page=100&page=1 (token)"),
        api);
  }

  @Test
  void theTokenGoesToTheApiHostOnly() {
    resolve("torchhub:someone/hub/tiny_cnn", true);
    for (String r : github.requests()) {
      assertEquals(r.startsWith("api "), r.endsWith("(token)"), r);
    }
  }

  @Test
  void aCommitShaAndItsPrefixResolve() {
    assertEquals(v1, resolve("torchhub:someone/hub:" + v1 + "/tiny_cnn", true).version());
    assertNull(resolve("torchhub:someone/hub:" + v1 + "/tiny_cnn", true).requested());
    assertEquals(
        v1, resolve("torchhub:someone/hub:" + v1.substring(0, 10) + "/tiny_cnn", true).version());
    // A commit no branch or tag points at: found by the commits endpoint.
    String old = github.repo("someone", "hub").commit(HubRepos.tinyCnn(0));
    assertEquals(old, resolve("torchhub:someone/hub:" + old + "/tiny_cnn", true).version());
  }

  @Test
  void aRefNotInTheRepositoryIsNotFoundAndNamesTheRefs() {
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> resolve("torchhub:someone/hub:nope/tiny_cnn", true));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.problem().contains("has no branch, tag or commit 'nope'"), e.problem());
    assertTrue(e.hint().contains("main, dev, feature/x"), e.hint());
    assertTrue(e.hint().contains("gpux versions torchhub:someone/hub"), e.hint());
    String unknown = "f".repeat(40);
    assertThrows(
        GpuxException.class, () -> resolve("torchhub:someone/hub:" + unknown + "/tiny_cnn", true));
  }

  @Test
  void aMissingRepositoryIsNotFound() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> resolve("torchhub:someone/nothing:main/m", true));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.problem().contains("GitHub has no repository someone/nothing"), e.problem());
  }

  @Test
  void anUntrustedRepositoryIsRefusedBeforeAnyRequestNamingTrust() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> resolve("torchhub:someone/hub/tiny_cnn", false));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains("torchhub:someone/hub is not trusted"), e.problem());
    assertTrue(e.hint().contains("--trust"), e.hint());
    assertEquals(List.of(), github.requests(), "nothing was asked of GitHub");
  }

  @Test
  void trustIsRememberedInTorchHubsFormat() throws Exception {
    resolve("torchhub:someone/hub/tiny_cnn", true);
    Path list = home.resolve("torchhub/trusted_list");
    assertEquals("someone_hub\n", Files.readString(list, StandardCharsets.UTF_8));
    resolve("torchhub:someone/hub:dev/tiny_cnn", false); // trusted now
    resolve("torchhub:someone/hub/tiny_cnn", true);
    assertEquals("someone_hub\n", Files.readString(list), "listed once");
  }

  @Test
  void aTrustedListWrittenByHandAndTorchHubsOwnersAreTrusted() throws Exception {
    Files.createDirectories(home.resolve("torchhub"));
    Files.writeString(home.resolve("torchhub/trusted_list"), "other_oldhub\n");
    resolve("torchhub:other/oldhub/tiny_cnn", false);
    github.repo("pytorch", "vision").push("main", HubRepos.tinyCnn(1));
    resolve("torchhub:pytorch/vision/tiny_cnn", false);
  }

  @Test
  void aReferenceWithoutEntrypointIsRefusedForAPull() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> resolve("torchhub:someone/hub:dev", true));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.hint().contains("torchhub:someone/hub:dev/ENTRYPOINT"), e.hint());
  }

  @Test
  void versionsListBranchesAndTagsByCommit() {
    List<RemoteVersion> vs =
        ((Versioned) registry()).versions(gpux.models().reference("torchhub:someone/hub"));
    assertEquals(1, vs.size(), vs.toString());
    assertEquals(v1, vs.get(0).version());
    assertEquals(List.of("main", "dev", "feature/x", "v1.0", "v0.9"), vs.get(0).tags());
    assertTrue(vs.get(0).description().contains("tag v1.0"), vs.get(0).description());
  }

  @Test
  void theHeadFollowsABranchThatMoved() {
    Tracking t = (Tracking) registry();
    var movable = t.movable("someone/hub/tiny_cnn", "dev", Map.of());
    RemoteHead same = t.head(movable, PullOptions.defaults(), v1);
    assertEquals(v1, same.version());
    assertNull(same.files());
    String v2 = github.repo("someone", "hub").push("dev", HubRepos.tinyCnn(2));
    RemoteHead moved = t.head(movable, PullOptions.defaults(), v1);
    assertEquals(v2, moved.version());
    assertEquals("repository.zip", moved.files().get(0).path());
  }

  @Test
  void offlineNothingIsAsked() {
    gpux.close();
    gpux = open(Map.of(), true);
    GpuxException e =
        assertThrows(GpuxException.class, () -> resolve("torchhub:someone/hub/tiny_cnn", true));
    assertTrue(
        e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("offline"), e.getMessage());
    assertEquals(List.of(), github.requests());
  }

  @Test
  void theEndpointVariablesAreChecked() {
    gpux.close();
    gpux = open(Map.of("GPUX_GITHUB_URL", "ftp://x"), false);
    GpuxException e = assertThrows(GpuxException.class, this::registry);
    assertTrue(e.problem().contains("GPUX_GITHUB_URL"), e.problem());
    assertFalse(e.getMessage().contains(TOKEN));
  }
}
