package io.gpux.monitor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's CPU and memory as the history records them. Memory is the resident set (from {@code
 * /proc/self/statm}, which counts ONNX Runtime's native allocations as the JVM heap figures do
 * not), against the limit that would stop the process: the cgroup's {@code memory.max} when one is
 * set (a container), else the machine's memory.
 */
final class ProcessStats {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long lastCpuNanos = os.getProcessCpuTime();
  private long lastWallNanos = System.nanoTime();

  /** Cores busy on average since the previous call. */
  synchronized double cpuCores() {
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    double cores =
        wall > lastWallNanos ? (cpu - lastCpuNanos) / (double) (wall - lastWallNanos) : 0;
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return Math.max(0, cores);
  }

  long rssBytes() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(statm[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      Runtime rt = Runtime.getRuntime();
      return rt.totalMemory() - rt.freeMemory();
    }
  }

  long memoryLimitBytes() {
    try {
      String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
      if (!max.equals("max")) {
        return Long.parseLong(max);
      }
    } catch (IOException | RuntimeException e) {
      // No cgroup v2 limit: the machine's memory is the limit.
    }
    return os.getTotalMemorySize();
  }
}
