package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorePathsTest {
  static Stream<Arguments> unsafeFilePaths() {
    return Stream.of(
        Arguments.of("../x", "'..' segment"),
        Arguments.of("a/../../b", "'..' segment"),
        Arguments.of("a/..", "'..' segment"),
        Arguments.of("./a", "'.' or"),
        Arguments.of("a/.", "'.' or"),
        Arguments.of("/abs", "absolute"),
        Arguments.of("C:/x", "absolute"),
        Arguments.of("a//b", "empty"),
        Arguments.of("a/", "empty"),
        Arguments.of("", "is empty"),
        Arguments.of("a\\b", "backslash"),
        Arguments.of("..\\x", "backslash"),
        Arguments.of("a/\u0000b", "control character"),
        Arguments.of("a\nb", "control character"),
        Arguments.of("a\u009bb", "control character"),
        Arguments.of("x".repeat(256), "longer than 255 bytes"));
  }

  @ParameterizedTest
  @MethodSource("unsafeFilePaths")
  void refusesUnsafeFilePathsNamingThem(String path, String why) {
    GpuxException e = assertThrows(GpuxException.class, () -> StorePaths.checkFilePath(path));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("refusing file path '"), e.problem());
    assertTrue(e.problem().contains(why), e.problem());
    assertFalse(e.problem().contains("\u0000") || e.problem().contains("\n"), "escaped");
  }

  @ParameterizedTest
  @MethodSource("unsafeFilePaths")
  void commitRefusesManifestsWithUnsafeFilePaths(String path, String why, @TempDir Path home)
      throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      ManifestFile ok = StoreFixture.put(store, "ok", "content");
      ManifestFile bad = new ManifestFile(path, ok.size(), ok.sha256(), null);
      GpuxException e =
          assertThrows(
              GpuxException.class, () -> store.commit(StoreFixture.manifest("v1", ok, bad)));
      assertTrue(e.problem().startsWith("refusing file path"), e.problem());
      assertTrue(store.list().isEmpty());
      try (Stream<Path> files = Files.list(home.resolve("manifests"))) {
        assertEquals(0, files.count(), "nothing written");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "model.onnx",
        "onnx/model.onnx",
        "a/b/c.d",
        "tokenizer.json",
        "..a",
        "a..b",
        "ü/模型.onnx"
      })
  void acceptsOrdinaryRelativePaths(String path) {
    assertEquals(path, StorePaths.checkFilePath(path));
  }

  @Test
  void refusesAPathListedTwiceOrBothFileAndFolder() {
    String sha = "a".repeat(64);
    GpuxException twice =
        assertThrows(
            GpuxException.class,
            () ->
                StorePaths.checkFilePaths(
                    List.of(
                        new ManifestFile("a", 1, sha, null), new ManifestFile("a", 1, sha, null))));
    assertTrue(twice.problem().contains("listed twice"), twice.problem());
    GpuxException clash =
        assertThrows(
            GpuxException.class,
            () ->
                StorePaths.checkFilePaths(
                    List.of(
                        new ManifestFile("a/b/c", 1, sha, null),
                        new ManifestFile("a/b", 1, sha, null))));
    assertTrue(clash.problem().contains("'a/b' is also a file"), clash.problem());
  }

  @Test
  void namesArePercentEncodedPerSegment() {
    assertEquals("hf", StorePaths.registry("hf"));
    assertEquals("org/model-1.0_x", StorePaths.name("org/model-1.0_x"));
    assertEquals("my%20org/m%C3%BCdel", StorePaths.name("my org/müdel"));
    assertEquals("host%3A5000/repo", StorePaths.name("host:5000/repo"));
    assertEquals("@refs%2Fpr%2F1", StorePaths.version("refs/pr/1"));
    assertEquals("@..%2F..%2Fetc", StorePaths.version("../../etc"));
    assertEquals("@%40champion", StorePaths.version("@champion"));
    assertEquals("%252E..", StorePaths.registry("%2E.."), "'%' itself is encoded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "a/..", "../a", "a/./b", "a//b", "/a", "a/", ""})
  void modelNamesWithDotOrEmptySegmentsAreRefused(String name) {
    GpuxException e = assertThrows(GpuxException.class, () -> StorePaths.name(name));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", ""})
  void versionsAndRegistriesThatNameAFolderAreRefused(String text) {
    assertThrows(GpuxException.class, () -> StorePaths.version(text));
    assertThrows(GpuxException.class, () -> StorePaths.registry(text));
  }

  @Test
  void longSegmentsAreShortenedWithAHashSoThatTheyStayDistinct() {
    String a = StorePaths.encode("x".repeat(300) + "a");
    String b = StorePaths.encode("x".repeat(300) + "b");
    assertEquals(StorePaths.MAX_SEGMENT, a.length());
    assertTrue(a.contains("~"));
    assertFalse(a.equals(b));
    assertEquals(
        "x".repeat(StorePaths.MAX_SEGMENT), StorePaths.encode("x".repeat(StorePaths.MAX_SEGMENT)));
  }

  @Test
  void digestsMustBe64LowercaseHex() {
    assertEquals("0".repeat(64), StorePaths.checkDigest("0".repeat(64)));
    for (String bad : List.of("", "0".repeat(63), "F".repeat(64), "../" + "0".repeat(61))) {
      assertThrows(GpuxException.class, () -> StorePaths.checkDigest(bad), bad);
    }
    assertThrows(GpuxException.class, () -> StorePaths.checkDigest(null));
  }
}
