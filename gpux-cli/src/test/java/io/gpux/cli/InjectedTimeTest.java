package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.config.GpuxSettings;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test's clock and sleeper reach the library under the CLI's commands ({@code Main.run} with a
 * settings hook), so CLI-level tests neither wait for real nor depend on today's date.
 */
class InjectedTimeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant THEN = Instant.parse("2031-02-03T04:05:06Z");
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeHfHub hub;
  private Map<String, String> env;
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();
  private final UnaryOperator<GpuxSettings> time =
      s -> s.withTime(Clock.fixed(THEN, ZoneOffset.UTC), sleeps::add);

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    hub.repo("acme/digits")
        .lfsFile(
            "onnx/model.onnx",
            Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
        .commit("initial");
    env = Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  @Test
  void theStoreRecordsPullsAtTheInjectedClocksTime() throws Exception {
    assertEquals(0, CliResult.run(cwd, env, time, "pull", "hf:acme/digits").exitCode());
    CliResult list = CliResult.run(cwd, env, time, "list", "--json");
    assertEquals(THEN.toString(), MAPPER.readTree(list.out()).get(0).get("pulled_at").asText());
  }

  @Test
  void retryWaitsGoThroughTheInjectedSleeper() {
    // A minute's Retry-After that must not be waited for.
    hub.faults().next("onnx/model.onnx", Fault.status(503, Duration.ofSeconds(60)));
    CliResult pull = CliResult.run(cwd, env, time, "pull", "hf:acme/digits");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("retrying"), pull.toString());
    assertEquals(List.of(60_000L), sleeps, "the server's Retry-After, waited through the sleeper");
  }
}
