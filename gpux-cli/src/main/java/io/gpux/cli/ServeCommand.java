package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.project.ProjectConfig;
import io.gpux.server.InferenceServer;
import io.gpux.server.ModelLoader;
import io.gpux.server.ServedModel;
import io.gpux.server.ServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gpux serve}: an HTTP inference server for one or several models. */
@Command(
    name = "serve",
    description = {
      "Serve models over HTTP.",
      "The Python GPUX's /predict, /health and /info; the Open Inference Protocol v2"
          + " (KServe/Triton JSON) under /v2; Prometheus metrics at /metrics."
    })
final class ServeCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      arity = "0..*",
      paramLabel = "MODEL",
      description = "Project folders, gpux.yml or .onnx files, or stored models (hf:org/name).")
  List<String> models;

  @Option(
      names = {"-H", "--host"},
      description = "Address to listen on (default: serving.host in gpux.yml, else 127.0.0.1).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description =
          "Port, 0 to 65535 (default: serving.port in gpux.yml, else 8080; 0 picks a free one).")
  Integer port;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Requests computed at once, 1 or more (default: serving.max_workers, else 4).")
  Integer workers;

  @Option(
      names = "--max-batch-size",
      paramLabel = "N",
      description =
          "Dynamic batching: join concurrent requests up to N rows, 1 or more (default:"
              + " serving.batch_size; 1 is off).")
  Integer maxBatchSize;

  @Option(
      names = "--batch-delay-ms",
      defaultValue = "2",
      description = "Longest wait for requests to batch with (default: ${DEFAULT-VALUE} ms).")
  double batchDelayMs;

  @Option(
      names = "--model-control",
      defaultValue = "none",
      description =
          "none: serve the models given here; explicit: also load and unload models at run time"
              + " through POST /v2/repository/models/NAME/load|unload (default: ${DEFAULT-VALUE}).")
  String modelControl;

  @Mixin RuntimeMixin runtime;

  private ServedModel load(Gpux gpux, String reference) {
    long t0 = System.nanoTime();
    InferenceModel loaded = gpux.load(reference, runtime.options());
    parent.err.println(
        "gpux: loaded " + loaded.project().name() + " (" + loaded.provider().summary() + ")");
    return new ServedModel(
        loaded.project().name(),
        loaded.project().config().version(),
        loaded,
        (System.nanoTime() - t0) / 1e9);
  }

  @Spec CommandSpec spec;

  /** Refuses out-of-range values before any model is loaded, naming the option and the range. */
  private void checkOptions() {
    if (port != null && (port < 0 || port > 65535)) {
      throw bad("--port must be between 0 and 65535 (0 picks a free port), got " + port);
    }
    if (workers != null && workers < 1) {
      throw bad("--workers must be 1 or more, got " + workers);
    }
    if (maxBatchSize != null && maxBatchSize < 1) {
      throw bad("--max-batch-size must be 1 or more (1 turns batching off), got " + maxBatchSize);
    }
    if (!(batchDelayMs >= 0)) {
      throw bad("--batch-delay-ms must be 0 or more, got " + batchDelayMs);
    }
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    try (Gpux gpux = parent.gpux()) {
      boolean explicit =
          switch (modelControl) {
            case "none" -> false;
            case "explicit" -> true;
            default ->
                throw GpuxException.invalidInput(
                    "unknown --model-control " + modelControl, "use none or explicit");
          };
      List<ServedModel> served = new ArrayList<>();
      for (String m : models == null ? List.<String>of() : models) {
        served.add(load(gpux, m));
      }
      if (served.isEmpty() && !explicit) {
        throw GpuxException.invalidInput(
            "no model to serve", "gpux serve MODEL [MODEL...], or --model-control explicit");
      }
      ModelLoader loader =
          !explicit
              ? null
              : new ModelLoader() {
                @Override
                public ServedModel load(String reference) {
                  return ServeCommand.this.load(gpux, reference);
                }

                @Override
                public void unload(ServedModel model) {
                  gpux.unload(model.model());
                  parent.err.println("gpux: unloaded " + model.name() + " " + model.version());
                }
              };
      ProjectConfig.ServingSection serving =
          served.isEmpty()
              ? ProjectConfig.ServingSection.defaults()
              : served.get(0).model().project().config().serving();
      ServerOptions options =
          ServerOptions.defaults()
              .withAddress(
                  host != null ? host : serving.host(), port != null ? port : serving.port())
              .withWorkers(workers != null ? workers : serving.maxWorkers())
              .withBatching(
                  maxBatchSize != null ? maxBatchSize : serving.batchSize(),
                  (long) (batchDelayMs * 1000));
      CountDownLatch stopped = new CountDownLatch(1);
      try (InferenceServer server = InferenceServer.start(served, options, loader)) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      parent.err.println("gpux: stopping (finishing requests in flight)");
                      server.close();
                      stopped.countDown();
                    }));
        parent.out.println(
            "Serving "
                + String.join(", ", served.stream().map(ServedModel::name).toList())
                + " on http://"
                + options.host()
                + ":"
                + server.port());
        parent.out.println(
            "  POST /predict    GET /health /info /metrics    Open Inference Protocol: /v2/models/{name}/infer");
        parent.out.flush();
        if (server.awaitReady(120_000)) {
          parent.err.println("gpux: ready (models warmed up)");
        }
        stopped.await();
      }
      return ExitCodes.OK;
    }
  }
}
