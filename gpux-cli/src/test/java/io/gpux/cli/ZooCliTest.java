package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.TensorProtos;
import io.gpux.testing.zoo.ZooArchive;
import io.gpux.testing.zoo.ZooFixtures;
import io.gpux.testing.zoo.ZooServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zoo:} references and {@code gpux test}, as a user types them, against the zoo server. */
class ZooCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private ZooServer zoo;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() {
    zoo = ZooServer.start();
    ZooFixtures.addAdder(zoo, cwd.resolve("fixture"));
    // A model whose archive expects the wrong output: `gpux test` must fail on it, naming it.
    byte[] m = ZooFixtures.adder(cwd.resolve("fixture"), 12);
    zoo.model(
        "Off-By-One",
        12,
        m,
        ZooFixtures.archive("off-by-one", m, new float[] {2, 3, 4, 5.5f}),
        "arithmetic");
    env.put("GPUX_HOME", home.toString());
    env.put("GPUX_ONNX_ZOO_URL", zoo.url());
  }

  @AfterEach
  void stop() {
    assertEquals(
        List.of(),
        zoo.unknownRequests().stream().filter(r -> !r.contains("/elsewhere/")).toList(),
        "requests the zoo does not serve");
    zoo.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private static void assertCleanError(CliResult r, int code, String problem, String hint) {
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: "), r.toString());
    assertTrue(r.err().contains(problem), "expected problem '" + problem + "' in\n" + r);
    assertTrue(
        r.err().contains("hint: ") && r.err().contains(hint), "expected '" + hint + "' in\n" + r);
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug:\n" + r);
  }

  @Test
  void pullThenRunAZooModel() throws Exception {
    CliResult pull = gpux("pull", "zoo:Adder");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(pull.out().contains("Pulled zoo:adder@12-"), pull.out());
    CliResult run = gpux("run", "zoo:adder", "--input", "{\"x\": [[1, 2, 3, 4]]}");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode y = MAPPER.readTree(run.out()).get("y");
    assertEquals("[[2.0,3.0,4.0,5.0]]", y.toString(), run.out());

    CliResult seven = gpux("pull", "zoo:adder@7", "--json");
    assertEquals(0, seven.exitCode(), seven.toString());
    JsonNode s = MAPPER.readTree(seven.out());
    assertEquals("7", s.get("requested").asText());
    assertTrue(s.get("version").asText().startsWith("7-"), s.toString());
  }

  @Test
  void versionsAndSearchReadTheCatalogue() throws Exception {
    CliResult versions = gpux("versions", "zoo:adder");
    assertEquals(0, versions.exitCode(), versions.toString());
    assertTrue(versions.out().contains("12-"), versions.out());
    assertTrue(versions.out().contains("7-"), versions.out());
    CliResult search = gpux("search", "-r", "zoo", "add", "--json");
    assertEquals(0, search.exitCode(), search.toString());
    JsonNode hits = MAPPER.readTree(search.out());
    assertEquals(1, hits.size(), hits.toString());
    assertEquals("zoo:adder", hits.get(0).get("reference").asText());
    CliResult tagged = gpux("search", "-r", "zoo", "--tag", "arithmetic");
    assertEquals(0, tagged.exitCode(), tagged.toString());
    assertTrue(tagged.out().contains("zoo:off-by-one"), tagged.out());
  }

  @Test
  void testWithTestDataPassesOnThisMachine() throws Exception {
    CliResult test = gpux("test", "zoo:adder", "--with-test-data");
    assertEquals(0, test.exitCode(), test.toString());
    assertTrue(test.out().startsWith("PASS "), test.out());
    assertTrue(
        test.out().contains("1 data set on CPU") || test.out().contains("1 data set on"),
        test.out());
    // The test data stays in the store: a second run needs no flag and no download.
    int before = zoo.requests().size();
    CliResult again = gpux("test", "zoo:adder", "--json");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(before, zoo.requests().size(), "nothing fetched again");
    JsonNode j = MAPPER.readTree(again.out());
    assertEquals(1, j.get("passed").asInt());
    assertEquals(0.001, j.get("rtol").asDouble());
    assertEquals(1e-7, j.get("atol").asDouble());
    JsonNode out = j.get("results").get(0).get("data_sets").get(0).get("outputs").get(0);
    assertEquals("y", out.get("name").asText());
    assertEquals(0.0, out.get("max_abs_diff").asDouble());
  }

  @Test
  void aWrongExpectedOutputFailsWithTheDifferenceNamed() throws Exception {
    CliResult test = gpux("test", "zoo:off-by-one", "--with-test-data");
    assertEquals(1, test.exitCode(), test.toString());
    assertTrue(test.out().startsWith("FAIL "), test.out());
    assertTrue(test.out().contains("output y differs: max abs 0.5"), test.out());
    assertTrue(test.out().contains("1 of 4 elements outside"), test.out());
    // A tolerance that covers it passes.
    CliResult loose = gpux("test", "zoo:off-by-one", "--atol", "0.5");
    assertEquals(0, loose.exitCode(), loose.toString());
  }

  @Test
  void manyFoldersGetASummary() throws Exception {
    byte[] m = ZooFixtures.adder(cwd.resolve("fixture"), 12);
    for (String name : new String[] {"good", "bad"}) {
      Path d = Files.createDirectories(cwd.resolve("suite/" + name + "/test_data_set_0"));
      Files.write(d.getParent().resolve("model.onnx"), m);
      TensorProtos.write(
          d.resolve("input_0.pb"),
          TensorProtos.typed("x", "float32", new long[] {1, 4}, ZooFixtures.INPUT));
      float[] want = name.equals("good") ? ZooFixtures.OUTPUT : new float[] {0, 0, 0, 0};
      TensorProtos.write(
          d.resolve("output_0.pb"), TensorProtos.raw("y", "float32", new long[] {1, 4}, want));
    }
    CliResult test = gpux("test", "suite");
    assertEquals(1, test.exitCode(), test.toString());
    assertTrue(test.out().contains("FAIL suite/bad"), test.out());
    assertTrue(test.out().contains("PASS suite/good"), test.out());
    assertTrue(test.out().contains("1 of 2 passed, 1 failed"), test.out());
    CliResult one = gpux("test", "suite/good", "--json");
    assertEquals(0, one.exitCode(), one.toString());
  }

  @Test
  void badInputIsOneLineWithTheFix() throws Exception {
    assertCleanError(gpux("pull", "zoo:addr"), 2, "no model 'addr'", "zoo:adder");
    assertCleanError(gpux("pull", "zoo:adder@9"), 2, "no opset 9", "12, 7");
    assertCleanError(gpux("pull", "zoo:adder@newest"), 2, "is not an opset", "zoo:NAME@OPSET");
    assertCleanError(gpux("test", "zoo:adder"), 2, "no test data in the store", "--with-test-data");
    assertCleanError(gpux("test", "no-such-dir"), 2, "no folder no-such-dir", "model.onnx");
    Files.createDirectories(cwd.resolve("empty"));
    assertCleanError(gpux("test", "empty"), 2, "no test data in", "test_data_set_0");
    assertCleanError(gpux("test", "empty", "--rtol", "-1"), 2, "tolerances", "--rtol");
    assertCleanError(
        gpux("pull", "zoo:adder", "--variant", "quantized"),
        2,
        "no variant 'quantized'",
        "test-data");
  }

  @Test
  void aBadMirrorSettingNamesTheVariable() {
    env.put("GPUX_ONNX_ZOO_URL", "ftp://mirror.example.com/zoo");
    assertCleanError(gpux("pull", "zoo:adder"), 2, "GPUX_ONNX_ZOO_URL", "GPUX_ONNX_ZOO_URL");
    env.put("GPUX_ONNX_ZOO_URL", zoo.url() + "/elsewhere");
    assertCleanError(
        gpux("versions", "zoo:adder"), 2, "no ONNX_HUB_MANIFEST.json at", "GPUX_ONNX_ZOO_URL");
  }

  @Test
  void aTamperedFileOrAnLfsPointerIsNeverStored() throws Exception {
    String path = "validated/vision/classification/adder/model/adder-12.onnx";
    zoo.lfsPointer(path);
    assertCleanError(gpux("pull", "zoo:adder"), 3, "content not available here", "mirror");
    CliResult list = gpux("list", "--json");
    assertEquals(0, list.exitCode(), list.toString());
    assertEquals("[]", MAPPER.readTree(list.out()).toString());
  }

  @Test
  void anArchiveThatEscapesItsFolderIsRefused() throws Exception {
    byte[] m = ZooFixtures.adder(cwd.resolve("fixture"), 12);
    byte[] evil = new ZooArchive("evil", m).entry("../../escape.txt", "x".getBytes()).toTarGz();
    zoo.model("Evil", 12, m, evil);
    CliResult r = gpux("test", "zoo:evil", "--with-test-data");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: "), r.toString());
    assertFalse(Files.exists(home.getParent().resolve("escape.txt")));
    assertEquals("[]", MAPPER.readTree(gpux("list", "--json").out()).toString());
  }

  @Test
  void helpDescribesTheCommand() {
    CliResult help = gpux("test", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().contains("--with-test-data"), help.out());
    assertTrue(help.out().contains("--rtol"), help.out());
    assertTrue(help.out().contains("default: 1e-3"), help.out());
  }
}
