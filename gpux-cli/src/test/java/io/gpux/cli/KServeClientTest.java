package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.server.InferenceServer;
import io.gpux.server.ServedModel;
import io.gpux.server.ServerOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KServe Python SDK's REST client (InferenceRESTClient, protocol v2) against gpux serve. */
@Slow
class KServeClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void kserveClientInfersWithJsonBinaryAndDictRequests() throws Exception {
    PythonEnv.python("kserve");
    Path add = OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    try (Gpux gpux = Gpux.open();
        InferenceServer server =
            InferenceServer.start(
                List.of(
                    new ServedModel(
                        "add-one", "1", gpux.load(add.toString(), RuntimeOptions.defaults()))),
                ServerOptions.defaults().withAddress("127.0.0.1", 0))) {
      assertTrue(server.awaitReady(30_000));
      Path out = dir.resolve("report.json");
      PythonEnv.run(
          "kserve",
          "kserve_client_check.py",
          List.of(
              "--url",
              "127.0.0.1:" + server.port(),
              "--model",
              "add-one",
              "--input",
              "x",
              "--shape",
              "2,4",
              "--out",
              out.toString()));
      JsonNode r = MAPPER.readTree(out.toFile());
      assertTrue(
          r.get("live").asBoolean()
              && r.get("ready").asBoolean()
              && r.get("model_ready").asBoolean(),
          r.toString());
      String expected = "{\"y\":[[1.0,2.0,3.0,4.0],[5.0,6.0,7.0,8.0]]}";
      assertEquals(expected, r.get("outputs").toString(), "JSON tensors");
      assertEquals("ks-json", r.get("response_id").asText());
      assertEquals("add-one", r.get("model_name").asText());
      assertEquals(expected, r.get("binary_outputs").toString(), "the binary tensor extension");
      assertTrue(
          r.get("binary_response_header").asInt() > 0,
          "binary outputs come after a JSON header of the length given: " + r);
      assertEquals(expected, r.get("dict_outputs").toString(), "a plain dict request");
      assertEquals(404, r.get("missing_model_status").asInt(), r.toString());
    }
  }
}
