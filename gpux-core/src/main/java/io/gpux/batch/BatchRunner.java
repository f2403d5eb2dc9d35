package io.gpux.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.benchmark.LatencyStats;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.json.Json;
import io.gpux.project.Project;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorRows;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code gpux batch run}: every job's model over every line of its input file, results streamed as
 * JSONL, one line per (model, input line): {@code {"model": ..., "line": n, "outputs": {...}}} (the
 * outputs exactly as {@code gpux run --json} prints them for that input) or {@code {"model": ...,
 * "line": n, "error": "..."}}. A line that is not JSON or does not fit the model, and a model that
 * cannot be found or loaded, are error lines; the rest go on.
 *
 * <p>Up to {@link BatchRunOptions#jobs} models run at once, each on a session of its own that is
 * opened when its turn comes (within the {@link SessionBudget}) and closed when its lines are done,
 * so a list of hundreds of models never holds more than a few sessions. Lines are micro-batched for
 * models whose every input and output has a dynamic first dimension: lines whose inputs agree on
 * the other dimensions and types are joined along dimension 0 (up to {@link
 * BatchRunOptions#maxBatchRows} rows), run once and split back; a joined call that fails is run
 * line by line, so a bad line costs only its own result.
 */
public final class BatchRunner {
  /** Lines read ahead per model: joins happen within a window, results are written per window. */
  private static final int WINDOW_CALLS = 8;

  /** What a running batch reports as it goes; called from the models' threads. */
  public interface Listener {
    default void started(String model) {}

    default void finished(ModelSummary summary) {}
  }

  private final ModelAccess access;
  private final BatchRunOptions options;
  private final SessionBudget budget;

  public BatchRunner(ModelAccess access, BatchRunOptions options) {
    this.access = access;
    this.options = options;
    this.budget = new SessionBudget(options.maxMemoryBytes());
  }

  /** The budget and its gauge of open sessions (live while a run goes on). */
  public SessionBudget budget() {
    return budget;
  }

  /**
   * Runs the jobs. Every output is opened and every input read before any model runs, so an
   * unwritable output or a missing input fails at once.
   *
   * @param stdout where jobs without an output file write (flushed, never closed); may be null when
   *     every job has an output file
   * @param listener told as models start and finish; may be null
   */
  public BatchRunReport run(List<BatchJob> jobs, Writer stdout, Listener listener) {
    Listener events = listener == null ? new Listener() {} : listener;
    long start = System.nanoTime();
    Map<Path, InputLines> inputs = new HashMap<>();
    Map<Path, ResultFile> files = new LinkedHashMap<>();
    ResultFile standard = null;
    checkDistinct(jobs);
    try {
      // Inputs first: a missing input must fail before any output file is emptied.
      for (BatchJob job : jobs) {
        inputs.computeIfAbsent(job.input(), InputLines::read);
      }
      for (BatchJob job : jobs) {
        if (job.output() == null) {
          if (options.resume()) {
            throw GpuxException.invalidInput(
                "--resume needs an output file to resume from",
                "write the results with -o RESULTS.jsonl, then resume with -o RESULTS.jsonl --resume");
          }
        } else {
          files.computeIfAbsent(job.output(), p -> ResultFile.open(p, options.resume()));
        }
      }
      standard = ResultFile.of("standard output", stdout == null ? Writer.nullWriter() : stdout);
      List<ModelSummary> summaries = runAll(jobs, inputs, files, standard, events);
      return new BatchRunReport(summaries, budget.peak(), (System.nanoTime() - start) / 1e9);
    } finally {
      files.values().forEach(ResultFile::close);
      if (standard != null) {
        standard.close();
      }
    }
  }

  /** Two jobs writing one model's results to one file would give each line twice. */
  private static void checkDistinct(List<BatchJob> jobs) {
    Set<String> seen = new HashSet<>();
    for (BatchJob job : jobs) {
      if (!seen.add(job.model() + "\n" + job.output())) {
        throw GpuxException.invalidInput(
            job.model()
                + " writes to "
                + (job.output() == null ? "standard output" : job.output())
                + " in two jobs",
            "give each job of the same model its own output file");
      }
    }
  }

  private List<ModelSummary> runAll(
      List<BatchJob> jobs,
      Map<Path, InputLines> inputs,
      Map<Path, ResultFile> files,
      ResultFile standard,
      Listener listener) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(options.jobs(), Math.max(1, jobs.size())),
            r -> {
              Thread t = new Thread(r, "gpux-batch-run");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<ModelSummary>> futures = new ArrayList<>();
      for (BatchJob job : jobs) {
        ResultFile out = job.output() == null ? standard : files.get(job.output());
        futures.add(
            pool.submit(
                () -> new ModelRun(job.model(), inputs.get(job.input()), out).run(listener)));
      }
      List<ModelSummary> summaries = new ArrayList<>();
      for (Future<ModelSummary> f : futures) {
        summaries.add(await(f));
      }
      return summaries;
    } finally {
      pool.shutdownNow();
    }
  }

  private static ModelSummary await(Future<ModelSummary> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re; // a failed write: the results are incomplete, so the batch stops
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** One model over its lines: open, run in windows, write, close. */
  private final class ModelRun {
    private final String model;
    private final InputLines input;
    private final ResultFile out;
    private final List<Long> nanos = new ArrayList<>();
    private int errors;
    private int calls;

    ModelRun(String model, InputLines input, ResultFile out) {
      this.model = model;
      this.input = input;
      this.out = out;
    }

    ModelSummary run(Listener listener) throws InterruptedException {
      List<InputLines.Line> todo = new ArrayList<>();
      int skipped = 0;
      for (InputLines.Line line : input.lines()) {
        if (!options.owns().test(BatchRunOptions.workKey(model, line.number()))) {
          continue;
        }
        if (out.done(model, line.number())) {
          skipped++;
        } else {
          todo.add(line);
        }
      }
      if (todo.isEmpty()) {
        return new ModelSummary(model, 0, 0, skipped, 0, 0, 0, null, 0, null);
      }
      listener.started(model);
      long start = System.nanoTime();
      String provider = null;
      String failure = null;
      InferenceModel m = null;
      String modelFile = null;
      long taken = 0;
      try {
        Project project = access.locate(model, options.pull());
        modelFile = project.modelFile().toString();
        taken = budget.acquire(SessionBudget.estimate(project.modelFile()));
        m = access.open(project, options.runtime());
      } catch (GpuxException e) {
        if (taken > 0) {
          budget.release(taken);
        }
        // Not found, not pulled, not loadable: every line it owes says why, so the output still
        // holds each pair once and --resume does not retry what cannot work.
        failure = e.problem() + (e.hint() == null ? "" : " (" + e.hint() + ")");
        List<String> lines = new ArrayList<>();
        for (InputLines.Line line : todo) {
          lines.add(errorLine(line.number(), e.problem()));
        }
        out.write(lines);
      }
      if (m != null) {
        try (InferenceModel session = m) {
          provider = session.provider().chosen().ortName();
          int window = options.maxBatchRows() * WINDOW_CALLS;
          for (int i = 0; i < todo.size(); i += window) {
            out.write(runWindow(session, todo.subList(i, Math.min(todo.size(), i + window))));
          }
        } finally {
          budget.release(taken);
        }
      }
      long wall = System.nanoTime() - start;
      LatencyStats stats =
          nanos.isEmpty()
              ? null
              : LatencyStats.of(nanos.stream().mapToLong(Long::longValue).toArray(), wall);
      ModelSummary summary =
          new ModelSummary(
              model,
              todo.size(),
              errors,
              skipped,
              calls,
              stats == null ? 0 : stats.medianMs(),
              stats == null ? 0 : stats.p99Ms(),
              provider,
              wall / 1e9,
              failure,
              stats,
              stats == null ? null : modelFile);
      listener.finished(summary);
      return summary;
    }

    /** A call waiting to run: the window positions of its lines and their feeds. */
    private record Pending(int slot, int number, Map<String, Tensor> feeds, long rows) {}

    private List<String> runWindow(InferenceModel m, List<InputLines.Line> lines) {
      String[] results = new String[lines.size()];
      boolean joinable =
          options.maxBatchRows() > 1
              && TensorRows.batchable(m.inputs())
              && TensorRows.batchable(m.outputs());
      Map<String, List<Pending>> groups = new LinkedHashMap<>();
      List<Pending> alone = new ArrayList<>();
      for (int slot = 0; slot < lines.size(); slot++) {
        InputLines.Line line = lines.get(slot);
        if (line.error() != null) {
          results[slot] = errorLine(line.number(), line.error());
          continue;
        }
        Map<String, Tensor> feeds;
        try {
          feeds = m.toTensors(line.input());
        } catch (RuntimeException e) {
          results[slot] = errorLine(line.number(), message(e));
          continue;
        }
        long rows = joinable ? TensorRows.rows(m.inputs(), feeds) : -1;
        Pending p = new Pending(slot, line.number(), feeds, rows);
        if (rows > 0 && rows < options.maxBatchRows()) {
          groups
              .computeIfAbsent(TensorRows.joinKey(m.inputs(), feeds), k -> new ArrayList<>())
              .add(p);
        } else {
          alone.add(p);
        }
      }
      alone.forEach(p -> runAlone(m, p, results));
      for (List<Pending> group : groups.values()) {
        List<Pending> batch = new ArrayList<>();
        long rows = 0;
        for (Pending p : group) {
          if (rows + p.rows() > options.maxBatchRows()) {
            runJoined(m, batch, rows, results);
            batch = new ArrayList<>();
            rows = 0;
          }
          batch.add(p);
          rows += p.rows();
        }
        runJoined(m, batch, rows, results);
      }
      return List.of(results);
    }

    private void runAlone(InferenceModel m, Pending p, String[] results) {
      long t0 = System.nanoTime();
      try {
        Map<String, Tensor> outputs = m.run(p.feeds());
        calls++;
        nanos.add(System.nanoTime() - t0);
        results[p.slot()] = resultLine(m, p.number(), outputs);
      } catch (RuntimeException e) {
        calls++;
        results[p.slot()] = errorLine(p.number(), message(e));
      }
    }

    private void runJoined(InferenceModel m, List<Pending> batch, long rows, String[] results) {
      if (batch.size() == 1) {
        runAlone(m, batch.get(0), results);
        return;
      }
      long t0 = System.nanoTime();
      List<Map<String, Tensor>> answers;
      try {
        Map<String, Tensor> joined =
            TensorRows.concat(m.inputs(), batch.stream().map(Pending::feeds).toList(), rows);
        Map<String, Tensor> outputs = m.run(joined);
        answers =
            TensorRows.split(outputs, rows, batch.stream().mapToLong(Pending::rows).toArray());
      } catch (RuntimeException e) {
        // A line the model rejects, or outputs that do not follow the rows: each line alone, so
        // only the bad one gets an error.
        calls++;
        batch.forEach(p -> runAlone(m, p, results));
        return;
      }
      calls++;
      long took = System.nanoTime() - t0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        nanos.add(took);
        results[p.slot()] = resultLine(m, p.number(), answers.get(i));
      }
    }

    private String resultLine(InferenceModel m, int number, Map<String, Tensor> outputs) {
      ObjectNode row = Json.NODES.objectNode();
      row.put("model", model);
      row.put("line", number);
      row.set("outputs", m.label(outputs).toJson());
      return Json.write(row, false);
    }

    private String errorLine(int number, String error) {
      errors++;
      ObjectNode row = Json.NODES.objectNode();
      row.put("model", model);
      row.put("line", number);
      row.put("error", error);
      return Json.write(row, false);
    }
  }

  private static String message(RuntimeException e) {
    if (e instanceof GpuxException g) {
      return g.problem();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
