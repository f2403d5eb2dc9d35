package io.gpux.conformance;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds test folders: a folder with {@code model.onnx} and at least one {@code test_data_set_*}
 * beside it. A folder that is not one itself is searched a few levels down (a zoo archive's top
 * folder, ONNX's {@code backend/test/data/node/}), so one argument can name many.
 */
public final class TestDataFolders {
  /** How deep below a given folder test folders are looked for. */
  static final int DEPTH = 4;

  private TestDataFolders() {}

  public static boolean isTestFolder(Path dir) {
    return Files.isRegularFile(dir.resolve("model.onnx")) && !dataSets(dir).isEmpty();
  }

  /** The {@code test_data_set_*} folders of {@code dir}, sorted by name. */
  public static List<Path> dataSets(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("test_data_set_"))
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The test folders at or under {@code root}, sorted.
   *
   * @throws GpuxException not found when there are none, saying what the layout is
   */
  public static List<Path> find(Path root) {
    if (!Files.isDirectory(root)) {
      throw GpuxException.notFound(
          root + " is not a folder",
          "give a folder holding model.onnx and test_data_set_*/ (input_N.pb, output_N.pb)");
    }
    if (isTestFolder(root)) {
      return List.of(root);
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.find(root, DEPTH, (p, a) -> a.isDirectory())) {
      s.filter(TestDataFolders::isTestFolder).sorted().forEach(out::add);
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read " + root + ": " + e.getMessage(), null);
    }
    if (out.isEmpty()) {
      throw GpuxException.notFound(
          "no test data in " + root + ": no folder with model.onnx beside test_data_set_*/",
          "the layout is DIR/model.onnx and DIR/test_data_set_0/input_0.pb, output_0.pb, ...;"
              + " for a zoo model run `gpux test zoo:NAME --with-test-data`");
    }
    return out;
  }
}
