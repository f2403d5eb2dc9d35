package io.gpux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.testing.OnnxModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionFactoryTest {
  @TempDir Path dir;

  @Test
  void cpuIsAlwaysAvailableAndLast() {
    List<ProviderStatus> providers = new SessionFactory().providers();
    ProviderStatus cpu =
        providers.stream()
            .filter(p -> p.provider() == ExecutionProvider.CPU)
            .findFirst()
            .orElseThrow();
    assertTrue(cpu.available());
    assertEquals(ExecutionProvider.values().length, providers.size());
  }

  @Test
  void automaticChoiceSkipsProvidersNotInTheBuildQuietly() {
    try (ModelSession s =
        new SessionFactory().open(OnnxModels.addOne(dir), RuntimeOptions.defaults())) {
      ExecutionProvider best =
          SessionFactory.compiledIn().stream()
              .filter(p -> ProviderPriority.forThisMachine().contains(p))
              .min(
                  java.util.Comparator.comparingInt(
                      p -> ProviderPriority.forThisMachine().indexOf(p)))
              .orElse(ExecutionProvider.CPU);
      assertEquals(best, s.provider().chosen());
    }
  }

  @Test
  void requestedProviderThatIsMissingFallsBackWithAReason() {
    ExecutionProvider missing = firstMissing();
    RuntimeOptions options = RuntimeOptions.defaults().withProvider(missing);
    try (ModelSession s = new SessionFactory().open(OnnxModels.addOne(dir), options)) {
      assertTrue(s.provider().fellBack());
      assertEquals(missing, s.provider().failedAttempts().get(0).provider());
      String line = s.provider().summary();
      assertTrue(line.contains(missing.shortName() + ": not in this ONNX Runtime build"), line);
    }
  }

  @Test
  void noFallbackMakesAMissingProviderAnError() {
    ExecutionProvider missing = firstMissing();
    RuntimeOptions options = RuntimeOptions.defaults().withProvider(missing).withFallback(false);
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> new SessionFactory().open(OnnxModels.addOne(dir), options));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(
        e.problem().contains("provider " + missing.shortName() + " cannot be used"), e.problem());
  }

  @Test
  void forcingCpuUsesCpu() {
    RuntimeOptions options = RuntimeOptions.defaults().withProvider(ExecutionProvider.CPU);
    try (ModelSession s = new SessionFactory().open(OnnxModels.addOne(dir), options)) {
      assertEquals(ExecutionProvider.CPU, s.provider().chosen());
      assertFalse(s.provider().fellBack());
    }
  }

  @Test
  void priorityFollowsThePythonGpuxPerPlatform() {
    assertEquals(ExecutionProvider.TENSORRT, ProviderPriority.forPlatform("Linux", "amd64").get(0));
    assertEquals(
        List.of(ExecutionProvider.COREML, ExecutionProvider.CPU),
        ProviderPriority.forPlatform("Mac OS X", "aarch64"));
    assertEquals(
        ExecutionProvider.DIRECTML, ProviderPriority.forPlatform("Windows 11", "amd64").get(2));
  }

  @Test
  void parsesProviderNamesAndAliases() {
    assertEquals(ExecutionProvider.TENSORRT, ExecutionProvider.parse("trt"));
    assertEquals(ExecutionProvider.CUDA, ExecutionProvider.parse("CUDAExecutionProvider"));
    assertEquals(ExecutionProvider.DIRECTML, ExecutionProvider.parse("DML"));
    assertEquals(null, ExecutionProvider.parse("quantum"));
  }

  private static ExecutionProvider firstMissing() {
    for (ExecutionProvider p : ExecutionProvider.values()) {
      if (!SessionFactory.compiledIn().contains(p)) {
        return p;
      }
    }
    throw new org.opentest4j.TestAbortedException("every provider is compiled in");
  }
}
