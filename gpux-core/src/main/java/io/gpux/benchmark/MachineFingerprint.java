package io.gpux.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a benchmark ran on, so results from several machines can be told apart and compared: the
 * CPU's model name ({@code /proc/cpuinfo}, else the JVM's architecture) and its cores.
 */
public final class MachineFingerprint {
  private MachineFingerprint() {}

  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        String l = line.toLowerCase(Locale.ROOT);
        if (l.startsWith("model name") || l.startsWith("hardware")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no /proc: the architecture is what is known.
    }
    return System.getProperty("os.arch");
  }

  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
