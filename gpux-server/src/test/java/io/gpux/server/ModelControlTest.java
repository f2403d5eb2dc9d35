package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Explicit model control: load and unload at run time, with requests running. */
class ModelControlTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BODY =
      "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [0, 0, 0, 0]}]}";
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> freed = new ArrayList<>();
  private InferenceServer server;

  private final ModelLoader loader =
      new ModelLoader() {
        @Override
        public ServedModel load(String reference) {
          InferenceModel m = gpux.load(reference, RuntimeOptions.defaults());
          return new ServedModel(m.project().name(), m.project().config().version(), m);
        }

        @Override
        public void unload(ServedModel model) {
          synchronized (freed) {
            freed.add(model.name());
          }
          gpux.unload(model.model());
        }
      };

  @BeforeEach
  void start() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("one")));
    Files.writeString(dir.resolve("one/gpux.yml"), "name: one\nmodel: {source: ./add_one.onnx}\n");
    Path two = Files.createDirectories(dir.resolve("two"));
    OnnxModels.addOne(two);
    Files.writeString(two.resolve("gpux.yml"), "name: two\nmodel: {source: ./add_one.onnx}\n");
    server =
        InferenceServer.start(
            List.of(loader.load(dir.resolve("one").toString())),
            ServerOptions.defaults().withAddress("127.0.0.1", 0),
            loader);
    assertTrue(server.awaitReady(30_000));
  }

  @AfterEach
  void stop() {
    server.close(0);
    gpux.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitCount(java.util.concurrent.atomic.AtomicInteger count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  private List<String> index() throws Exception {
    List<String> states = new ArrayList<>();
    MAPPER
        .readTree(post("/v2/repository/index", "").body())
        .forEach(m -> states.add(m.get("name").asText() + ":" + m.get("state").asText()));
    return states;
  }

  @Test
  void loadsAndUnloadsModelsAtRunTime() throws Exception {
    String two = java.net.URLEncoder.encode(dir.resolve("two").toString(), "UTF-8");
    assertEquals(404, post("/v2/models/two/infer", BODY).statusCode());
    assertEquals(200, post("/v2/repository/models/" + two + "/load", "{}").statusCode());
    assertEquals(200, post("/v2/models/two/infer", BODY).statusCode());
    assertEquals(List.of("one:READY", "two:READY"), index());

    assertEquals(200, post("/v2/repository/models/one/unload", "{}").statusCode());
    assertEquals(List.of("one"), freed, "the unloaded model's session is freed");
    HttpResponse<String> gone = post("/v2/models/one/infer", BODY);
    assertEquals(404, gone.statusCode());
    assertTrue(gone.body().contains("\"error\""), gone.body());
    assertEquals(List.of("two:READY", "one:UNAVAILABLE"), index());
    assertEquals(404, post("/v2/repository/models/nope/unload", "{}").statusCode());
    HttpResponse<String> bad = post("/v2/repository/models/no-such-dir/load", "{}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("cannot load no-such-dir"), bad.body());
  }

  @Test
  void anUnloadWaitsForTheRequestsRunningOnTheModel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger answered =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<Future<?>> callers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        callers.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    int status = post("/v2/models/one/infer", BODY).statusCode();
                    if (status == 200) {
                      answered.incrementAndGet();
                    } else if (status == 404) {
                      refused.incrementAndGet();
                    } else {
                      throw new AssertionError("status " + status);
                    }
                  }
                  return null;
                }));
      }
      // Unload while requests are being answered, then let the callers see the refusals; both
      // waits are on counts, not on time.
      awaitCount(answered);
      assertEquals(200, post("/v2/repository/models/one/unload", "{}").statusCode());
      awaitCount(refused);
      stop.set(true);
      for (Future<?> f : callers) {
        f.get(30, TimeUnit.SECONDS);
      }
      int ok = answered.get();
      int gone = refused.get();
      assertTrue(ok > 0 && gone > 0, "answered before, refused after: " + ok + "/" + gone);
      JsonNode health = MAPPER.readTree(post("/v2/repository/index", "").body());
      assertEquals("UNAVAILABLE", health.get(0).get("state").asText());
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }
}
