package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.wandb.FakeWandb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * outdated, update, rollback, pin and history of a W&amp;B artifact against the W&amp;B test
 * server: the alias moves to a new version, outdated names the changed file by its MD5, update
 * fetches that file alone (the server's request log), rollback, history.
 */
class WandbVersionsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEY = "local-versionsKey0123456789abcdefghijklmnopqrstu";
  private static final String REF = "wandb:acme/mnist/adder:production";
  @TempDir Path dir;

  private static List<String> fileDownloads(FakeWandb wb, int from) {
    List<String> all = wb.requests();
    List<String> out = new ArrayList<>();
    for (String r : all.subList(from, all.size())) {
      if (r.startsWith("GET /files/")) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aliasMovesOutdatedNamesTheFileUpdateFetchesItRollbackGoesBack() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src/model.onnx")));
    try (FakeWandb wb = FakeWandb.start().requireApiKey(KEY)) {
      wb.artifact("acme", "mnist", "adder", "model")
          .file("model.onnx", model)
          .file("notes.txt", "first\n")
          .aliases("production")
          .commit();
      Map<String, String> env = new HashMap<>();
      env.put("GPUX_HOME", dir.resolve("home").toString());
      env.put("WANDB_BASE_URL", wb.url());
      env.put("WANDB_API_KEY", KEY);
      assertEquals(0, CliResult.run(dir, env, "pull", REF).exitCode());
      CliResult current = CliResult.run(dir, env, "outdated", "--json");
      assertEquals(0, current.exitCode(), current.toString());
      assertEquals(REF, MAPPER.readTree(current.out()).get("models").get(0).get("ref").asText());

      wb.artifact("acme", "mnist", "adder", "model")
          .file("model.onnx", model)
          .file("notes.txt", "second, longer\n")
          .file("extra.json", "{}")
          .aliases("production")
          .commit();
      int before = wb.requests().size();
      CliResult outdated = CliResult.run(dir, env, "outdated", REF, "--json");
      assertEquals(1, outdated.exitCode(), outdated.toString());
      JsonNode o = MAPPER.readTree(outdated.out()).get("models").get(0);
      assertEquals("production", o.get("name").asText());
      assertEquals("v0", o.get("local").asText());
      assertEquals("v1", o.get("remote").asText());
      assertEquals("[\"notes.txt\"]", o.get("changes").get("changed").toString(), o.toString());
      assertEquals("[\"extra.json\"]", o.get("changes").get("added").toString(), o.toString());
      assertEquals(
          "second, longer\n".length() - "first\n".length() + 2,
          o.get("changes").get("bytes_delta").asLong());
      assertEquals(List.of(), fileDownloads(wb, before), "outdated fetches no file");

      before = wb.requests().size();
      CliResult update = CliResult.run(dir, env, "update", "--all", "--json");
      assertEquals(0, update.exitCode(), update.toString());
      assertTrue(
          MAPPER.readTree(update.out()).get("models").get(0).get("updated").asBoolean(),
          update.toString());
      List<String> fetched = fileDownloads(wb, before);
      assertEquals(2, fetched.size(), "notes.txt and extra.json, not the model: " + fetched);
      assertTrue(fetched.stream().noneMatch(f -> f.endsWith("/model.onnx")), fetched.toString());
      assertEquals(0, CliResult.run(dir, env, "outdated").exitCode());

      CliResult back = CliResult.run(dir, env, "rollback", REF);
      assertEquals(0, back.exitCode(), back.toString());
      assertTrue(back.out().contains("v1 -> v0"), back.toString());
      CliResult inspect = CliResult.run(dir, env, "inspect", REF, "--json");
      assertEquals("v0", MAPPER.readTree(inspect.out()).get("source").get("version").asText());

      // The registry moves the alias back by hand: the rolled-back name is current again.
      wb.collectionOf("acme", "mnist", "adder").alias("production", 0);
      assertEquals(0, CliResult.run(dir, env, "outdated", REF).exitCode());

      assertEquals(0, CliResult.run(dir, env, "pin", REF, "--to", "v1").exitCode());
      CliResult pinned = CliResult.run(dir, env, "outdated", "--json");
      assertEquals(
          "pinned", MAPPER.readTree(pinned.out()).get("models").get(0).get("status").asText());
      CliResult history = CliResult.run(dir, env, "history", REF, "--json");
      List<String> actions = new ArrayList<>();
      MAPPER
          .readTree(history.out())
          .get("history")
          .forEach(e -> actions.add(e.get("action").asText()));
      assertEquals(
          List.of("pulled", "updated", "rolled back", "pinned"), actions, history.toString());
    }
  }
}
