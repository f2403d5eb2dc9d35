package io.gpux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list a batch works on, read through the installed registries' grammars. */
class ModelListTest {
  @TempDir Path dir;
  private Gpux gpux;

  @BeforeEach
  void open() {
    gpux = Gpux.open(dir, GpuxSettings.fromEnvironment(Map.of(), dir.resolve("home")));
  }

  @AfterEach
  void close() {
    gpux.close();
  }

  private static List<String> texts(ModelList l) {
    return l.entries().stream().map(ModelList.Entry::text).toList();
  }

  @Test
  void aListFileHasCommentsBlankLinesAndEveryRegistrysGrammar() throws Exception {
    Files.writeString(
        dir.resolve("models.txt"),
        "# models for the nightly job\n"
            + "hf:acme/a\n"
            + "\n"
            + "   hf:acme/b@v2   # pinned\n"
            + "mlflow:fraud/3\n"
            + "wandb:team/proj/clf:v4\n"
            + "oci://registry.example.com/models/m:1.0\n"
            + "hf:acme/c#not-a-comment\n");
    ModelList l = gpux.batch().list().file("models.txt").build();
    assertEquals(
        List.of(
            "hf:acme/a",
            "hf:acme/b@v2",
            "mlflow:fraud/3",
            "wandb:team/proj/clf:v4",
            "oci://registry.example.com/models/m:1.0"),
        texts(l).subList(0, 5));
    assertEquals(List.of(2, 4, 5, 6, 7), l.entries().stream().limit(5).map(e -> e.line()).toList());
    assertEquals("models.txt:4", l.entries().get(1).where());
    assertEquals("mlflow", l.entries().get(2).ref().registry());
    assertEquals("oci", l.entries().get(4).ref().registry());
    // '#' inside a word is no comment; whether it is a reference is the grammar's to say.
    assertEquals(1, l.entries().size() - 5 + l.invalid().size(), l.invalid().toString());
  }

  @Test
  void duplicatesAreKeptOnceInTheOrderFirstSeen() {
    ModelList l =
        gpux.batch()
            .list()
            .arguments(List.of("hf:acme/a", "hf:acme/b"))
            .read("stdin", new StringReader("hf:acme/b\nhf:acme/a\nhf:acme/c\n"))
            .build();
    assertEquals(List.of("hf:acme/a", "hf:acme/b", "hf:acme/c"), texts(l));
    assertEquals(2, l.duplicates().size());
    assertEquals("stdin:1", l.duplicates().get(0).where());
    assertEquals("argument 2", l.duplicates().get(0).kept().where());
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumbersAndRefuseTheList() throws Exception {
    Files.writeString(
        dir.resolve("models.txt"), "hf:acme/a\nhf:\n# fine\nhf:acme/b hf:acme/c\nnope:x/y\n");
    ModelList l = gpux.batch().list().file("models.txt").build();
    assertEquals(List.of("hf:acme/a"), texts(l));
    assertEquals(
        List.of(2, 4, 5), l.invalid().stream().map(ModelList.Invalid::line).toList(), "" + l);
    assertTrue(
        l.invalid().get(0).message().startsWith("models.txt:2: 'hf:' is not a model reference: "),
        l.invalid().get(0).message());
    assertTrue(l.invalid().get(1).message().contains("one reference per line"));
    GpuxException e = assertThrows(GpuxException.class, () -> l.checked(false));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertEquals(3, e.problem().lines().count(), e.problem());
    assertTrue(e.hint().contains("--skip-invalid"), e.hint());
    assertEquals(List.of("hf:acme/a"), texts(l.checked(true)));
  }

  @Test
  void anEmptyListOrAMissingFileIsBadInput() {
    GpuxException empty =
        assertThrows(
            GpuxException.class,
            () ->
                gpux.batch()
                    .list()
                    .read("stdin", new StringReader("# nothing\n"))
                    .build()
                    .checked(false));
    assertEquals("no models given", empty.problem());
    GpuxException missing =
        assertThrows(GpuxException.class, () -> gpux.batch().list().file("absent.txt"));
    assertEquals(ErrorCategory.INVALID_INPUT, missing.category());
    assertEquals("no model list at absent.txt", missing.problem());
  }

  @Test
  void aLockfileGivesExactReferencesWithTheirLockedFiles() throws Exception {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    Files.writeString(
        dir.resolve("gpux.lock"),
        "lockfile: 1\n"
            + "models:\n"
            + "  - registry: \"hf\"\n"
            + "    name: \"acme/digits\"\n"
            + "    requested: \"main\"\n"
            + "    version: \""
            + commit
            + "\"\n"
            + "    files:\n"
            + "      - {path: \"model.onnx\", size: 3, sha256: \""
            + "a".repeat(64)
            + "\"}\n");
    ModelList l = gpux.batch().list().locked("gpux.lock").argument("hf:acme/other").build();
    assertEquals(List.of("hf:acme/digits@" + commit, "hf:acme/other"), texts(l));
    ModelList.Entry e = l.entries().get(0);
    assertEquals("gpux.lock:3", e.where());
    assertEquals("model.onnx", e.locked().files().get(0).path());
    assertEquals(null, l.entries().get(1).locked());
  }

  @Test
  void shardsSplitTheListByReference() {
    ModelList.Builder b = gpux.batch().list();
    for (int i = 0; i < 50; i++) {
      b.argument("hf:acme/m" + i);
    }
    ModelList all = b.build();
    int sum = 0;
    for (int i = 0; i < 3; i++) {
      sum += all.shard(new Shard(i, 3)).size();
    }
    assertEquals(50, sum);
  }
}
