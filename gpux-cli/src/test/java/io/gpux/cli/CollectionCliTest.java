package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux collection} and {@code gpux workspace} as typed: every subcommand's help, bad input
 * (one line, exit 2, nothing changed), workspaces apart through {@code --workspace}, and every
 * command of docs/collections.md and docs/workspaces.md run in order against the test hub, with the
 * output the docs show.
 */
class CollectionCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void everySubcommandAnswersHelp() {
    Map<String, List<String>> commands =
        Map.of(
            "collection",
            List.of(
                "create", "add", "remove", "list", "show", "rename", "delete", "pull", "lock",
                "import"),
            "workspace",
            List.of("create", "use", "list", "show", "set", "delete"));
    commands.forEach(
        (parent, subs) -> {
          CliResult top = CliResult.run(dir, parent, "--help");
          assertEquals(0, top.exitCode(), top.toString());
          for (String sub : subs) {
            assertTrue(top.out().contains(sub), parent + " lists " + sub + "\n" + top);
            CliResult r = CliResult.run(dir, parent, sub, "--help");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().startsWith("Usage: gpux " + parent + " " + sub), r.toString());
          }
        });
    for (String[] withCollection :
        new String[][] {
          {"batch", "pull"},
          {"batch", "run"},
          {"batch", "benchmark"},
          {"compare"},
          {"export"},
          {"outdated"},
          {"update"}
        }) {
      List<String> args = new java.util.ArrayList<>(List.of(withCollection));
      args.add("--help");
      CliResult r = CliResult.run(dir, args.toArray(String[]::new));
      assertTrue(r.out().contains("--collection=NAME"), String.join(" ", args) + "\n" + r);
    }
    assertTrue(CliResult.run(dir, "--help").out().contains("--workspace=NAME"));
  }

  private Map<String, String> env(String hub) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", dir.resolve("home").toString());
    if (hub != null) {
      env.put("HF_ENDPOINT", hub);
    }
    return env;
  }

  private static void badInput(CliResult r, String message) {
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("gpux: error: " + message), r.toString());
    assertEquals(3, r.err().strip().split("\n").length, "an error line, a hint, its entry\n" + r);
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
  }

  @Test
  void badInputIsOneLineAndChangesNothing() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
      hub.repo("acme/a").file("model.onnx", model).commit("a1");
      Map<String, String> env = env(hub.url());
      assertEquals(0, CliResult.run(dir, env, "collection", "create", "c").exitCode());
      badInput(
          CliResult.run(dir, env, "collection", "create", "bad name"),
          "'bad name' is not a valid collection name");
      badInput(
          CliResult.run(dir, env, "collection", "create", "c"),
          "collection 'c' already exists in workspace 'default'");
      CliResult missing =
          CliResult.run(dir, env, "collection", "add", "c", "hf:acme/a", "hf:acme/missing");
      assertNotEquals(0, missing.exitCode(), missing.toString());
      CliResult shown = CliResult.run(dir, env, "collection", "show", "c", "--json");
      assertEquals(0, MAPPER.readTree(shown.out()).get("size").asInt(), "nothing was added");
      badInput(CliResult.run(dir, env, "collection", "pull", "cc"), "no collection 'cc'");
      badInput(CliResult.run(dir, env, "--workspace", "nope", "list"), "no workspace 'nope'");
      badInput(
          CliResult.run(dir, env, "workspace", "delete", "default"),
          "the default workspace cannot be deleted");
      badInput(
          CliResult.run(dir, env, "workspace", "set", "wandb.api_key", "x"),
          "a workspace does not keep secrets");
      badInput(
          CliResult.run(dir, env, "outdated", "--collection", "c"),
          "collection 'c' follows no movable names");
    }
  }

  @Test
  void workspacesKeepCollectionsApart() throws Exception {
    Map<String, String> env = env(null);
    env.put("GPUX_OFFLINE", "1");
    assertEquals(0, CliResult.run(dir, env, "workspace", "create", "team-a").exitCode());
    assertEquals(
        0,
        CliResult.run(dir, env, "--workspace", "team-a", "collection", "create", "x").exitCode());
    CliResult mine = CliResult.run(dir, env, "collection", "list", "--json");
    assertEquals(0, MAPPER.readTree(mine.out()).get("collections").size(), mine.toString());
    env.put("GPUX_WORKSPACE", "team-a");
    CliResult theirs = CliResult.run(dir, env, "collection", "list", "--json");
    JsonNode t = MAPPER.readTree(theirs.out());
    assertEquals("team-a", t.get("workspace").asText());
    assertEquals("x", t.get("collections").get(0).get("name").asText());
    CliResult list = CliResult.run(dir, env, "workspace", "list", "--json");
    JsonNode ws = MAPPER.readTree(list.out()).get("workspaces");
    assertEquals("default", ws.get(0).get("name").asText());
    assertTrue(ws.get(1).get("current").asBoolean(), list.toString());
    assertEquals(1, ws.get(1).get("collections").asInt());
  }

  /** The models the docs name, on the test hub, and the Hub collection they import. */
  @Test
  void theDocumentedCommandsRunAsShown() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
      for (String repo : List.of("acme/resnet", "acme/vit", "acme/detr")) {
        hub.repo(repo).file("model.onnx", model).commit("initial");
      }
      hub.collection(
          "acme/favourites-0123456789abcdef01234567",
          "Favourites",
          null,
          List.of("acme/resnet", "acme/vit"),
          List.of("small", "big"));
      Files.writeString(dir.resolve("data.jsonl"), "{\"x\": [[1, 2, 3, 4]]}\n");
      Map<String, String> env = env(hub.url());
      int ran = 0;
      for (String doc : List.of("docs/collections.md", "docs/workspaces.md")) {
        for (DocCommandsTest.DocLine d : DocCommandsTest.docLines(RepoFiles.root())) {
          if (!d.file().equals(doc) || DocCommandsTest.synopsis(d.text())) {
            continue;
          }
          List<String> w = DocCommandsTest.words(d.text());
          CliResult r = CliResult.run(dir, env, w.subList(1, w.size()).toArray(String[]::new));
          if (String.join("\n", d.output()).contains("gpux: error:")) {
            assertEquals(2, r.exitCode(), d + "\n" + r);
            for (String l : d.output()) {
              assertTrue(r.err().contains(l), d + ": the doc shows\n" + l + "\nbut\n" + r);
            }
          } else {
            assertEquals(0, r.exitCode(), d + "\n" + r);
            for (String l : d.output()) {
              assertTrue(r.out().contains(l), d + ": the doc shows\n" + l + "\nbut\n" + r);
            }
          }
          ran++;
        }
      }
      assertTrue(ran >= 30, "the docs' commands ran: " + ran);
      // The team setup at the end of workspaces.md left the workspace vision in use.
      CliResult fav =
          CliResult.run(dir, env, "--workspace", "default", "collection", "show", "fav", "--json");
      JsonNode f = MAPPER.readTree(fav.out());
      assertEquals(2, f.get("size").asInt(), fav.toString());
      assertEquals("small", f.get("items").get(0).get("note").asText());
      assertTrue(hub.unknownRoutes().isEmpty(), hub.unknownRoutes().toString());
    }
  }
}
