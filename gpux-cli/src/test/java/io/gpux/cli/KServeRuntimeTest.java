package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kserve/clusterservingruntime.yaml's container arguments, run as KServe runs them: the
 * model's name for {{.Name}}, and /mnt/models a link that a modelcar makes only after the server
 * has started (KServe's modelcar runs {@code ln -sf /proc/$$/root/models /mnt/} beside it).
 */
class KServeRuntimeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  @SuppressWarnings("unchecked")
  private static List<String> runtimeArgs() throws IOException {
    Map<String, Object> runtime =
        new Yaml()
            .load(
                Files.readString(
                    RepoFiles.root().resolve("deploy/kserve/clusterservingruntime.yaml")));
    Map<String, Object> spec = (Map<String, Object>) runtime.get("spec");
    Map<String, Object> container = ((List<Map<String, Object>>) spec.get("containers")).get(0);
    assertEquals("kserve-container", container.get("name"), "KServe's container name");
    return (List<String>) container.get("args");
  }

  @Slow
  @Test
  void servesTheModelcarsModelUnderTheInferenceServicesName() throws Exception {
    Path models = Files.createDirectories(dir.resolve("modelcar/models"));
    OnnxModels.addOne(models);
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Path link = mnt.resolve("models");
    List<String> args = new ArrayList<>();
    for (String a : runtimeArgs()) {
      args.add(a.equals("/mnt/models") ? link.toString() : a.replace("{{.Name}}", "digits"));
    }
    assertTrue(args.contains(link.toString()), "the runtime serves /mnt/models: " + args);
    try (ServeProcess serve =
        ServeProcess.start(
            dir,
            Map.of("MODEL_INIT_MODE", "async"),
            args,
            line -> {
              // The modelcar starts after the server and links the model folder then.
              if (line.startsWith("gpux: waiting for " + link)) {
                try {
                  Files.createSymbolicLink(link, models);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            })) {
      assertTrue(
          serve.output.toString().contains("gpux: waiting for " + link), serve.output.toString());
      String base = "http://127.0.0.1:" + serve.httpPort;
      assertEquals(200, get(base + "/v2/health/ready").statusCode());
      HttpResponse<String> metadata = get(base + "/v2/models/digits");
      assertEquals(200, metadata.statusCode(), metadata.body());
      assertEquals("digits", MAPPER.readTree(metadata.body()).get("name").asText());
      HttpResponse<String> infer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/digits/infer"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\":"
                              + " \"FP32\", \"data\": [1, 2, 3, 4]}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, infer.statusCode(), infer.body());
      JsonNode out = MAPPER.readTree(infer.body());
      assertEquals("digits", out.get("model_name").asText());
      assertEquals("[2.0,3.0,4.0,5.0]", out.get("outputs").get(0).get("data").toString());
      String metrics = get(base + "/metrics").body();
      assertTrue(metrics.contains("model=\"digits\""), metrics);
      serve.terminateAndExpectCleanExit();
    }
    // The modelcar's files are read in place and never written (they are another container's).
    try (var files = Files.list(models)) {
      assertEquals(List.of("add_one.onnx"), files.map(f -> f.getFileName().toString()).toList());
    }
  }

  @Test
  void aNameIsForOneModel() throws Exception {
    OnnxModels.addOne(dir);
    CliResult r =
        CliResult.run(dir, "serve", "add_one.onnx", "add_one.onnx", "--name=digits", "--port=0");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.err().contains("gpux: error: --name names one model, and 2 are given"), r.toString());
    assertFalse(r.out().contains("Serving"), r.toString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
