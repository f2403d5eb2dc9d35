package io.gpux.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.HttpTransport;
import io.gpux.transfer.RetryPolicy;
import io.gpux.transfer.TransferListener;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A registry that cannot be reached says why at once: a host that does not resolve, a port nothing
 * listens on. Waiting cannot fix either, so neither is retried, and the hint names the variable of
 * that registry.
 */
class UnreachableRegistryTest {
  @TempDir Path home;

  /** A loopback port with nothing listening: connections to it are refused. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private GpuxException pull(String variable, String url, String reference) {
    Map<String, String> env =
        Map.of("GPUX_HOME", home.toString(), variable, url, "HF_TOKEN", "t", "WANDB_API_KEY", "k");
    try (Gpux g = Gpux.open(home, GpuxSettings.fromEnvironment(env, home))) {
      return assertThrows(
          GpuxException.class,
          () ->
              g.models()
                  .pull(reference, io.gpux.registry.PullOptions.defaults(), TransferListener.NONE));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "HF_ENDPOINT, hf:acme/adder",
    "MLFLOW_TRACKING_URI, mlflow:adder/1",
    "WANDB_BASE_URL, wandb:acme/mnist/adder:v0"
  })
  void aRefusedConnectionIsNamedWithThePortAndTheRegistrysVariable(
      String variable, String reference) throws Exception {
    int port = closedPort();
    GpuxException e = pull(variable, "http://127.0.0.1:" + port, reference);
    assertEquals(ErrorCategory.UNAVAILABLE, e.category(), e.problem());
    assertEquals("connection refused by 127.0.0.1:" + port, e.problem());
    assertTrue(e.hint().contains(variable), e.hint());
    for (String other : List.of("HF_ENDPOINT", "MLFLOW_TRACKING_URI", "WANDB_BASE_URL")) {
      assertTrue(other.equals(variable) || !e.hint().contains(other), e.hint());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "HF_ENDPOINT, hf:acme/adder",
    "MLFLOW_TRACKING_URI, mlflow:adder/1",
    "WANDB_BASE_URL, wandb:acme/mnist/adder:v0"
  })
  void aHostThatDoesNotResolveIsNamed(String variable, String reference) {
    // .invalid never resolves (RFC 6761).
    GpuxException e = pull(variable, "http://registry.gpux-test.invalid:8080", reference);
    assertEquals(ErrorCategory.UNAVAILABLE, e.category(), e.problem());
    assertEquals("cannot resolve host registry.gpux-test.invalid", e.problem());
    assertTrue(e.hint().contains(variable), e.hint());
  }

  @Test
  void neitherIsRetried() throws Exception {
    List<Long> sleeps = new ArrayList<>();
    HttpTransport http =
        new HttpTransport(HttpClient.newHttpClient(), RetryPolicy.defaults(), sleeps::add, false);
    for (String url :
        List.of("http://127.0.0.1:" + closedPort() + "/x", "http://host.gpux-test.invalid/x")) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  http.send(HttpCall.get(URI.create(url)), HttpResponse.BodyHandlers.discarding()));
      assertFalse(e.problem().contains("attempts"), e.problem());
    }
    assertEquals(List.of(), sleeps, "no backoff for what waiting cannot fix");
  }
}
