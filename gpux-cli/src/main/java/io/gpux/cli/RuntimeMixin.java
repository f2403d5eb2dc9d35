package io.gpux.cli;

import io.gpux.error.GpuxException;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/**
 * The options that choose how a model is loaded: provider and threads. The provider has no short
 * form: {@code -p} is the port in {@code gpux serve}, as Docker users expect.
 */
final class RuntimeMixin {
  @Option(
      names = "--provider",
      paramLabel = "NAME",
      completionCandidates = RuntimeMixin.ProviderNames.class,
      description =
          "Execution provider to use first: tensorrt, cuda, rocm, openvino, directml, coreml, cpu"
              + " or auto (default: runtime.gpu.backend in gpux.yml, else auto).")
  String provider;

  @Option(
      names = "--no-fallback",
      description = "Fail instead of falling back when the requested provider cannot be used.")
  boolean noFallback;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Intra-op threads, 1 or more (default: ONNX Runtime's choice, one per core).")
  Integer threads;

  /** What shell completion offers for --provider. */
  static final class ProviderNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      java.util.List<String> names = new java.util.ArrayList<>();
      for (ExecutionProvider p : ExecutionProvider.values()) {
        names.add(p.shortName());
      }
      names.add("auto");
      return names.iterator();
    }
  }

  RuntimeOptions options() {
    RuntimeOptions o = RuntimeOptions.defaults().withFallback(!noFallback);
    if (threads != null && threads < 1) {
      throw GpuxException.invalidInput(
          "--threads must be 1 or more, got " + threads,
          "leave --threads out for ONNX Runtime's default (one thread per core)");
    }
    if (threads != null) {
      o = o.withThreads(threads, 1);
    }
    if (provider != null && !provider.equalsIgnoreCase("auto")) {
      ExecutionProvider p = ExecutionProvider.parse(provider);
      if (p == null) {
        throw GpuxException.invalidInput(
            "unknown provider '" + provider + "'",
            "use one of " + ExecutionProvider.knownNames() + ", or auto (see `gpux providers`)");
      }
      o = o.withProvider(p);
    }
    return o;
  }
}
