package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux batch pull --shard I/N}: N machines each pull a disjoint slice of one list. */
class BatchPullShardTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void theShardsOfAListPullEachModelOnce() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src")));
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        hub.repo("acme/s" + i).file("model.onnx", model).commit("c");
        refs.add("hf:acme/s" + i);
      }
      Files.writeString(dir.resolve("models.txt"), String.join("\n", refs) + "\n");
      Set<String> pulled = new HashSet<>();
      int total = 0;
      for (int i = 0; i < 3; i++) {
        Map<String, String> env =
            Map.of("GPUX_HOME", dir.resolve("home-" + i).toString(), "HF_ENDPOINT", hub.url());
        CliResult r =
            CliResult.run(
                dir, env, "batch", "pull", "-f", "models.txt", "--shard", i + "/3", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        for (JsonNode m : MAPPER.readTree(r.out()).get("models")) {
          assertEquals("pulled", m.get("status").asText(), m.toString());
          pulled.add(m.get("ref").asText());
          total++;
        }
      }
      assertEquals(new HashSet<>(refs), pulled);
      assertEquals(refs.size(), total, "no model in two shards");
      CliResult bad =
          CliResult.run(
              dir,
              Map.of("GPUX_HOME", dir.resolve("home-x").toString()),
              "batch",
              "pull",
              "-f",
              "models.txt",
              "--shard",
              "1-3");
      assertEquals(2, bad.exitCode(), bad.toString());
      assertTrue(bad.err().startsWith("gpux: error: '1-3' is not a shard"), bad.toString());
    }
  }
}
