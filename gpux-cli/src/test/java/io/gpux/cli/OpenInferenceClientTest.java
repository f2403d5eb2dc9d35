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
import io.gpux.testing.TokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Triton/KServe Python client (tritonclient.http) against a live gpux server. */
@Slow
class OpenInferenceClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void tritonClientInfersWithJsonAndBinaryTensors() throws Exception {
    PythonEnv.python();
    Path add = OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    Path ids = OnnxModels.tokenIdsModel(Files.createDirectories(dir.resolve("ids")));
    TokenizerFiles.wordPiece(dir.resolve("ids/tokenizer.json"), List.of("hello", "world"));
    Path two = Files.createDirectories(dir.resolve("two"));
    OnnxModels.addOne(two);
    Files.writeString(two.resolve("gpux.yml"), "name: two\nmodel: {source: ./add_one.onnx}\n");
    try (Gpux gpux = Gpux.open();
        InferenceServer server =
            InferenceServer.start(
                List.of(
                    new ServedModel(
                        "add-one", "1", gpux.load(add.toString(), RuntimeOptions.defaults())),
                    new ServedModel(
                        "ids", "1", gpux.load(ids.toString(), RuntimeOptions.defaults()))),
                ServerOptions.defaults().withAddress("127.0.0.1", 0));
        InferenceServer explicit =
            InferenceServer.start(
                List.of(),
                ServerOptions.defaults().withAddress("127.0.0.1", 0),
                new io.gpux.server.ModelLoader() {
                  @Override
                  public ServedModel load(String reference) {
                    var m = gpux.load(reference, RuntimeOptions.defaults());
                    return new ServedModel(m.project().name(), "1", m);
                  }

                  @Override
                  public void unload(ServedModel model) {
                    gpux.unload(model.model());
                  }
                })) {
      org.junit.jupiter.api.Assertions.assertTrue(server.awaitReady(30_000));
      Path out = dir.resolve("report.json");
      PythonEnv.run(
          "oip_client_check.py",
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
              out.toString(),
              "--text-model",
              "ids",
              "--text-input",
              "input_ids",
              "--explicit-url",
              "127.0.0.1:" + explicit.port(),
              "--explicit-load",
              two.toString(),
              "--explicit-name",
              "two"));
      JsonNode r = MAPPER.readTree(out.toFile());
      assertTrue(
          r.get("live").asBoolean()
              && r.get("ready").asBoolean()
              && r.get("model_ready").asBoolean(),
          r.toString());
      assertEquals("[[1.0,2.0,3.0,4.0],[5.0,6.0,7.0,8.0]]", r.get("outputs").get("y").toString());
      assertEquals("check-1", r.get("response_id").asText());
      assertEquals(
          r.get("outputs").toString(),
          r.get("binary_outputs").toString(),
          "the binary tensor extension gives the same result");
      assertEquals("[[2,4,5,3],[2,4,3,0]]", r.get("text_binary_masked").toString());
      assertEquals(
          "[[2,4,5,3],[2,4,3,0]]",
          r.get("text_outputs").get("masked").toString(),
          "BYTES text tokenized on the server");
      assertEquals(404, r.get("missing_model_error").get("status").asInt(), r.toString());
      JsonNode stats = r.get("statistics").get("model_stats").get(0);
      assertEquals("add-one", stats.get("name").asText());
      assertEquals(
          4,
          stats.get("inference_count").asInt(),
          "two requests of two rows: Triton counts each row as an inference: " + stats);
      assertEquals(2, stats.get("execution_count").asInt(), "two model runs: " + stats);
      assertEquals(2, stats.get("inference_stats").get("compute_infer").get("count").asInt());
      assertTrue(stats.get("inference_stats").get("success").get("ns").asLong() > 0);
      assertEquals(2, r.get("all_statistics").get("model_stats").size(), "both models");
      assertEquals(
          "[\"add-one:READY\",\"ids:READY\"]",
          MAPPER
              .valueToTree(
                  java.util.stream.StreamSupport.stream(
                          r.get("repository_index").spliterator(), false)
                      .map(m -> m.get("name").asText() + ":" + m.get("state").asText())
                      .toList())
              .toString());
      assertTrue(r.get("explicit_loaded_ready").asBoolean(), r.toString());
      assertEquals(
          "[[1.0,2.0,3.0,4.0],[5.0,6.0,7.0,8.0]]",
          r.get("explicit_outputs").toString(),
          "tritonclient's load_model, infer, unload_model on an explicit server");
      assertEquals(404, r.get("explicit_after_unload").asInt(), r.toString());
      assertEquals("UNAVAILABLE", r.get("explicit_index").get(0).get("state").asText());
      assertTrue(
          r.get("unload_error").get("message").asText().contains("--model-control explicit"),
          "unload is refused with a reason: " + r.get("unload_error"));
    }
  }
}
