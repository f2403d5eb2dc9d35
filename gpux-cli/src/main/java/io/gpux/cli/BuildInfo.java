package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.runtime.SessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * What {@code gpux --version} prints: this build, the ONNX Runtime it loads, the JVM and the
 * machine, in the spirit of {@code docker version}, so a bug report carries them.
 */
final class BuildInfo {
  private BuildInfo() {}

  static String[] lines() {
    return new String[] {
      "gpux " + Gpux.version(),
      " Git commit:    " + commit(),
      " ONNX Runtime:  " + onnxRuntime(),
      " Java:          "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + ", "
          + System.getProperty("java.vm.name")
          + ")",
      " OS/Arch:       "
          + System.getProperty("os.name").toLowerCase(Locale.ROOT)
          + "/"
          + System.getProperty("os.arch")
          + " ("
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.version")
          + ")"
    };
  }

  /** The commit the CLI was built from (with -dirty for uncommitted changes); Maven writes it. */
  static String commit() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("git.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    String id = p.getProperty("git.commit", "").strip();
    return id.matches("[0-9a-f]{7,40}(-dirty)?") ? id : "unknown (built outside a git checkout)";
  }

  private static String onnxRuntime() {
    try {
      return SessionFactory.onnxRuntimeVersion();
    } catch (GpuxException e) {
      return "unavailable: " + e.problem();
    }
  }
}
