package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that the test hub's collections API is the Hub's: the official {@code huggingface_hub}
 * client's {@code get_collection} reads it (its parser needs every field it reads), sees the same
 * models in the same order with the same notes as {@code gpux collection import}, and gets the
 * Hub's 404 for a missing collection; the client calls no route the fake does not know.
 */
@Slow
class HuggingFaceCollectionFidelityTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SLUG = "acme/picks-0123456789abcdef01234567";
  @TempDir Path dir;

  @Test
  void officialClientAndGpuxImportSeeTheSameCollection() throws Exception {
    PythonEnv.python(); // skips (or fails under GPUX_REQUIRE_REFERENCE=1) without the venv
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
      hub.repo("acme/a").file("model.onnx", model).commit("a");
      hub.repo("acme/b").file("model.onnx", model).commit("b");
      hub.collection(
          SLUG, "Picks", "the best", List.of("acme/b", "acme/a"), List.of("first", "second"));
      Path out = dir.resolve("report.json");
      PythonEnv.run(
          "hf_collection_fidelity.py",
          List.of(
              "--endpoint",
              hub.url(),
              "--slug",
              SLUG,
              "--missing",
              "acme/none-0123456789abcdef01234567",
              "--out",
              out.toString()));
      JsonNode theirs = MAPPER.readTree(out.toFile());
      assertEquals(SLUG, theirs.get("slug").asText());
      assertEquals("Picks", theirs.get("title").asText());
      assertEquals("the best", theirs.get("description").asText());
      assertEquals(404, theirs.get("missing").asInt());

      Map<String, String> env =
          Map.of("GPUX_HOME", dir.resolve("home").toString(), "HF_ENDPOINT", hub.url());
      CliResult imported =
          CliResult.run(dir, env, "collection", "import", "hf:collections/" + SLUG, "--follow");
      assertEquals(0, imported.exitCode(), imported.toString());
      CliResult shown = CliResult.run(dir, env, "collection", "show", SLUG.split("/")[1], "--json");
      JsonNode ours = MAPPER.readTree(shown.out());
      assertEquals(theirs.get("items").size(), ours.get("items").size());
      for (int i = 0; i < ours.get("items").size(); i++) {
        JsonNode t = theirs.get("items").get(i);
        JsonNode o = ours.get("items").get(i);
        assertEquals("model", t.get("type").asText());
        assertEquals("hf:" + t.get("id").asText(), o.get("ref").asText());
        assertEquals(t.get("note").asText(), o.get("note").asText());
      }
      assertEquals("Picks: the best", ours.get("description").asText());
      assertTrue(
          hub.unknownRoutes().isEmpty(),
          "the client called routes the fake does not know: " + hub.unknownRoutes());
    }
  }
}
