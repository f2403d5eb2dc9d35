package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 20 against a live server on loopback, from a client that writes exactly the
 * bytes it wants: each gets a clear 4xx (or 503) and the server keeps answering. Bounded in count;
 * no assertion is on time.
 */
class HostileClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String INFER = "/v2/models/add-one/infer";
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private ServedModel addOne;
  private InferenceServer server;

  @BeforeEach
  void start() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    addOne =
        new ServedModel(
            "add-one", "1", gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()));
    start(ServerOptions.defaults().withAddress("127.0.0.1", 0));
  }

  private void start(ServerOptions options) throws Exception {
    if (server != null) {
      server.close(0);
    }
    server = InferenceServer.start(List.of(addOne), options);
    assertTrue(server.awaitReady(30_000));
  }

  @AfterEach
  void stop() {
    server.close(0);
    gpux.close();
  }

  private RawHttp.Reply post(String path, String body, String... headers) throws Exception {
    return RawHttp.call(server.port(), RawHttp.request("POST", path, body, headers));
  }

  private RawHttp.Reply get(String path) throws Exception {
    return RawHttp.call(server.port(), RawHttp.request("GET", path, ""));
  }

  private static String error(RawHttp.Reply r) throws Exception {
    return MAPPER.readTree(r.body()).get("error").asText();
  }

  private void assertStillServing() throws Exception {
    RawHttp.Reply ok =
        post(
            INFER,
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}");
    assertEquals(200, ok.status(), ok.body());
  }

  @Test
  void aShapeWhoseElementCountOverflowsIsRefusedBeforeAnyAllocation() throws Exception {
    String body =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[4294967296,4294967296],\"datatype\":\"FP32\",\"data\":[]}]}";
    RawHttp.Reply r = post(INFER, body);
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("input 'x' has shape [4294967296, 4294967296]"), r.body());
    RawHttp.Reply big =
        post(
            INFER,
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[4294967296,4],\"datatype\":\"FP32\",\"data\":[]}]}");
    assertEquals(400, big.status(), big.body());
    assertTrue(error(big).contains("the request's size allows at most"), big.body());
    assertStillServing();
  }

  @Test
  void aShapeOfTenThousandDimensionsGets400NotAStackOverflow() throws Exception {
    String shape = "1,".repeat(9_999) + "1";
    RawHttp.Reply r =
        post(
            INFER,
            "{\"inputs\":[{\"name\":\"x\",\"shape\":["
                + shape
                + "],\"datatype\":\"FP32\",\"data\":[1]}]}");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("more than 32 dimensions"), r.body());
    // Deeply nested data is refused by rank too, for /predict as for /v2.
    RawHttp.Reply nested = post("/predict", "{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
    assertEquals(400, nested.status(), nested.body());
    assertStillServing();
  }

  @Test
  void binaryHeadersThatLieGet400BeforeAnyAllocation() throws Exception {
    // 2 GB declared, 16 bytes sent.
    assertEquals(
        400,
        binary("[8388607,64]", 2147483392L, new byte[16], null).status(),
        "a binary_data_size beyond the body");
    RawHttp.Reply shortPart = binary("[1,4]", 16, new byte[8], null);
    assertEquals(400, shortPart.status(), shortPart.body());
    assertTrue(error(shortPart).contains("the body has only 8 left"), shortPart.body());
    RawHttp.Reply trailing = binary("[1,4]", 16, new byte[20], null);
    assertEquals(400, trailing.status(), trailing.body());
    assertTrue(error(trailing).contains("4 bytes after its binary tensors"), trailing.body());
    RawHttp.Reply wrongSize = binary("[1,4]", 12, new byte[12], null);
    assertEquals(400, wrongSize.status(), wrongSize.body());
    assertTrue(error(wrongSize).contains("needs 16"), wrongSize.body());
    RawHttp.Reply negative = binary("[-1,4]", 16, new byte[16], null);
    assertEquals(400, negative.status(), negative.body());
    assertTrue(error(negative).contains("negative dimension"), negative.body());
    RawHttp.Reply overflow = binary("[9223372036854775807,4]", 16, new byte[16], null);
    assertEquals(400, overflow.status(), overflow.body());
    RawHttp.Reply minus = binary("[1,4]", 16, new byte[16], "-5");
    assertEquals(400, minus.status(), minus.body());
    assertTrue(error(minus).contains("is negative (-5)"), minus.body());
    RawHttp.Reply ok = binary("[1,4]", 16, new byte[16], null);
    assertEquals(200, ok.status(), ok.body());
  }

  /** A binary-extension request for x with this shape and declared size, then these bytes. */
  private RawHttp.Reply binary(String shape, long declared, byte[] payload, String headerLength)
      throws Exception {
    byte[] json =
        ("{\"inputs\":[{\"name\":\"x\",\"shape\":"
                + shape
                + ",\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":"
                + declared
                + "}}]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[json.length + payload.length];
    System.arraycopy(json, 0, body, 0, json.length);
    System.arraycopy(payload, 0, body, json.length, payload.length);
    return RawHttp.call(
        server.port(),
        RawHttp.request(
            "POST",
            INFER,
            body,
            "Inference-Header-Content-Length: "
                + (headerLength == null ? Integer.toString(json.length) : headerLength)));
  }

  @Test
  void outOfRangeFloatsAndWrongDatatypesGet400NamingTheInput() throws Exception {
    for (String v : List.of("1e39", "1e400", "-1e39")) {
      RawHttp.Reply r =
          post(
              INFER,
              "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,"
                  + v
                  + "]}]}");
      assertEquals(400, r.status(), v + ": " + r.body());
      assertTrue(error(r).contains("outside the range of float32"), r.body());
      RawHttp.Reply p = post("/predict", "{\"x\": [[1, 2, 3, " + v + "]]}");
      assertEquals(400, p.status(), v + ": " + p.body());
    }
    String[][] cases = {
      {"\"datatype\":\"INT64\",", "input 'x' is INT64 but the model takes FP32"},
      {"\"datatype\":\"GARBAGE\",", "datatype 'GARBAGE', which the Open Inference Protocol"},
      {"", "input 'x' has no \"datatype\"; the model takes FP32"},
    };
    for (String[] c : cases) {
      RawHttp.Reply r =
          post(
              INFER,
              "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4]," + c[0] + "\"data\":[1,2,3,4]}]}");
      assertEquals(400, r.status(), r.body());
      assertTrue(error(r).contains(c[1]), r.body());
    }
  }

  @Test
  void otherMethodsGet405WithAllow() throws Exception {
    RawHttp.Reply metrics = RawHttp.call(server.port(), RawHttp.request("DELETE", "/metrics", ""));
    assertEquals(405, metrics.status(), metrics.body());
    assertEquals("GET, HEAD", metrics.header("Allow"));
    RawHttp.Reply health =
        RawHttp.call(server.port(), RawHttp.request("PUT", "/v2/health/live", ""));
    assertEquals(405, health.status());
    RawHttp.Reply predict = get("/predict");
    assertEquals(405, predict.status());
    assertEquals("POST", predict.header("Allow"));
    RawHttp.Reply head;
    try (RawHttp c = new RawHttp(server.port())) {
      head = c.send(RawHttp.request("HEAD", "/v2/health/live", "")).read(true);
    }
    assertEquals("13", head.header("Content-Length"), "the length of the GET's body");
    assertEquals(200, head.status(), "HEAD is a GET without the body");
  }

  @Test
  void slowClientsHoldNoSlotAndHealthAndMetricsKeepAnswering() throws Exception {
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 70; i++) {
        RawHttp c = new RawHttp(server.port());
        c.send("POST " + INFER + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{");
        slow.add(c);
      }
      for (String path : List.of("/v2/health/live", "/health", "/metrics", "/v2/health/ready")) {
        assertEquals(200, get(path).status(), path + " with 70 stalled uploads open");
      }
      assertStillServing();
    } finally {
      for (RawHttp c : slow) {
        c.close();
      }
    }
  }

  @Test
  void stalledHeadersAndBodiesAreAnswered408AndClosed() throws Exception {
    start(
        ServerOptions.defaults()
            .withAddress("127.0.0.1", 0)
            .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(60)));
    try (RawHttp headers = new RawHttp(server.port());
        RawHttp body = new RawHttp(server.port())) {
      headers.send("POST " + INFER + " HTTP/1.1\r\nHost: x\r\n");
      body.send("POST " + INFER + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{");
      RawHttp.Reply h = headers.read();
      assertEquals(408, h.status(), h.body());
      assertTrue(error(h).contains("headers did not arrive"), h.body());
      assertTrue(headers.closedByServer());
      RawHttp.Reply b = body.read();
      assertEquals(408, b.status(), b.body());
      assertTrue(error(b).contains("body stalled"), b.body());
      assertTrue(body.closedByServer());
    }
    assertStillServing();
  }

  @Test
  void aBurstOfLargeRequestsIsAnswered503NeverReset() throws Exception {
    start(
        ServerOptions.defaults()
            .withAddress("127.0.0.1", 0)
            .withLimits(1, 1, 64 << 20)
            .withMemoryBudget(16 << 20));
    StringBuilder sb = new StringBuilder("{\"x\": [");
    while (sb.length() < 768 << 10) {
      sb.append("[1.5, 2.5, 3.5, 4.5],");
    }
    byte[] request = RawHttp.request("POST", "/predict", sb.append("[0, 0, 0, 0]]}").toString());
    ExecutorService pool = Executors.newFixedThreadPool(200);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RawHttp.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        replies.add(
            pool.submit(
                () -> {
                  try (RawHttp c = new RawHttp(server.port())) {
                    go.await();
                    return c.send(request).read();
                  }
                }));
      }
      go.countDown();
      int ok = 0;
      int refused = 0;
      for (Future<RawHttp.Reply> f : replies) {
        RawHttp.Reply r = f.get(300, TimeUnit.SECONDS); // an IOException (reset) fails here
        if (r.status() == 503) {
          refused++;
          assertNotNull(r.header("Retry-After"), "503 says when to retry");
        } else {
          assertEquals(200, r.status(), r.body());
          ok++;
        }
      }
      assertTrue(ok >= 1 && refused >= 1, ok + " answered, " + refused + " refused");
    } finally {
      pool.shutdownNow();
    }
    assertStillServing();
  }

  @Test
  void aBodyBeyondTheMemoryBudgetGets413() throws Exception {
    start(ServerOptions.defaults().withAddress("127.0.0.1", 0).withMemoryBudget(1 << 20));
    RawHttp.Reply r =
        post("/predict", "{\"x\": [" + "[1, 2, 3, 4],".repeat(40_000) + "[0,0,0,0]]}");
    assertEquals(413, r.status(), r.body());
    assertTrue(error(r).contains("memory budget"), r.body());
    assertStillServing();
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
    try (RawHttp c = new RawHttp(server.port())) {
      byte[] a = RawHttp.request("POST", "/predict", "{\"x\": [[1, 1, 1, 1]]}");
      byte[] b = RawHttp.request("GET", "/v2/health/live", "");
      byte[] d = RawHttp.request("POST", "/predict", "{\"x\": [[2, 2, 2, 2]]}");
      byte[] all = new byte[a.length + b.length + d.length];
      System.arraycopy(a, 0, all, 0, a.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      System.arraycopy(d, 0, all, a.length + b.length, d.length);
      c.send(all);
      assertEquals("[[2.0,2.0,2.0,2.0]]", MAPPER.readTree(c.read().body()).get("y").toString());
      assertEquals(200, c.read().status());
      assertEquals("[[3.0,3.0,3.0,3.0]]", MAPPER.readTree(c.read().body()).get("y").toString());
    }
  }

  @Test
  void statisticsCountRowsAsInferencesAndRunsAsExecutions() throws Exception {
    RawHttp.Reply r =
        post(
            INFER,
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[3,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4,1,2,3,4,1,2,3,4]}]}");
    assertEquals(200, r.status(), r.body());
    JsonNode stats =
        MAPPER.readTree(get("/v2/models/add-one/stats").body()).get("model_stats").get(0);
    assertEquals(3, stats.get("inference_count").asInt(), stats.toString());
    assertEquals(1, stats.get("execution_count").asInt(), stats.toString());
  }

  @Test
  void connectionsBeyondTheLimitAreClosed() throws Exception {
    start(ServerOptions.defaults().withAddress("127.0.0.1", 0).withMaxConnections(2));
    try (RawHttp a = new RawHttp(server.port());
        RawHttp b = new RawHttp(server.port())) {
      assertEquals(200, a.send(RawHttp.request("GET", "/v2/health/live", "")).read().status());
      assertEquals(200, b.send(RawHttp.request("GET", "/v2/health/live", "")).read().status());
      try (RawHttp c = new RawHttp(server.port())) {
        assertTrue(c.closedByServer(), "a third connection is closed");
      }
    }
  }
}
