package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.Models;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.server.InferenceServer;
import io.gpux.server.ModelLoader;
import io.gpux.server.ServedModel;
import io.gpux.server.ServerOptions;
import io.gpux.server.StopSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
      names = "--preferred-batch-sizes",
      paramLabel = "N,N...",
      split = ",",
      description =
          "Dynamic batching: sizes a batch runs at as soon as it reaches one, without waiting out"
              + " the delay, each 1 to --max-batch-size (Triton's preferred_batch_size; default:"
              + " serving.preferred_batch_size, else none).")
  List<Integer> preferredBatchSizes;

  @Option(
      names = "--batch-delay-ms",
      paramLabel = "MS",
      description =
          "Longest a request waits in the queue for others to batch with, 0 or more (Triton's"
              + " max_queue_delay_microseconds; default: serving.max_queue_delay_microseconds,"
              + " else 2 ms).")
  Double batchDelayMs;

  @Option(
      names = "--model-control",
      defaultValue = "none",
      description =
          "none: serve the models given here; explicit: also load and unload models at run time"
              + " through POST /v2/repository/models/NAME/load|unload (default: ${DEFAULT-VALUE}).")
  String modelControl;

  @Option(
      names = "--memory-budget",
      paramLabel = "SIZE",
      description =
          "Memory that requests being answered may hold, e.g. 512m or 4g; a request counts as 4x"
              + " its body; beyond it: 503 (default: half the JVM heap; bin/gpux sizes the heap"
              + " from this).")
  String memoryBudget;

  @Option(
      names = "--drain-timeout",
      defaultValue = "20",
      paramLabel = "SECONDS",
      description =
          "On SIGTERM or Ctrl-C, how long requests in flight may take to finish; those still"
              + " running then get 503 (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(
      names = "--max-connections",
      defaultValue = "1024",
      description = "Connections open at once; more are closed (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--timeouts",
      paramLabel = "HEADER,BODY,IDLE",
      defaultValue = "10,30,60",
      split = ",",
      description =
          "Seconds a request's headers may take from its first byte, the longest gap while its"
              + " body arrives (both 408 after), and how long an idle keep-alive connection stays"
              + " open (default: ${DEFAULT-VALUE}).")
  List<Double> timeouts;

  @Option(
      names = "--follow",
      description =
          "Follow each stored model's local name (hf:org/name@main, mlflow:m@champion): when gpux"
              + " pull, update or rollback moves it, serve the version it names now (loaded and"
              + " warmed up first; requests on the old one finish there).")
  boolean follow;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The name to serve the model under, one MODEL only (default: gpux.yml's name, else the"
              + " .onnx file's). KServe passes the InferenceService's: --name={{.Name}}.")
  String name;

  @Option(
      names = "--wait-for-model",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Wait up to SECONDS for a MODEL path (a folder or file) that does not exist yet, as"
              + " KServe's modelcar links /mnt/models only once it runs (default: ${DEFAULT-VALUE}:"
              + " no wait).")
  int waitForModel;

  @Option(
      names = "--no-history",
      description =
          "Record no monitoring history (by default a sample per model every"
              + " --history-interval goes into the store's index, and /dashboard shows it).")
  boolean noHistory;

  @Option(
      names = "--history-interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Seconds between history samples, 1 or more (default: ${DEFAULT-VALUE}).")
  int historyInterval;

  @Option(
      names = "--history-retention",
      paramLabel = "RAW,MINUTES,HOURS",
      defaultValue = "6h,7d,90d",
      description =
          "How long raw samples, then per-minute and per-hour roll-ups are kept (default:"
              + " ${DEFAULT-VALUE}).")
  String historyRetention;

  @Mixin RuntimeMixin runtime;

  @Mixin GrpcMixin grpc;

  /** serve's log: text as ever, or JSON lines (--log-format json). */
  private Log log;

  /** 512m, 4g, 1.5GiB, or plain bytes. */
  static long parseSize(String text) {
    long bytes =
        io.gpux.units.ByteSizes.parse(text)
            .orElseThrow(
                () ->
                    GpuxException.invalidInput(
                        "--memory-budget " + text + " is not a size",
                        "write e.g. 512m, 4g or 2147483648"));
    if (bytes < 1 << 20) {
      throw GpuxException.invalidInput(
          "--memory-budget " + text + " is under 1 MiB", "give the server at least 64m");
    }
    return bytes;
  }

  private static java.time.Duration seconds(double s) {
    if (!(s > 0)) {
      throw GpuxException.invalidInput(
          "--timeouts takes positive seconds, got " + s, "e.g. --timeouts 10,30,60");
    }
    return java.time.Duration.ofMillis((long) (s * 1000));
  }

  private ServedModel load(Gpux gpux, String reference) {
    return load(gpux, reference, null);
  }

  /**
   * {@code version}: what to call it (the store's exact version with --follow), else gpux.yml's.
   */
  private ServedModel load(Gpux gpux, String reference, String version) {
    long t0 = System.nanoTime();
    InferenceModel loaded = gpux.load(reference, runtime.options());
    String name = loaded.project().name();
    String v = version != null ? version : loaded.project().config().version();
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.info(
        "model.loaded",
        "loaded " + name + " (" + loaded.provider().summary() + ")",
        "model",
        name,
        "version",
        v,
        "reference",
        reference,
        "provider",
        loaded.provider().chosen().ortName(),
        "provider_fell_back",
        loaded.provider().fellBack() ? true : null,
        "load_seconds",
        Math.round(seconds * 1000) / 1000.0);
    return new ServedModel(name, v, loaded, seconds);
  }

  /**
   * --follow: each model's local name watched in the store; a move loads the version it names now
   * and swaps it in (InferenceServer.replace), freeing the old one once its requests are done.
   */
  private List<Models.Following> follow(
      Gpux gpux, InferenceServer server, List<String> references, List<ServedModel> served) {
    List<Models.Following> following = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      ServedModel[] current = {served.get(i)};
      String reference = references.get(i);
      following.add(
          gpux.models()
              .follow(
                  reference,
                  moved -> {
                    ServedModel old = current[0];
                    ServedModel loaded =
                        load(gpux, gpux.models().exactReference(moved), moved.version());
                    ServedModel next =
                        new ServedModel(
                            old.name(), loaded.version(), loaded.model(), loaded.loadSeconds());
                    log.info(
                        "model.moved",
                        reference
                            + " moved to "
                            + next.version()
                            + "; serving it, draining "
                            + old.version(),
                        "model",
                        old.name(),
                        "version",
                        next.version(),
                        "previous_version",
                        old.version(),
                        "reference",
                        reference);
                    server.replace(
                        old,
                        next,
                        o -> {
                          gpux.unload(o.model());
                          unloaded(o);
                        });
                    current[0] = next;
                  }));
    }
    return following;
  }

  private void unloaded(ServedModel m) {
    log.info(
        "model.unloaded",
        "unloaded " + m.name() + " " + m.version(),
        "model",
        m.name(),
        "version",
        m.version());
  }

  /** The store's exact version a followed reference names; a project folder cannot be followed. */
  private String followedVersion(Gpux gpux, String reference) {
    io.gpux.store.VersionManifest stored;
    try {
      io.gpux.ref.ModelRef ref = gpux.models().reference(reference);
      stored = ref.registry() == null ? null : gpux.models().findStored(ref);
    } catch (GpuxException notAReference) {
      stored = null;
    }
    if (stored == null) {
      throw GpuxException.invalidInput(
          "--follow follows a stored model's local name, and " + reference + " is not one",
          "serve a pulled model by its movable name, e.g. gpux serve hf:org/name@main --follow");
    }
    return stored.version();
  }

  /** The history being recorded, and the database it goes to. */
  private record Recording(
      io.gpux.monitor.History history, io.gpux.monitor.HistoryRecorder recorder)
      implements AutoCloseable {
    @Override
    public void close() {
      recorder.close();
      history.close();
    }
  }

  /**
   * Starts recording the monitoring history and serves the dashboard over it. A history that cannot
   * be opened (a damaged or newer index) is reported in one line and the server goes on without it.
   */
  private Recording startHistory(
      Gpux gpux, InferenceServer server, List<String> references, List<ServedModel> served) {
    io.gpux.monitor.Retention retention = io.gpux.monitor.Retention.parse(historyRetention);
    io.gpux.monitor.History history;
    try {
      history = gpux.monitor().openHistory();
    } catch (GpuxException e) {
      log.warn(
          "history.off",
          "monitoring history off: "
              + e.problem()
              + (e.hint() == null ? "" : " (" + e.hint() + ")")
              + "; serving without it");
      return null;
    }
    io.gpux.monitor.HistoryRecorder recorder =
        gpux.monitor()
            .recorder(
                history,
                server.metrics(),
                new io.gpux.monitor.HistoryRecorder.Settings(
                    java.time.Duration.ofSeconds(historyInterval), retention),
                line -> log.warn("history.recording", line.replaceFirst("^gpux: ", "")));
    var requested = runtime.options().provider();
    for (int i = 0; i < served.size(); i++) {
      recorder.served(
          served.get(i).name(), references.get(i), requested == null ? null : requested.toString());
    }
    recorder.cannotBatch(server::cannotBatch);
    server.dashboard(gpux.monitor().dashboard(history, true));
    recorder.start();
    log.banner(
        "history.on",
        "  GET /dashboard   monitoring history: a sample every "
            + historyInterval
            + " s (--no-history turns it off)",
        "interval_seconds",
        historyInterval);
    return new Recording(history, recorder);
  }

  /** What a model path looks like: no {@code scheme:} in front (hf:, oci://, mlflow:, ...). */
  private static final Pattern REFERENCE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  /**
   * --wait-for-model: KServe starts the modelcar container beside this one, and /mnt/models is a
   * link that the modelcar makes once it runs (KServe says so with MODEL_INIT_MODE=async); a server
   * that read it at once could find nothing and exit. Stored references and project names are not
   * waited for: the store or the folder has them or not.
   */
  private void waitForPaths(List<String> references) throws InterruptedException {
    if (waitForModel <= 0) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitForModel);
    for (String r : references) {
      // A path has a separator (/mnt/models, ./model): a bare word is a project name.
      if (REFERENCE.matcher(r).matches() || !(r.contains("/") || r.contains("\\"))) {
        continue;
      }
      Path path = parent.workingDirectory.resolve(r);
      boolean said = false;
      while (!Files.exists(path) && System.nanoTime() < deadline) {
        if (!said) {
          parent.err.println("gpux: waiting for " + r + " (up to " + waitForModel + " s)");
          parent.err.flush();
          said = true;
        }
        Thread.sleep(200);
      }
    }
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
    if (batchDelayMs != null && !(batchDelayMs >= 0)) {
      throw bad("--batch-delay-ms must be 0 or more, got " + batchDelayMs);
    }
    if (waitForModel < 0) {
      throw bad("--wait-for-model must be 0 or more seconds, got " + waitForModel);
    }
    if (name != null && name.isBlank()) {
      throw bad("--name must not be empty");
    }
    if (historyInterval < 1) {
      throw bad("--history-interval must be 1 second or more, got " + historyInterval);
    }
    if (preferredBatchSizes != null) {
      // Against gpux.yml's batch_size too, once the models are loaded (batching()).
      checkPreferred(maxBatchSize != null ? maxBatchSize : Integer.MAX_VALUE);
    }
  }

  private void checkPreferred(int max) {
    for (int p : preferredBatchSizes) {
      if (p < 1 || p > max) {
        throw bad(
            "--preferred-batch-sizes must each be 1 to the largest batch"
                + (max == Integer.MAX_VALUE
                    ? ""
                    : " ("
                        + max
                        + (maxBatchSize != null ? ", --max-batch-size" : ", serving.batch_size")
                        + ")")
                + ", got "
                + p);
      }
    }
  }

  /** Batching from the flags given, the rest from gpux.yml's serving section (in {@code d}). */
  private ServerOptions.Batching batching(ServerOptions.Batching d) {
    int max = maxBatchSize != null ? maxBatchSize : d.maxBatchSize();
    List<Integer> preferred = d.preferredSizes();
    if (preferredBatchSizes != null) {
      checkPreferred(max);
      preferred = preferredBatchSizes;
    } else if (maxBatchSize != null) {
      // gpux.yml's preferred sizes that the flag's smaller largest batch rules out.
      preferred = preferred.stream().filter(p -> p <= max).toList();
    }
    long delay = batchDelayMs != null ? Math.round(batchDelayMs * 1000) : d.maxQueueDelayMicros();
    return new ServerOptions.Batching(max, preferred, delay);
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  @Override
  public Integer call() throws Exception {
    checkOptions();
    log = parent.log("gpux.serve");
    try (AutoCloseable jdkLogging = log.captureJdkLogging();
        Gpux gpux = parent.gpux()) {
      boolean explicit =
          switch (modelControl) {
            case "none" -> false;
            case "explicit" -> true;
            default ->
                throw GpuxException.invalidInput(
                    "unknown --model-control " + modelControl, "use none or explicit");
          };
      List<ServedModel> served = new ArrayList<>();
      List<String> references = models == null ? List.of() : models;
      if (name != null && references.size() != 1) {
        throw bad(
            "--name names one model, and "
                + references.size()
                + " are given; serve one MODEL with --name, or let each keep its own name");
      }
      waitForPaths(references);
      for (String m : references) {
        served.add(load(gpux, m, follow ? followedVersion(gpux, m) : null));
      }
      if (name != null) {
        ServedModel m = served.get(0);
        served.set(0, new ServedModel(name, m.version(), m.model(), m.loadSeconds()));
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
                  unloaded(model);
                }
              };
      ServerOptions options = ServerOptions.forModels(served);
      options =
          options
              .withAddress(
                  host != null ? host : options.host(), port != null ? port : options.port())
              .withWorkers(workers != null ? workers : options.maxConcurrent())
              .withBatching(batching(options.batching()))
              .withMemoryBudget(
                  memoryBudget == null
                      ? ServerOptions.defaultMemoryBudget()
                      : parseSize(memoryBudget))
              .withMaxConnections(maxConnections);
      if (timeouts.size() != 3) {
        throw GpuxException.invalidInput(
            "--timeouts takes three values, HEADER,BODY,IDLE", "e.g. --timeouts 10,30,60");
      }
      options =
          options.withTimeouts(
              seconds(timeouts.get(0)), seconds(timeouts.get(1)), seconds(timeouts.get(2)));
      // Signals, not a shutdown hook: see StopSignals (ONNX Runtime's own hook frees its
      // environment while a hook-driven drain still runs models).
      var grpcOptions = grpc.options(options.host()); // checked before anything listens
      StopSignals stop = StopSignals.install();
      try (InferenceServer server = InferenceServer.start(served, options, loader)) {
        if (log.json()) {
          Log http = log.named("gpux.server.http");
          server.onFailedRequest(
              r ->
                  http.log(
                      r.status() >= 500 ? Log.Level.WARN : Log.Level.INFO,
                      "request.failed",
                      r.method()
                          + " "
                          + r.path()
                          + " "
                          + r.status()
                          + (r.error() == null ? "" : ": " + r.error()),
                      Log.fields(r)));
        }
        List<String> names = served.stream().map(ServedModel::name).toList();
        log.banner(
            "server.listening",
            "Serving "
                + String.join(", ", names)
                + " on http://"
                + options.host()
                + ":"
                + server.port(),
            "models",
            names,
            "host",
            options.host(),
            "port",
            server.port());
        log.banner(
            "server.routes",
            "  POST /predict    GET /health /info /metrics    Open Inference Protocol: /v2/models/{name}/infer");
        grpc.start(server, grpcOptions, log);
        Recording recording = noHistory ? null : startHistory(gpux, server, references, served);
        parent.out.flush();
        List<Models.Following> following =
            follow ? follow(gpux, server, references, served) : List.of();
        if (server.awaitReady(120_000)) {
          log.info("server.ready", "ready (models warmed up)");
        }
        String signal = stop.await();
        following.forEach(Models.Following::close);
        if (recording != null) {
          recording.close();
        }
        log.info(
            "server.stopping",
            signal + ": stopping (finishing requests in flight, up to " + drainSeconds + " s)",
            "signal",
            signal,
            "drain_seconds",
            drainSeconds);
        if (!server.close(drainSeconds)) {
          // A model run outlived the deadline: freeing its session under it would crash the
          // process, so it ends here without running exit hooks.
          log.warn("server.halt", "a model run did not end; stopping without freeing it");
          Runtime.getRuntime().halt(ExitCodes.OK);
        }
      }
      log.info("server.stopped", "stopped");
      return ExitCodes.OK;
    }
  }
}
