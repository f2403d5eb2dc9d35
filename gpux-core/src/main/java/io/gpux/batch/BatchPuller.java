package io.gpux.batch;

import io.gpux.error.GpuxException;
import io.gpux.lock.LockRestorer;
import io.gpux.lock.LockedModel;
import io.gpux.lock.Lockfile;
import io.gpux.lock.SyncReport;
import io.gpux.pull.ModelPuller;
import io.gpux.pull.PullGuard;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registries;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.Tracking;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code gpux batch pull}: every model of a list into the store, {@code jobs} at a time, through
 * the one pull pipeline of the process (so its transfer engine's per-host limits and rate-limit
 * throttling hold for the whole batch, and each model is as crash-safe as a single pull).
 *
 * <p>Two stages. A metadata pool asks the registries, ahead of the downloads, what the next models
 * are (whether the store already has them, else their exact version and files), so those round
 * trips overlap the byte transfers of the models in flight. The pull workers then fetch each
 * model's files; a file several models share (one sha256) is fetched once ({@link
 * io.gpux.pull.InFlightBlobs}, and the store keeps each blob once).
 *
 * <p>A model the store has costs at most one metadata request: none for an exact version or a
 * lockfile's entry, one "what does this name point to now" for a movable name ({@link Tracking}). A
 * failed model is reported and the others go on (unless {@code failFast}); transient errors are the
 * engine's to retry.
 */
public final class BatchPuller {
  private final Registries registries;
  private final Supplier<ModelStore> store;
  private final ModelPuller puller;
  private final LockRestorer restorer;
  private final Function<ModelRef, VersionManifest> findStored;
  private final boolean offline;

  /**
   * @param puller the pull pipeline, sharing one {@link io.gpux.pull.InFlightBlobs} for the batch
   * @param restorer restores a lockfile's entries with that same puller
   * @param findStored the stored version a reference names now (what {@code gpux run} would run),
   *     or null
   * @param offline GPUX_OFFLINE: a stored model is current without asking its registry
   */
  public BatchPuller(
      Registries registries,
      Supplier<ModelStore> store,
      ModelPuller puller,
      LockRestorer restorer,
      Function<ModelRef, VersionManifest> findStored,
      boolean offline) {
    this.registries = registries;
    this.store = store;
    this.puller = puller;
    this.restorer = restorer;
    this.findStored = findStored;
    this.offline = offline;
  }

  /** What the metadata stage found: nothing left to do ({@code current}), or what to fetch. */
  private record Plan(ModelOutcome current, ResolvedModel resolved, long nanos) {}

  /** Pulls every model of {@code list}; the report lists them in list order. */
  public BatchPullReport pull(ModelList list, BatchPullOptions options, BatchListener listener) {
    List<ModelList.Entry> entries = list.entries();
    int n = entries.size();
    long begin = System.nanoTime();
    ModelOutcome[] outcomes = new ModelOutcome[n];
    if (n == 0) {
      return new BatchPullReport(List.of(), 0);
    }
    int jobs = Math.min(options.jobs(), n);
    // Metadata requests are small and share the hosts' fair connection limits with the downloads,
    // so as many of them as models in flight cannot starve the transfers.
    ExecutorService metadata = Executors.newFixedThreadPool(jobs, daemon("gpux-batch-metadata"));
    ExecutorService workers = Executors.newFixedThreadPool(jobs, daemon("gpux-batch-pull"));
    Ahead ahead = new Ahead(entries, metadata, 2 * jobs);
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    try {
      for (int w = 0; w < jobs; w++) {
        workers.execute(
            () -> {
              for (int i = next.getAndIncrement(); i < n && !stop.get(); ) {
                ModelOutcome o = one(entries.get(i), ahead.plan(i), listener);
                outcomes[i] = o;
                if (o.status() == ModelOutcome.Status.FAILED) {
                  listener.failed(o);
                  if (options.failFast()) {
                    stop.set(true);
                  }
                } else {
                  listener.finished(o);
                }
                i = next.getAndIncrement();
              }
            });
      }
      workers.shutdown();
      awaitQuietly(workers);
    } finally {
      workers.shutdownNow();
      metadata.shutdownNow();
    }
    for (int i = 0; i < n; i++) {
      if (outcomes[i] == null) {
        outcomes[i] =
            new ModelOutcome(
                entries.get(i),
                ModelOutcome.Status.FAILED,
                null,
                null,
                0,
                0,
                "not started: the batch stopped at its first failure (--fail-fast)",
                "fix that failure, then run the batch again: finished models are skipped");
      }
    }
    return new BatchPullReport(List.of(outcomes), (System.nanoTime() - begin) / 1e9);
  }

  /** The metadata stage's futures, submitted in list order a window ahead of the workers. */
  private final class Ahead {
    private final List<ModelList.Entry> entries;
    private final ExecutorService pool;
    private final int window;
    private final CompletableFuture<?>[] plans;
    private int submitted;

    Ahead(List<ModelList.Entry> entries, ExecutorService pool, int window) {
      this.entries = entries;
      this.pool = pool;
      this.window = window;
      this.plans = new CompletableFuture<?>[entries.size()];
    }

    /** Model {@code i}'s plan (waiting for it), with the next ones' requested meanwhile. */
    @SuppressWarnings("unchecked")
    CompletableFuture<Plan> plan(int i) {
      synchronized (this) {
        int upTo = Math.min(entries.size(), i + 1 + window);
        for (; submitted < upTo; submitted++) {
          ModelList.Entry e = entries.get(submitted);
          plans[submitted] = CompletableFuture.supplyAsync(() -> plan(e), pool);
        }
        return (CompletableFuture<Plan>) plans[i];
      }
    }

    private Plan plan(ModelList.Entry e) {
      long t0 = System.nanoTime();
      if (e.locked() != null) {
        return new Plan(null, null, 0); // the restore checks the store, then the registry
      }
      ModelRef ref = withRegistry(e.ref());
      VersionManifest stored = current(e, ref);
      if (stored != null) {
        return new Plan(
            new ModelOutcome(
                e,
                ModelOutcome.Status.CURRENT,
                stored.registryVersion(),
                registries.exactReference(stored.registry(), stored.name(), stored.version()),
                0,
                (System.nanoTime() - t0) / 1e9,
                null,
                null),
            null,
            0);
      }
      ResolvedModel resolved = puller.resolve(ref, PullOptions.defaults());
      return new Plan(null, resolved, System.nanoTime() - t0);
    }
  }

  /**
   * The stored version when it is what {@code ref} names now, or null: an exact version the store
   * has is (no request); a movable name is when its registry says it still points there (one
   * request).
   */
  private VersionManifest current(ModelList.Entry e, ModelRef ref) {
    VersionManifest stored = findStored.apply(ref);
    if (stored == null || !complete(stored)) {
      return null;
    }
    String q = ref.qualifier();
    if (offline
        || (q != null && (q.equals(stored.registryVersion()) || q.equals(stored.version())))) {
      return stored;
    }
    Registry registry = registries.get(ref.registry());
    if (registry instanceof Tracking tracking) {
      RemoteHead head = tracking.head(ref, PullOptions.defaults(), stored.registryVersion());
      return head.version().equals(stored.registryVersion()) ? stored : null;
    }
    return null;
  }

  private boolean complete(VersionManifest m) {
    ModelStore s = store.get();
    return m.files().stream().allMatch(f -> s.hasBlob(f.sha256()));
  }

  private static ModelRef withRegistry(ModelRef ref) {
    return ref.registry() == null ? ref.withRegistry(Registries.DEFAULT) : ref;
  }

  /** One model: its plan's outcome, or its files fetched. Never throws. */
  private ModelOutcome one(
      ModelList.Entry e, CompletableFuture<Plan> planned, BatchListener listener) {
    long t0 = System.nanoTime();
    long planNanos = 0;
    try {
      Plan plan = planned.join();
      if (plan.current() != null) {
        return plan.current();
      }
      planNanos = plan.nanos();
      TransferListener files = new ModelProgress(e, listener);
      if (e.locked() != null) {
        LockedModel m = e.locked();
        listener.started(e, m.sizeBytes());
        String lockfile = e.where().substring(0, e.where().lastIndexOf(':'));
        SyncReport.Restored r =
            restorer.restore(new Lockfile(List.of(m)), lockfile, files).models().get(0);
        return new ModelOutcome(
            e,
            r.alreadyPresent() ? ModelOutcome.Status.CURRENT : ModelOutcome.Status.PULLED,
            m.version(),
            r.reference(),
            r.bytesFetched(),
            seconds(t0, planNanos),
            null,
            null);
      }
      ResolvedModel model = plan.resolved();
      listener.started(e, size(model));
      PullResult r = puller.pull(model, PullOptions.defaults(), files, PullGuard.NONE);
      VersionManifest m = r.manifest();
      return new ModelOutcome(
          e,
          r.alreadyPresent() ? ModelOutcome.Status.CURRENT : ModelOutcome.Status.PULLED,
          m.registryVersion(),
          registries.exactReference(m.registry(), m.name(), m.version()),
          r.bytesDownloaded(),
          seconds(t0, planNanos),
          null,
          null);
    } catch (java.util.concurrent.CompletionException wrapped) {
      return failed(e, wrapped.getCause() == null ? wrapped : wrapped.getCause(), t0, planNanos);
    } catch (RuntimeException ex) {
      return failed(e, ex, t0, planNanos);
    }
  }

  private static ModelOutcome failed(ModelList.Entry e, Throwable ex, long t0, long planNanos) {
    String error;
    String hint;
    if (ex instanceof GpuxException g) {
      error = g.problem();
      hint = g.hint();
    } else {
      error = "internal error: " + ex;
      hint = "this is a bug in GPUX; rerun with --debug and report the output";
    }
    return new ModelOutcome(
        e, ModelOutcome.Status.FAILED, null, null, 0, seconds(t0, planNanos), error, hint);
  }

  private static double seconds(long t0, long planNanos) {
    return (System.nanoTime() - t0 + planNanos) / 1e9;
  }

  private static long size(ResolvedModel model) {
    long sum = 0;
    for (RemoteFile f : model.files()) {
      if (f.size() < 0) {
        return -1;
      }
      sum += f.size();
    }
    return sum;
  }

  /** One model's file events as the batch's. */
  private static final class ModelProgress extends TransferListener {
    private final ModelList.Entry model;
    private final BatchListener listener;

    ModelProgress(ModelList.Entry model, BatchListener listener) {
      this.model = model;
      this.listener = listener;
    }

    @Override
    public void started(String path, long size, long resumedFrom) {
      if (resumedFrom > 0) {
        listener.progressed(model, resumedFrom);
      }
    }

    @Override
    public void progressed(String path, long bytes) {
      listener.progressed(model, bytes);
    }

    @Override
    public void skipped(String path, long size) {
      listener.progressed(model, Math.max(0, size));
    }

    @Override
    public void retrying(String path, int attempt, String reason, long delayMillis) {
      listener.retrying(model, path, reason);
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
        // a batch of many large models: keep waiting
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          io.gpux.error.ErrorCategory.INTERNAL, "interrupted while pulling the batch", null, e);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
