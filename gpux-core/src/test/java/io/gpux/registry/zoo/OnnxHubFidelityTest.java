package io.gpux.registry.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.registry.PullOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.Slow;
import io.gpux.testing.zoo.ZooFixtures;
import io.gpux.testing.zoo.ZooServer;
import io.gpux.transfer.TransferListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that {@link ZooServer} is a faithful zoo mirror: the zoo's own client, {@code onnx.hub} of
 * onnx 1.20.1 (python/requirements-onnxhub.txt), lists, finds, loads and downloads with test data
 * from it, and gets what {@code gpux pull} stored: the same files, byte for byte, and the same
 * choices (the name matched case-insensitively, the highest opset, the missing opset refused). A
 * request the server does not know fails the test.
 */
@Slow
class OnnxHubFidelityTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  @TempDir Path home;

  @Test
  void onnxHubAndGpuxPullSeeTheSameModels() throws Exception {
    PythonEnv.python("onnxhub"); // skips (or fails under GPUX_REQUIRE_REFERENCE=1) without it
    try (ZooServer zoo = ZooServer.start()) {
      ZooFixtures.addAdder(zoo, dir.resolve("fixture"));
      String log =
          PythonEnv.run(
              "onnxhub",
              "onnxhub_fidelity.py",
              List.of(zoo.url(), dir.resolve("cache").toString(), "Adder", "arithmetic"));
      JsonNode hub = MAPPER.readTree(log.substring(log.lastIndexOf("\n{") + 1));
      assertEquals("1.20.1", hub.get("onnx").asText());
      assertEquals("[[\"Adder\",7],[\"Adder\",12]]", hub.get("list").toString());
      assertEquals(hub.get("list"), hub.get("by_name"), "a lower-case name finds the same");
      assertEquals("[\"Adder\"]", hub.get("by_tag").toString(), "tags match case-insensitively");
      assertEquals(12, hub.get("info").get("opset").asInt(), "no opset means the highest");
      assertTrue(hub.get("missing_opset").asText().contains("12"), hub.toString());
      assertEquals("[\"x\"]", hub.get("load").get("inputs").toString());

      Map<String, String> env =
          Map.of("GPUX_HOME", home.toString(), "GPUX_ONNX_ZOO_URL", zoo.url());
      try (Gpux gpux = Gpux.open(dir, GpuxSettings.fromEnvironment(env, home))) {
        VersionManifest plain =
            gpux.models()
                .pull("zoo:adder", PullOptions.defaults(), TransferListener.NONE)
                .manifest();
        assertEquals(hub.get("info").get("model_sha").asText(), plain.lineage().get("model_sha"));
        assertEquals(hub.get("info").get("model_path").asText(), plain.lineage().get("model_path"));
        ManifestFile onnx = plain.files().get(0);
        assertEquals(
            List.of(onnx.sha256()),
            MAPPER.convertValue(hub.get("load").get("sha256"), List.class),
            "onnx.hub.load cached the bytes gpux stored");

        VersionManifest withData =
            gpux.models()
                .pull(
                    "zoo:adder",
                    new PullOptions(List.of(), List.of(), PullOptions.TEST_DATA, false),
                    TransferListener.NONE)
                .manifest();
        String top = hub.get("with_data").get("folder").asText();
        Map<String, String> gpuxFiles = new TreeMap<>();
        for (ManifestFile f : withData.files()) {
          if (f.path().startsWith(top + "/")) {
            gpuxFiles.put(f.path().substring(top.length() + 1), f.sha256());
          }
        }
        Map<String, String> hubFiles = new TreeMap<>();
        hub.get("with_data")
            .get("files")
            .fields()
            .forEachRemaining(e -> hubFiles.put(e.getKey(), e.getValue().asText()));
        assertEquals(hubFiles, gpuxFiles, "the same archive entries, byte for byte");
        assertEquals(3, hubFiles.size(), hubFiles.toString());
      }
      assertEquals(List.of(), zoo.unknownRequests(), "requests the zoo does not serve");
    }
  }
}
