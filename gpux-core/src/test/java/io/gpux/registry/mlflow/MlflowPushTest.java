package io.gpux.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.PullOptions;
import io.gpux.registry.PushResult;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.tensor.Tensor;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux push} to a real MLflow server, pulled back by gpux and by the Python client. */
@Slow
class MlflowPushTest {
  @TempDir Path home;
  @TempDir Path work;

  private Gpux gpux() throws Exception {
    Map<String, String> env = new HashMap<>(SharedMlflow.env());
    env.put("GPUX_HOME", home.toString());
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  @Test
  void anMlflowModelFolderRoundTripsByteIdentical() throws Exception {
    Path folder = Files.createDirectories(work.resolve("downloaded"));
    SharedMlflow.server().fixture("download", "models:/adder-ext/1", folder.toString());
    Files.delete(folder.resolve("registered_model_meta")); // The Python client's own note.
    try (Gpux g = gpux()) {
      PushResult pushed = g.models().push("downloaded", "mlflow:pushed-ext", "prod");
      assertEquals("1", pushed.version());
      VersionManifest m =
          g.models()
              .pull("mlflow:pushed-ext@prod", PullOptions.defaults(), TransferListener.NONE)
              .manifest();
      assertEquals("1", m.version());
      Map<String, String> pulled = new HashMap<>();
      for (ManifestFile f : m.files()) {
        pulled.put(f.path(), f.sha256());
      }
      int compared = 0;
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          String rel = folder.relativize(p).toString();
          assertEquals(sha256(p), pulled.get(rel), rel);
          compared++;
        }
      }
      assertEquals(m.files().size() - 1, compared, "all files, and the generated gpux.yml");
      // A second push is a new version; the alias moves to it.
      assertEquals("2", g.models().push("downloaded", "mlflow:pushed-ext", "prod").version());
      assertEquals(
          "2",
          g.models()
              .pull("mlflow:pushed-ext@prod", PullOptions.defaults(), TransferListener.NONE)
              .manifest()
              .version());
    }
  }

  @Test
  void aPlainOnnxProjectGetsAnMlmodelAndThePythonClientCanDownloadIt() throws Exception {
    Path project = Files.createDirectories(work.resolve("project"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    try (Gpux g = gpux()) {
      PushResult pushed = g.models().push("project", "mlflow:pushed-plain", null);
      g.models().pull(pushed.reference(), PullOptions.defaults(), TransferListener.NONE);
      Tensor y =
          g.load(pushed.reference(), RuntimeOptions.defaults())
              .run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, 1, 2, 3, 4)))
              .get("y");
      assertEquals(5.0, y.doubleAt(3), 1e-6);
    }
    Path python = Files.createDirectories(work.resolve("python"));
    SharedMlflow.server().fixture("download", "models:/pushed-plain/1", python.toString());
    assertEquals(sha256(project.resolve("model.onnx")), sha256(python.resolve("model.onnx")));
    assertTrue(Files.readString(python.resolve("MLmodel")).contains("onnx:"));
  }

  @Test
  void pushingToAVersionOrWithoutAnOnnxFileIsRefused() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Files.writeString(empty.resolve("README.md"), "no model here");
    try (Gpux g = gpux()) {
      GpuxException version =
          assertThrows(GpuxException.class, () -> g.models().push("empty", "mlflow:x/3", null));
      assertEquals(ErrorCategory.INVALID_INPUT, version.category());
      GpuxException noOnnx =
          assertThrows(GpuxException.class, () -> g.models().push("empty", "mlflow:x", null));
      assertTrue(noOnnx.problem().contains("no .onnx file"), noOnnx.problem());
      GpuxException nothing =
          assertThrows(GpuxException.class, () -> g.models().push("nowhere", "mlflow:x", null));
      assertEquals(ErrorCategory.NOT_FOUND, nothing.category());
    }
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
