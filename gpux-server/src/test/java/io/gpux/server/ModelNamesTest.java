package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored model's name holds a '/' ({@code hf:acme/digits} is served as {@code acme/digits}): it
 * is reached percent-encoded, as it is (what tritonclient sends), and by its alias {@code
 * acme--digits}, on every route.
 */
class ModelNamesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BODY =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
  @TempDir Path dir;

  @Test
  void namesWithASlashAnswerEncodedRawAndByAlias() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    try (Gpux gpux = Gpux.open();
        InferenceServer server =
            InferenceServer.start(
                List.of(
                    new ServedModel(
                        "acme/digits",
                        "1",
                        gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()))),
                ServerOptions.defaults().withAddress("127.0.0.1", 0))) {
      assertTrue(server.awaitReady(30_000));
      int port = server.port();
      for (String name : List.of("acme%2Fdigits", "acme%2fdigits", "acme/digits", "acme--digits")) {
        RawHttp.Reply r =
            RawHttp.call(port, RawHttp.request("POST", "/v2/models/" + name + "/infer", BODY));
        assertEquals(200, r.status(), name + ": " + r.body());
        assertEquals("acme/digits", MAPPER.readTree(r.body()).get("model_name").asText());
        assertEquals(
            200,
            RawHttp.call(port, RawHttp.request("GET", "/v2/models/" + name + "/ready", ""))
                .status(),
            name);
        assertEquals(
            200,
            RawHttp.call(port, RawHttp.request("GET", "/v2/models/" + name + "/versions/1", ""))
                .status(),
            name);
        RawHttp.Reply p =
            RawHttp.call(
                port, RawHttp.request("POST", "/predict/" + name, "{\"x\": [[1, 2, 3, 4]]}"));
        assertEquals(200, p.status(), name + ": " + p.body());
      }
      RawHttp.Reply index = RawHttp.call(port, RawHttp.request("POST", "/v2/repository/index", ""));
      assertEquals("acme/digits", MAPPER.readTree(index.body()).get(0).get("name").asText());
      RawHttp.Reply missing =
          RawHttp.call(port, RawHttp.request("POST", "/v2/models/acme/infer", BODY));
      assertEquals(404, missing.status());
      assertTrue(missing.body().contains("acme/digits"), "the 404 lists the names: " + missing);
    }
  }
}
