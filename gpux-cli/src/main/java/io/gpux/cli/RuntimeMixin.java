package io.gpux.cli;

import io.gpux.error.GpuxException;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/** The options that choose how a model is loaded: provider and threads. */
final class RuntimeMixin {
  @Option(
      names = {"-p", "--provider"},
      paramLabel = "NAME",
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
      description = "Intra-op threads (default: ONNX Runtime's choice, one per core).")
  int threads;

  RuntimeOptions options() {
    RuntimeOptions o = RuntimeOptions.defaults().withFallback(!noFallback);
    if (threads < 0) {
      throw GpuxException.invalidInput("--threads must be positive, got " + threads, null);
    }
    if (threads > 0) {
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
