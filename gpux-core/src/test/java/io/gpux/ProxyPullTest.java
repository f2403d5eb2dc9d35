package io.gpux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.registry.PullOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Tinyproxy;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.RecordedRequest;
import io.gpux.testing.wandb.FakeWandb;
import io.gpux.transfer.TransferListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls through a real HTTP proxy (Debian's tinyproxy) started on loopback: the proxy variables
 * with curl's rules, the proxy's own Basic credentials, and {@code no_proxy}. The registries' test
 * servers are on 127.0.0.1 too, so the proxy's log proves each request really went through it.
 */
class ProxyPullTest {
  private static final String TOKEN = "hf_proxySecretToken0123456789";
  private static final String USER = "alice";
  private static final String PASSWORD = "pr0xy-Secret";
  @TempDir Path home;
  @TempDir Path work;
  private FakeHfHub hub;
  private Tinyproxy proxy;
  private byte[] weights;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Tinyproxy.available(), "tinyproxy is not installed (apt-get install tinyproxy)");
    proxy = Tinyproxy.start(work.resolve("proxy"), USER, PASSWORD);
    hub = FakeHfHub.start().requireToken(TOKEN);
    weights = new byte[17 << 20]; // over 16 MB: read from a socket, not the JDK client
    new Random(3).nextBytes(weights);
    hub.repo("acme/adder")
        .file("model.onnx", Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx"))))
        .lfsFile("model.onnx_data", weights)
        .file("config.json", "{}")
        .commit("initial");
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private Gpux gpux(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
    env.put("HF_TOKEN", TOKEN);
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  private PullResult pull(Gpux g, String ref) {
    return g.models().pull(ref, PullOptions.defaults(), TransferListener.NONE);
  }

  @Test
  void aHuggingFacePullGoesThroughTheProxyWithItsCredentialsOnBothPaths() throws Exception {
    try (Gpux g = gpux("http_proxy", proxy.url(USER, PASSWORD))) {
      PullResult r = pull(g, "hf:acme/adder");
      assertEquals(4, r.manifest().files().size(), r.manifest().files().toString());
    }
    List<String> proxied = proxy.requests();
    String hubHost = "127.0.0.1:" + hub.port();
    assertTrue(
        proxied.stream().anyMatch(l -> l.startsWith("GET http://" + hubHost + "/api/models/")),
        proxied.toString());
    assertTrue(
        proxied.stream().anyMatch(l -> l.contains(hubHost + "/acme/adder/resolve/")),
        "the JDK client's requests: " + proxied);
    assertTrue(
        proxied.stream()
            .anyMatch(l -> l.startsWith("GET http://localhost:" + hub.port() + "/cdn/")),
        "the 17 MB file on the socket path, after the redirect to the CDN host: " + proxied);
    for (RecordedRequest q : hub.requests()) {
      assertTrue(
          String.valueOf(q.header("via")).contains("tinyproxy"), "not through the proxy: " + q);
      assertEquals(null, q.header("proxy-authorization"), "the proxy's password reached " + q);
      if (q.isCdn()) {
        assertFalse(q.hasAuthorization(), "the token went to the CDN host: " + q);
      }
    }
    assertNoFileHolds(PASSWORD);
  }

  @Test
  void aProxyThatWantsCredentialsSaysSoClearly() {
    // (tinyproxy answers wrong credentials with a 401 of its own, which cannot be told from the
    // registry's; a missing one gets the standard 407.)
    GpuxException e;
    try (Gpux g = gpux("HTTP_PROXY", proxy.url(null, null))) {
      e = assertThrows(GpuxException.class, () -> pull(g, "hf:acme/adder"));
    }
    assertEquals(ErrorCategory.INVALID_INPUT, e.category(), e.problem());
    assertEquals(
        "the proxy 127.0.0.1:"
            + proxy.port()
            + " refused to work without credentials (HTTP 407) for 127.0.0.1:"
            + hub.port(),
        e.problem());
    assertTrue(e.hint().contains("http://user:password@host:port"), e.hint());
    assertTrue(hub.requests().isEmpty(), "nothing reached the Hub");
  }

  @Test
  void noProxyBypassesTheProxy() throws Exception {
    try (Gpux g =
        gpux(
            "HTTP_PROXY",
            proxy.url(USER, PASSWORD),
            "NO_PROXY",
            "example.com,127.0.0.1,localhost")) {
      pull(g, "hf:acme/adder");
    }
    assertEquals(List.of(), proxy.requests());
    assertTrue(hub.requests().stream().allMatch(q -> q.header("via") == null));
  }

  @Test
  void aLowerCaseVariableWinsOverTheUpperCaseOne() throws Exception {
    // curl's rule: http_proxy over HTTP_PROXY; here the upper-case one points nowhere.
    try (Gpux g =
        gpux(
            "http_proxy", proxy.url(USER, PASSWORD),
            "HTTP_PROXY", "http://127.0.0.1:9",
            "no_proxy", "localhost")) {
      pull(g, "hf:acme/adder");
    }
    List<String> proxied = proxy.requests();
    assertFalse(proxied.isEmpty());
    assertTrue(proxied.stream().noneMatch(l -> l.contains("localhost:")), proxied.toString());
  }

  @Test
  void aWandbPullGoesThroughTheProxy() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("wb.onnx")));
    String key = "local-proxyTestKey0123456789abcdefghijklmnopqrstuv";
    try (FakeWandb wb = FakeWandb.start().requireApiKey(key)) {
      wb.artifact("acme", "mnist", "adder", "model").file("model.onnx", model).commit();
      try (Gpux g =
          gpux(
              "WANDB_BASE_URL", wb.url(),
              "WANDB_API_KEY", key,
              "http_proxy", proxy.url(USER, PASSWORD))) {
        PullResult r = pull(g, "wandb:acme/mnist/adder:v0");
        assertTrue(r.manifest().files().size() >= 1);
      }
      String wbHost = wb.url().replace("http://", "");
      List<String> proxied = proxy.requests();
      assertTrue(
          proxied.stream().anyMatch(l -> l.equals("POST http://" + wbHost + "/graphql")),
          proxied.toString());
    }
  }

  private void assertNoFileHolds(String secret) throws Exception {
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (Files.size(f) < (1 << 20)) {
          assertFalse(
              new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret),
              f + " holds the secret");
        }
      }
    }
  }
}
