package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PrometheusSamples;
import io.gpux.testing.TokenizerFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server on a free loopback port, called over HTTP. */
class InferenceServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private final HttpClient client = HttpClient.newHttpClient();
  private InferenceServer server;

  @BeforeEach
  void start() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    Files.writeString(
        dir.resolve("add/gpux.yml"),
        "name: add-one\nmodel: {source: ./add_one.onnx}\noutputs:\n  y: {type: float32, labels: [a, b, c, d]}\n");
    Path text = OnnxModels.tokenIdsModel(Files.createDirectories(dir.resolve("text")));
    TokenizerFiles.wordPiece(dir.resolve("text/tokenizer.json"), List.of("hello", "world"));
    server =
        InferenceServer.start(
            List.of(
                new ServedModel(
                    "add-one",
                    "1",
                    gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults())),
                new ServedModel("ids", "1", gpux.load(text.toString(), RuntimeOptions.defaults()))),
            ServerOptions.defaults().withAddress("127.0.0.1", 0));
    assertTrue(server.awaitReady(30_000), "models warm up and the server turns ready");
  }

  @AfterEach
  void stop() {
    server.close(0);
    gpux.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pythonGpuxEndpointsKeepTheirShapes() throws Exception {
    JsonNode health = MAPPER.readTree(get("/health").body());
    assertEquals("healthy", health.get("status").asText());
    assertEquals("add-one", health.get("model").asText());
    JsonNode info = MAPPER.readTree(get("/info").body());
    assertEquals("x", info.get("inputs").get(0).get("name").asText());
    HttpResponse<String> r = post("/predict", "{\"x\": [[1, 2, 3, 4]]}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode out = MAPPER.readTree(r.body());
    assertEquals("[[2.0,3.0,4.0,5.0]]", out.get("y").toString());
    assertEquals("d", out.get("y_labels").get(0).get("label").asText());
    assertEquals(200, post("/predict/ids", "{\"text\": \"hello world\"}").statusCode());
  }

  @Test
  void openInferenceProtocolJsonInference() throws Exception {
    assertEquals(200, get("/v2/health/live").statusCode());
    assertEquals(200, get("/v2/health/ready").statusCode());
    JsonNode meta = MAPPER.readTree(get("/v2/models/add-one").body());
    assertEquals("FP32", meta.get("inputs").get(0).get("datatype").asText());
    assertEquals("[-1,4]", meta.get("inputs").get(0).get("shape").toString());
    HttpResponse<String> r =
        post(
            "/v2/models/add-one/versions/1/infer",
            "{\"id\": \"r1\", \"inputs\": [{\"name\": \"x\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5, 6, 7, 8]}]}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode out = MAPPER.readTree(r.body());
    assertEquals("r1", out.get("id").asText());
    assertEquals("add-one", out.get("model_name").asText());
    JsonNode y = out.get("outputs").get(0);
    assertEquals("[2,4]", y.get("shape").toString());
    assertEquals("FP32", y.get("datatype").asText());
    assertEquals("[2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0]", y.get("data").toString());
    HttpResponse<String> text =
        post(
            "/v2/models/ids/infer",
            "{\"inputs\": [{\"name\": \"input_ids\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"hello world\"]}]}");
    assertEquals(200, text.statusCode(), text.body());
    assertTrue(text.body().contains("\"lengths\""), text.body());
  }

  @Test
  void badRequestsGetAClearError() throws Exception {
    HttpResponse<String> malformed = post("/predict", "{\"x\": [[1, 2,");
    assertEquals(400, malformed.statusCode());
    assertTrue(MAPPER.readTree(malformed.body()).get("error").asText().contains("not valid JSON"));
    HttpResponse<String> shape =
        post(
            "/v2/models/add-one/infer",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}");
    assertEquals(400, shape.statusCode());
    assertTrue(shape.body().contains("dimension 1 must be 4"), shape.body());
    HttpResponse<String> count =
        post(
            "/v2/models/add-one/infer",
            "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2]}]}");
    assertEquals(400, count.statusCode());
    assertEquals(404, get("/v2/models/nope").statusCode());
    assertEquals(404, get("/v2/models/add-one/versions/9").statusCode());
    assertEquals(405, get("/predict").statusCode());
  }

  @Test
  void metricsCountRequestsInPrometheusText() throws Exception {
    post("/predict", "{\"x\": [[1, 2, 3, 4]]}");
    post("/predict", "{\"x\": [[1]]}");
    HttpResponse<String> response = get("/metrics");
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(null));
    String metrics = response.body();
    PrometheusSamples m = PrometheusSamples.parse(metrics);
    String[] addOne = {"model", "add-one", "version", "1"};
    assertEquals(
        1,
        m.value(
            "gpux_inference_requests_total",
            "model",
            "add-one",
            "version",
            "1",
            "outcome",
            "success"),
        metrics);
    assertEquals(
        1,
        m.value(
            "gpux_inference_requests_total",
            "model",
            "add-one",
            "version",
            "1",
            "outcome",
            "failure"),
        metrics);
    assertEquals(2, m.value("gpux_inference_request_duration_seconds_count", addOne), metrics);
    assertEquals(
        1,
        m.value("gpux_inference_compute_duration_seconds_count", addOne),
        "the request with the wrong shape never ran: no compute time\n" + metrics);
    assertEquals(1, m.value("gpux_inference_queue_duration_seconds_count", addOne), metrics);
    assertEquals(
        1,
        m.value(
            "gpux_model_info",
            "model",
            "add-one",
            "version",
            "1",
            "provider",
            "CPUExecutionProvider"),
        metrics);
    assertTrue(
        m.find("gpux_model_warmup_duration_seconds", "model", "ids", "version", "1", "ok", "true")
            .isPresent(),
        "every model ran once before ready\n" + metrics);
    assertEquals("counter", m.type("gpux_inference_requests_total"));
    assertEquals("histogram", m.type("gpux_inference_request_duration_seconds"));
  }

  @Test
  void severalVersionsOfOneModelAreServedSideBySide() throws Exception {
    server.close(0);
    Path v2 = Files.createDirectories(dir.resolve("add-v2"));
    OnnxModels.builder()
        .irVersion(8)
        .opset(17)
        .input("x", "float32", "batch", 4)
        .initializer("ten", "float32", new long[0], new float[] {10})
        .node("Add", List.of("x", "ten"), List.of("y"))
        .output("y", "float32", "batch", 4)
        .writeTo(v2.resolve("add_ten.onnx"));
    server =
        InferenceServer.start(
            List.of(
                new ServedModel(
                    "adder",
                    "1",
                    gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults())),
                new ServedModel(
                    "adder",
                    "2",
                    gpux.load(v2.resolve("add_ten.onnx").toString(), RuntimeOptions.defaults()))),
            ServerOptions.defaults().withAddress("127.0.0.1", 0));
    assertTrue(server.awaitReady(30_000));
    String body =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [0, 0, 0, 0]}]}";
    JsonNode v1 =
        MAPPER.readTree(post("/v2/models/adder/versions/1/infer", body).body()).get("outputs");
    JsonNode two =
        MAPPER.readTree(post("/v2/models/adder/versions/2/infer", body).body()).get("outputs");
    JsonNode dflt = MAPPER.readTree(post("/v2/models/adder/infer", body).body()).get("outputs");
    assertEquals("[1.0,1.0,1.0,1.0]", v1.get(0).get("data").toString());
    assertEquals("[10.0,10.0,10.0,10.0]", two.get(0).get("data").toString());
    assertEquals(two, dflt, "no version named: the highest");
    assertEquals(
        "[[1.0,1.0,1.0,1.0]]",
        MAPPER
            .readTree(post("/predict/adder/versions/1", "{\"x\": [[0, 0, 0, 0]]}").body())
            .get("y")
            .toString(),
        "the GPUX API can name a version too");
    HttpResponse<String> missing = get("/v2/models/adder/versions/3");
    assertEquals(404, missing.statusCode());
    assertTrue(
        missing.body().contains("[1, 2]"), "the error lists the versions: " + missing.body());
    String metrics = get("/metrics").body();
    PrometheusSamples m = PrometheusSamples.parse(metrics);
    for (String version : List.of("1", "2")) {
      assertEquals(
          2,
          m.value(
              "gpux_inference_requests_total",
              "model",
              "adder",
              "version",
              version,
              "outcome",
              "success"),
          "each version counted its own two requests\n" + metrics);
    }
  }

  @Test
  void oversizedBodiesAreRefused() throws Exception {
    server.close();
    server =
        InferenceServer.start(
            List.of(
                new ServedModel(
                    "add-one",
                    "1",
                    gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()))),
            ServerOptions.defaults().withAddress("127.0.0.1", 0).withLimits(2, 2, 100));
    HttpResponse<String> r =
        post("/predict", "{\"x\": [" + "[1, 2, 3, 4],".repeat(50) + "[1, 2, 3, 4]]}");
    assertEquals(413, r.statusCode(), r.body());
  }
}
