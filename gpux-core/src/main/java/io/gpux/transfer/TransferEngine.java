package io.gpux.transfer;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads files into a work folder, several at a time, each one resumable and verified.
 *
 * <p>Each file streams into {@code <work>/<key>.partial}, where the key is derived from the
 * request, so an interrupted download (a dropped connection, a stall, a killed process) resumes
 * with {@code Range: bytes=N-} from what is on disk. A server that ignores the range gets the file
 * again from the start. Digests are computed while the bytes stream in (the prefix already on disk
 * is hashed once on resume), then size, sha256 and the registry's own digest are checked
 * <em>before</em> the file is returned: a file that fails is deleted and fetched once more from
 * scratch, and a second failure is an error. Nothing half-written ever leaves the work folder.
 */
public final class TransferEngine {
  private static final int BUFFER = 1 << 16;

  private final HttpTransport http;
  private final TransferOptions options;
  private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();

  public TransferEngine(HttpTransport http, TransferOptions options) {
    this.http = http;
    this.options = options;
  }

  /**
   * Fetches every request into {@code workDir}; fails with the first error after all have ended.
   */
  public List<DownloadedFile> download(
      List<DownloadRequest> requests, Path workDir, TransferListener listener) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot create " + workDir + ": " + e.getMessage(), "check GPUX_HOME's permissions");
    }
    if (requests.isEmpty()) {
      return List.of();
    }
    checkFreeSpace(requests, workDir);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(options.parallelFiles(), requests.size()), daemon("gpux-download"));
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(daemon("gpux-stall-watchdog"));
    try {
      List<Future<DownloadedFile>> futures = new ArrayList<>();
      for (DownloadRequest r : requests) {
        futures.add(pool.submit(() -> downloadOne(r, workDir, listener, watchdog)));
      }
      List<DownloadedFile> out = new ArrayList<>();
      RuntimeException first = null;
      for (Future<DownloadedFile> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException re
                  ? re
                  : new GpuxException(
                      ErrorCategory.INTERNAL,
                      "download failed: " + e.getCause(),
                      null,
                      e.getCause());
          if (first == null) {
            first = cause;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GpuxException(ErrorCategory.INTERNAL, "interrupted while downloading", null, e);
        }
      }
      if (first != null) {
        throw first;
      }
      return out;
    } finally {
      pool.shutdownNow();
      watchdog.shutdownNow();
    }
  }

  /**
   * Refuses a pull that cannot fit before a byte is fetched: what is still to download (sizes from
   * the listing, less what partial files already hold) against the usable space where it goes. The
   * disk can still fill up meanwhile (another writer); that is caught while writing.
   */
  private static void checkFreeSpace(List<DownloadRequest> requests, Path workDir) {
    long needed = 0;
    for (DownloadRequest r : requests) {
      if (r.size() > 0) {
        needed += Math.max(0, r.size() - size(partialFile(workDir, r)));
      }
    }
    long usable;
    try {
      usable = Files.getFileStore(workDir).getUsableSpace();
    } catch (IOException e) {
      return; // unknown: let the writes say
    }
    if (needed > usable) {
      throw GpuxException.unavailable(
          "not enough disk space: the pull needs "
              + human(needed)
              + " more, and "
              + workDir.getParent()
              + " has "
              + human(usable)
              + " free",
          "free some space (gpux prune removes unused files, gpux rm old versions) or point"
              + " GPUX_HOME at a bigger disk");
    }
  }

  private static String human(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    return bytes < 1L << 30
        ? String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024))
        : String.format(java.util.Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
  }

  /** The work-folder file a request downloads into; stable across runs so pulls resume. */
  public static Path partialFile(Path workDir, DownloadRequest r) {
    String identity =
        r.call().uri().getScheme()
            + "://"
            + r.call().uri().getAuthority()
            + r.call().uri().getRawPath()
            + "|"
            + r.size()
            + "|"
            + r.sha256()
            + "|"
            + r.registryDigest();
    return workDir.resolve(
        sha256Hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".partial");
  }

  private DownloadedFile downloadOne(
      DownloadRequest r,
      Path workDir,
      TransferListener listener,
      ScheduledExecutorService watchdog) {
    Path partial = partialFile(workDir, r);
    Semaphore host =
        hosts.computeIfAbsent(
            r.call().uri().getAuthority(), h -> new Semaphore(options.perHostConnections()));
    boolean restartedAfterMismatch = false;
    long transferred = 0;
    boolean parted = PartedDownload.applies(r, options, partial);
    List<PartedDownload.Part> parts = null;
    long resumedFrom;
    if (parted) {
      parts = PartedDownload.plan(partial, r.size(), options);
      resumedFrom = PartedDownload.done(parts);
    } else {
      resumedFrom = size(partial);
      if (r.size() >= 0 && resumedFrom > r.size()) {
        delete(partial);
        resumedFrom = 0;
      }
    }
    listener.started(r.path(), r.size(), resumedFrom);
    RetryPolicy retry = http.retryPolicy();
    for (int attempt = 1; ; attempt++) {
      Attempt a;
      if (parted) {
        try {
          PartedDownload.Result got =
              new PartedDownload(http, options, host, watchdog).run(r, partial, parts, listener);
          transferred += got.transferred();
          a = new Attempt(size(partial), got.sha256(), got.registryDigest(), got.transferred());
        } catch (PartedDownload.RangesIgnored e) {
          // The server sends whole files only: fetch this one as a single stream from the start.
          delete(PartedDownload.sidecar(partial));
          delete(partial);
          parted = false;
          listener.retrying(r.path(), attempt, "the server ignores Range; one stream instead", 0);
          continue;
        }
        String problem = check(r, a);
        if (problem == null) {
          delete(PartedDownload.sidecar(partial));
          if (options.forceToDisk()) {
            if (options.forceToDisk()) {
              flush(partial);
            }
          }
          listener.completed(r.path(), a.size, a.sha256);
          return new DownloadedFile(r.path(), partial, a.size, a.sha256, transferred, resumedFrom);
        }
        delete(PartedDownload.sidecar(partial));
        delete(partial);
        if (restartedAfterMismatch) {
          throw mismatchTwice(r, problem);
        }
        restartedAfterMismatch = true;
        parts = PartedDownload.plan(partial, r.size(), options);
        listener.retrying(
            r.path(), attempt, "verification failed (" + problem + "); downloading again", 0);
        continue;
      }
      try {
        host.acquire();
        try {
          a = attempt(r, partial, listener, watchdog);
        } finally {
          host.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GpuxException(
            ErrorCategory.INTERNAL, "interrupted while downloading " + r.path(), null, e);
      } catch (RetryableFailure f) {
        if (attempt >= retry.maxAttempts()) {
          throw GpuxException.unavailable(
              "download of "
                  + r.path()
                  + " failed after "
                  + attempt
                  + " attempts: "
                  + f.getMessage(),
              "run the same pull again: it resumes from the "
                  + size(partial)
                  + " bytes already downloaded");
        }
        long delay = retry.delayMillis(attempt, f.headers);
        listener.retrying(r.path(), attempt, f.getMessage(), delay);
        transferred += f.transferred;
        http.pause(delay);
        continue;
      }
      transferred += a.transferred;
      String problem = check(r, a);
      if (problem == null) {
        if (options.forceToDisk()) {
          flush(partial);
        }
        listener.completed(r.path(), a.size, a.sha256);
        return new DownloadedFile(r.path(), partial, a.size, a.sha256, transferred, resumedFrom);
      }
      delete(partial);
      if (restartedAfterMismatch) {
        throw mismatchTwice(r, problem);
      }
      restartedAfterMismatch = true;
      listener.retrying(
          r.path(), attempt, "verification failed (" + problem + "); downloading again", 0);
    }
  }

  /** Aborts a body that has received nothing for the stall timeout; cancel the returned task. */
  static ScheduledFuture<?> watchForStall(
      ScheduledExecutorService watchdog,
      java.util.function.Supplier<FileBodySubscriber> body,
      AtomicLong lastProgress,
      TransferOptions options) {
    return watchdog.scheduleAtFixedRate(
        () -> {
          FileBodySubscriber b = body.get();
          if (b != null
              && System.nanoTime() - lastProgress.get() > options.stallTimeout().toNanos()) {
            b.abort(new IOException("stalled"));
          }
        },
        200,
        200,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Forces a verified file to disk now, on this download's thread, while other files still arrive:
   * the store forces it again before its rename, which is then nearly free (for 1 GB, 0.3 s less at
   * the end of a pull).
   */
  private static void flush(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      throw diskError(file, e);
    }
  }

  private static GpuxException mismatchTwice(DownloadRequest r, String problem) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "downloaded " + r.path() + " twice and it failed verification both times: " + problem,
        "the registry serves a file that does not match its own listing; nothing was stored."
            + " Report it to the model's owner, or retry later");
  }

  private static String check(DownloadRequest r, Attempt a) {
    if (r.size() >= 0 && a.size != r.size()) {
      return "size " + a.size + ", expected " + r.size();
    }
    if (r.sha256() != null && !r.sha256().equalsIgnoreCase(a.sha256)) {
      return "sha256 " + a.sha256 + ", expected " + r.sha256();
    }
    if (a.registryDigest != null && !a.registryDigest.equals(r.registryDigest().hex())) {
      return r.registryDigest().algorithm().name().toLowerCase(java.util.Locale.ROOT)
          + " "
          + a.registryDigest
          + ", expected "
          + r.registryDigest().hex();
    }
    return null;
  }

  /**
   * Bodies from a quarter of the part size (16 MB by default) are read straight from a socket (see
   * {@link SocketFetch}); smaller ones use the JDK client's pooled connections.
   */
  private boolean large(DownloadRequest r) {
    return r.size() >= Math.max(1, options.partSize() / 4);
  }

  /** A socket read that waits this long is a stall, as the watchdog would find it. */
  int readTimeoutMillis() {
    return (int) Math.max(1, options.stallTimeout().toMillis());
  }

  /** The result of one attempt that got the whole body. */
  private record Attempt(long size, String sha256, String registryDigest, long transferred) {}

  /**
   * An attempt that should be retried: the connection dropped, stalled, or the server said later.
   */
  private static final class RetryableFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient java.net.http.HttpHeaders headers;
    final long transferred;

    RetryableFailure(String message, java.net.http.HttpHeaders headers, long transferred) {
      super(message, null, false, false);
      this.headers = headers;
      this.transferred = transferred;
    }
  }

  private Attempt attempt(
      DownloadRequest r, Path partial, TransferListener listener, ScheduledExecutorService watchdog)
      throws RetryableFailure {
    long offset = size(partial);
    if (r.size() >= 0 && offset == r.size() && offset > 0) {
      return hashWhole(r, partial);
    }
    HttpCall call = offset > 0 ? r.call().header("Range", "bytes=" + offset + "-") : r.call();
    long requestedOffset = offset;
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    MessageDigest sha = sha256();
    MessageDigest extra =
        r.registryDigest() == null || r.size() < 0 ? null : r.registryDigest().start(r.size());
    FileBodySubscriber[] body = new FileBodySubscriber[1];
    long[] start = {offset};
    SocketFetch.Fetched<Long> response;
    ScheduledFuture<?> stall =
        TransferEngine.watchForStall(watchdog, () -> body[0], lastProgress, options);
    try {
      try {
        response =
            http.fetchBody(
                call,
                info -> {
                  int st = info.statusCode();
                  if (st != 200 && st != 206) {
                    return HttpResponse.BodySubscribers.replacing(0L);
                  }
                  boolean append =
                      st == 206 && contentRangeStart(info.headers()) == requestedOffset;
                  start[0] =
                      append ? requestedOffset : 0; // a 200 means the server ignored the range
                  try {
                    FileChannel ch = open(partial, append);
                    if (append) {
                      hashPrefix(partial, requestedOffset, sha, extra);
                    }
                    body[0] =
                        new FileBodySubscriber(ch, sha, extra, listener, r.path(), lastProgress);
                    return body[0];
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                },
                large(r),
                readTimeoutMillis());
      } catch (java.io.UncheckedIOException e) {
        throw diskError(partial, e.getCause());
      } catch (IOException e) {
        IOException local = FileBodySubscriber.localWriteFailure(e);
        if (local != null) {
          throw diskError(partial, local);
        }
        long got = body[0] == null ? 0 : body[0].received();
        boolean stalled = System.nanoTime() - lastProgress.get() > options.stallTimeout().toNanos();
        throw new RetryableFailure(
            stalled
                ? "no data for " + options.stallTimeout().toSeconds() + " s (stalled)"
                : "connection lost: " + HttpTransport.describe(e),
            null,
            got);
      }
    } finally {
      stall.cancel(false);
      closeQuietly(body[0]);
    }
    int status = response.statusCode();
    if (RetryPolicy.isRetryable(status)) {
      throw new RetryableFailure("HTTP " + status, response.headers(), 0);
    }
    if (status == 416) {
      // Our partial file does not fit the server's copy: start over.
      delete(partial);
      throw new RetryableFailure("HTTP 416 for a resumed download; starting over", null, 0);
    }
    if (status != 200 && status != 206) {
      throw httpError(r, status, response.headers().firstValue("x-error-message").orElse(null));
    }
    offset = start[0];
    long received = response.body();
    long total = offset + received;
    if (r.size() >= 0 && total < r.size()) {
      throw new RetryableFailure(
          "the body ended after " + total + " of " + r.size() + " bytes", null, received);
    }
    return new Attempt(total, hex(sha), extra == null ? null : hex(extra), received);
  }

  private Attempt hashWhole(DownloadRequest r, Path partial) {
    MessageDigest sha = sha256();
    MessageDigest extra = r.registryDigest() == null ? null : r.registryDigest().start(r.size());
    long size = size(partial);
    hashPrefix(partial, size, sha, extra);
    return new Attempt(size, hex(sha), extra == null ? null : hex(extra), 0);
  }

  private static void hashPrefix(Path file, long length, MessageDigest sha, MessageDigest extra) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
        sha.update(buffer, 0, n);
        if (extra != null) {
          extra.update(buffer, 0, n);
        }
        left -= n;
      }
    } catch (IOException e) {
      throw diskError(file, e);
    }
  }

  private static FileChannel open(Path partial, boolean append) throws IOException {
    return append
        ? FileChannel.open(
            partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
        : FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
  }

  private static void closeQuietly(FileBodySubscriber body) {
    if (body != null) {
      body.close();
    }
  }

  static GpuxException diskError(Path file, IOException e) {
    String m = String.valueOf(e.getMessage());
    boolean full =
        m.contains("No space left") || m.contains("Disk quota") || m.contains("not enough space");
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        (full ? "the disk is full" : "cannot write")
            + " while downloading to "
            + file.getParent()
            + ": "
            + m,
        full
            ? "free some space (gpux prune removes unused files) or point GPUX_HOME at a bigger disk; the pull resumes where it stopped"
            : "check the permissions of GPUX_HOME",
        e);
  }

  static long contentRangeStart(java.net.http.HttpHeaders headers) {
    String range = headers.firstValue("content-range").orElse("");
    // "bytes 100-199/200"
    try {
      int space = range.indexOf(' ');
      int dash = range.indexOf('-');
      return Long.parseLong(range.substring(space + 1, dash).trim());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static GpuxException httpError(DownloadRequest r, int status, String serverMessage) {
    String said = serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage;
    return switch (status) {
      case 401, 403 ->
          new GpuxException(
              ErrorCategory.INVALID_INPUT,
              "access denied (HTTP " + status + ") downloading " + r.path() + said,
              "check the registry token (e.g. HF_TOKEN, or gpux login) and that its account may read this model");
      case 404 ->
          GpuxException.notFound(
              "the registry has no file " + r.path() + " (HTTP 404)" + said,
              "the model may have changed; pull again");
      default ->
          GpuxException.unavailable(
              "HTTP " + status + " downloading " + r.path() + said, "retry later");
    };
  }

  static long size(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover partial is removed by gpux prune.
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  private static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
