package io.gpux.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockfileFormatTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "0123456789abcdef".repeat(4);

  private static LockedModel model(String registry, String name, String version, LockedFile... f) {
    return new LockedModel(
        registry, name, "main", version, null, List.of(), List.of(), null, List.of(f), 0);
  }

  @Test
  void writingIsStableWhateverTheOrderAndReadingGivesTheSameModelsBack() {
    LockedModel odd =
        new LockedModel(
            "wandb",
            "acme/proj: \"x\" #1/naïve",
            "prod # not a comment",
            "v3",
            "fp16",
            List.of("*.json", "a,b"),
            List.of("*.bin"),
            "https://example.test/a?b=c",
            List.of(
                new LockedFile("z/ü model.onnx", 10, SHA_A),
                new LockedFile("b #1: x.json", 0, SHA_B)),
            0);
    LockedModel hf = model("hf", "acme/digits", "c0ffee", new LockedFile("model.onnx", 5, SHA_B));
    String one = new Lockfile(List.of(odd, hf)).write();
    String two = new Lockfile(List.of(hf, odd)).write();
    assertEquals(one, two, "sorted, so the order of locking does not matter");
    assertTrue(one.indexOf("\"hf\"") < one.indexOf("\"wandb\""), one);
    assertTrue(one.indexOf("b #1: x.json") < one.indexOf("z/ü model.onnx"), "files sorted by path");

    Lockfile back = Lockfile.parse(one, "gpux.lock");
    assertEquals(2, back.models().size());
    LockedModel w = back.models().get(1);
    assertEquals(odd.name(), w.name());
    assertEquals(odd.requested(), w.requested());
    assertEquals(odd.include(), w.include(), "a comma inside a pattern survives");
    assertEquals(odd.exclude(), w.exclude());
    assertEquals(odd.source(), w.source());
    assertEquals(odd.files(), w.files());
    assertEquals(odd.selection(), w.selection());
    assertEquals(one, back.write(), "read and written again: the same bytes");
    assertTrue(w.line() > 0, "parsed models know their line");
  }

  @Test
  void anExactlyLockedModelHasNoRequestedName() {
    String text =
        new Lockfile(
                List.of(
                    new LockedModel(
                        "mlflow", "fraud", null, "3", null, List.of(), List.of(), null, List.of(),
                        0)))
            .write();
    assertTrue(!text.contains("requested"), text);
    assertTrue(text.contains("files: []"), text);
    assertNull(Lockfile.parse(text, "x").models().get(0).requested());
    assertEquals("models: []", new Lockfile(List.of()).write().lines().reduce((a, b) -> b).get());
  }

  @Test
  void badLockfilesNameTheLineAndTheFix() {
    String[][] cases = {
      {"", "x.lock:1: is not a lockfile"},
      {"- a\n- b\n", "x.lock:1: is not a lockfile"},
      {"lockfile: one\nmodels: []\n", "x.lock:1: 'lockfile' must be a number"},
      {"lockfile: 1\n", "'models:' is missing"},
      {"lockfile: 1\nmodels: {a: 1}\n", "x.lock:2: 'models' must be a list"},
      {"lockfile: 1\nmodels:\n  - registry: hf\n", "x.lock:3: models[0].name is missing"},
      {
        "lockfile: 1\nmodels:\n  - {registry: hf, name: a, version: b, files: [{path: m, size: -1,"
            + " sha256: "
            + SHA_A
            + "}]}\n",
        "models[0].files[0].size must be a whole number"
      },
      {
        "lockfile: 1\nmodels:\n  - {registry: hf, name: a, version: b, files: [{path: m, size: 1,"
            + " sha256: "
            + SHA_A
            + "}, {path: m, size: 1, sha256: "
            + SHA_A
            + "}]}\n",
        "'m' is listed twice"
      },
      {
        "lockfile: 1\nmodels:\n  - {registry: hf, name: a, version: b, files: []}\n"
            + "  - {registry: hf, name: a, version: c, files: []}\n",
        "hf:a is locked twice (line 4)"
      },
      {"lockfile: 1\nlockfile: 1\nmodels: []\n", "x.lock:2: 'lockfile' is given twice"},
    };
    for (String[] c : cases) {
      GpuxException e = assertThrows(GpuxException.class, () -> Lockfile.parse(c[0], "x.lock"));
      assertEquals(ErrorCategory.INVALID_INPUT, e.category(), c[0]);
      assertTrue(e.problem().contains(c[1]), "expected '" + c[1] + "' in: " + e.problem());
      assertTrue(e.hint() != null && !e.hint().isEmpty(), e.problem());
      assertEquals(1, e.problem().lines().count(), "one line: " + e.problem());
    }
  }

  @Test
  void theFirstDifferenceIsNamed() {
    List<LockedFile> locked =
        List.of(new LockedFile("a.json", 3, SHA_A), new LockedFile("m.onnx", 5, SHA_B));
    var same =
        List.of(
            new io.gpux.store.ManifestFile("m.onnx", 5, SHA_B, null),
            new io.gpux.store.ManifestFile("a.json", 3, SHA_A, null));
    assertNull(LockRestorer.firstDifference(locked, same), "order does not matter");
    assertEquals(
        "m.onnx is locked but missing", LockRestorer.firstDifference(locked, same.subList(1, 2)));
    assertEquals(
        "a.json is locked with 3 bytes but has 4",
        LockRestorer.firstDifference(
            locked,
            List.of(same.get(0), new io.gpux.store.ManifestFile("a.json", 4, SHA_A, null))));
    assertEquals(
        "x is there but not locked",
        LockRestorer.firstDifference(
            locked,
            List.of(
                same.get(0), same.get(1), new io.gpux.store.ManifestFile("x", 1, SHA_A, null))));
  }
}
