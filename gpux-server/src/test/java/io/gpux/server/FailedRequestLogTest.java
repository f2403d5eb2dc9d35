package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server tells its failed-request log of every error answer (what {@code gpux serve
 * --log-format json} writes as {@code request.failed}): the model the path names, the status, the
 * client's error message, the {@code X-Request-Id}; successful requests are not reported.
 */
class FailedRequestLogTest {
  private static final String GOOD =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
  @TempDir Path dir;

  @Test
  void errorAnswersAreReportedWithModelStatusMessageAndRequestId() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    List<FailedRequest> failed = new CopyOnWriteArrayList<>();
    try (Gpux gpux = Gpux.open();
        InferenceServer server =
            InferenceServer.start(
                List.of(
                    new ServedModel(
                        "acme/adder",
                        "1",
                        gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()))),
                ServerOptions.defaults().withAddress("127.0.0.1", 0))) {
      assertTrue(server.awaitReady(30_000));
      server.onFailedRequest(failed::add);
      int port = server.port();
      assertEquals(
          200,
          RawHttp.call(port, RawHttp.request("POST", "/v2/models/acme--adder/infer", GOOD))
              .status());
      RawHttp.Reply bad =
          RawHttp.call(
              port,
              RawHttp.request(
                  "POST",
                  "/v2/models/acme/adder/versions/1/infer",
                  "{\"inputs\": [}",
                  "X-Request-Id: req-42"));
      assertEquals(400, bad.status());
      assertEquals(
          404, RawHttp.call(port, RawHttp.request("GET", "/v2/models/nope/ready", "")).status());
      assertEquals(405, RawHttp.call(port, RawHttp.request("GET", "/predict", "")).status());
      assertEquals(
          404, RawHttp.call(port, RawHttp.request("GET", "/health?model=ghost", "")).status());

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (failed.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(4, failed.size(), "only the error answers are reported: " + failed);
      FailedRequest first = failed.get(0);
      assertEquals("POST", first.method());
      assertEquals("/v2/models/acme/adder/versions/1/infer", first.path());
      assertEquals("acme/adder", first.model(), "a name with '/' sent as it is");
      assertEquals(400, first.status());
      assertEquals("req-42", first.requestId());
      assertTrue(first.error() != null && first.error().contains("JSON"), first.error());
      assertTrue(first.durationNanos() > 0);

      assertEquals("nope", failed.get(1).model());
      assertEquals(404, failed.get(1).status());
      assertNull(failed.get(1).requestId());
      assertEquals(405, failed.get(2).status());
      assertNull(failed.get(2).model());
      assertEquals("ghost", failed.get(3).model(), "the model a query names");
    }
  }

  @Test
  void theModelOfAPath() {
    assertEquals("digits", HttpApi.modelOf("/v2/models/digits/infer", null));
    assertEquals("acme/digits", HttpApi.modelOf("/v2/models/acme%2Fdigits/versions/2/infer", null));
    assertEquals("acme/digits", HttpApi.modelOf("/v2/models/acme/digits/ready", null));
    assertEquals("digits", HttpApi.modelOf("/v2/models/digits", null));
    assertNull(HttpApi.modelOf("/v2/models/stats", null));
    assertEquals("digits", HttpApi.modelOf("/predict/digits", null));
    assertEquals("hf:acme/x", HttpApi.modelOf("/v2/repository/models/hf%3Aacme%2Fx/load", null));
    assertEquals("a b", HttpApi.modelOf("/info", "model=a%20b"));
    assertNull(HttpApi.modelOf("/v2/health/ready", null));
    assertNull(HttpApi.modelOf("/v2/models/%zz/infer", null), "a malformed escape names none");
  }
}
