package io.gpux.transfer;

import io.gpux.digest.Sha256;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 * scratch, and a second failure is an error. Nothing half-written ever leaves the work folder, and
 * no body is written past the size the registry lists: a server that sends more is cut off there.
 *
 * <p>A process needs one engine: connections per host are limited by its {@link HttpTransport} for
 * every pull at once. Every attempt at a body, whole or a byte range, is {@link #fetch}: one stall
 * watch, one mapping of failures, under the one {@link RetryLoop}.
 */
public final class TransferEngine {
  private static final int BUFFER = 1 << 16;

  private final HttpTransport http;
  private final TransferOptions options;

  public TransferEngine(HttpTransport http, TransferOptions options) {
    this.http = http;
    this.options = options;
  }

  HttpTransport http() {
    return http;
  }

  TransferOptions options() {
    return options;
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
              + io.gpux.units.ByteSizes.human(needed)
              + " more, and "
              + workDir.getParent()
              + " has "
              + io.gpux.units.ByteSizes.human(usable)
              + " free",
          "free some space (gpux prune removes unused files, gpux rm old versions) or point"
              + " GPUX_HOME at a bigger disk");
    }
  }

  /** The work-folder file a request downloads into; stable across runs so pulls resume. */
  public static Path partialFile(Path workDir, DownloadRequest r) {
    return PartialFiles.of(workDir, r);
  }

  private DownloadedFile downloadOne(
      DownloadRequest r,
      Path workDir,
      TransferListener listener,
      ScheduledExecutorService watchdog) {
    Path partial = partialFile(workDir, r);
    try (java.io.Closeable held = PartialFiles.hold(partial)) {
      return downloadHeld(r, partial, listener, watchdog);
    } catch (GpuxException e) {
      if (FileBodySubscriber.tooLong(e) != null) {
        // What was written may be wrong from the first byte: nothing of it can be resumed.
        delete(PartedDownload.sidecar(partial));
        delete(partial);
      }
      throw e;
    } catch (IOException e) {
      throw diskError(partial, e);
    }
  }

  private DownloadedFile downloadHeld(
      DownloadRequest r,
      Path partial,
      TransferListener listener,
      ScheduledExecutorService watchdog) {
    long transferred = 0;
    boolean parted = PartedDownload.applies(r, options, partial);
    long resumedFrom;
    if (parted) {
      resumedFrom = PartedDownload.done(PartedDownload.plan(partial, r.size(), options));
    } else {
      resumedFrom = size(partial);
      if (r.size() >= 0 && resumedFrom > r.size()) {
        delete(partial);
        resumedFrom = 0;
      }
    }
    listener.started(r.path(), r.size(), resumedFrom);
    // Two rounds at most: a file that fails verification is fetched once more from scratch.
    for (int round = 1; ; round++) {
      Attempt a;
      if (parted) {
        try {
          List<PartedDownload.Part> parts = PartedDownload.plan(partial, r.size(), options);
          PartedDownload.Result got =
              new PartedDownload(this, watchdog).run(r, partial, parts, listener);
          a =
              new Attempt(
                  size(partial),
                  got.sha256(),
                  got.registryDigest(),
                  r.registryDigest() == null ? null : r.registryDigest().hex(),
                  got.transferred());
        } catch (PartedDownload.RangesIgnored e) {
          // The server sends whole files only: fetch this one as a single stream from the start.
          delete(PartedDownload.sidecar(partial));
          delete(partial);
          parted = false;
          listener.retrying(r.path(), 1, "the server ignores Range; one stream instead", 0);
          round--;
          continue;
        }
        delete(PartedDownload.sidecar(partial));
      } else {
        a = wholeFile(r, partial, listener, watchdog);
      }
      transferred += a.transferred;
      String problem = check(r, a);
      if (problem == null) {
        if (options.forceToDisk()) {
          flush(partial);
        }
        listener.completed(r.path(), a.size, a.sha256);
        return new DownloadedFile(
            r.path(),
            partial,
            a.size,
            a.sha256,
            transferred,
            resumedFrom,
            a.registryDigest == null || a.expected == null
                ? null
                : r.registryDigest().named(a.registryDigest));
      }
      refuseLfsPointer(r, partial);
      delete(partial);
      if (round >= 2) {
        throw mismatchTwice(r, problem);
      }
      listener.retrying(
          r.path(), round, "verification failed (" + problem + "); downloading again", 0);
    }
  }

  /**
   * The whole file in one stream, resumed from what is on disk, retried by the {@link RetryLoop}.
   */
  private Attempt wholeFile(
      DownloadRequest r,
      Path partial,
      TransferListener listener,
      ScheduledExecutorService watchdog) {
    long[] transferred = {0};
    Attempt a =
        RetryLoop.run(
            http,
            HttpTransport.authority(r.call().uri()),
            n -> {
              long before = size(partial);
              try {
                return attempt(r, partial, listener, watchdog);
              } catch (RetryLoop.Again again) {
                transferred[0] += again.progressed;
                // Progress is what the partial file gained: a server that restarts the body each
                // time and drops it again makes none, and is given up on like any failure.
                throw new RetryLoop.Again(
                    again.getMessage(), again.headers, Math.max(0, size(partial) - before));
              }
            },
            (n, why, delay) -> listener.retrying(r.path(), n, why, delay),
            (n, last) -> {
              throw GpuxException.unavailable(
                  "download of "
                      + r.path()
                      + " failed after "
                      + n
                      + " attempts: "
                      + last.getMessage(),
                  "run the same pull again: it resumes from the "
                      + size(partial)
                      + " bytes already downloaded");
            });
    return new Attempt(
        a.size, a.sha256, a.registryDigest, a.expected, a.transferred + transferred[0]);
  }

  /** What one GET of a file's bytes gave: the status, and whether its body went to the sink. */
  record Fetched(int status, java.net.http.HttpHeaders headers, long received, boolean written) {}

  /** Where a 200 or 206 body goes: a subscriber writing it, or null to hang up at once. */
  @FunctionalInterface
  interface Sink {
    FileBodySubscriber open(int status, java.net.http.HttpHeaders headers, AtomicLong lastProgress)
        throws IOException;
  }

  /**
   * One GET of bytes {@code [from, to]} of the request's file ({@code to} -1: to the end; from 0 to
   * -1: no {@code Range} at all), its body handed to what {@code sink} opens. This is the attempt
   * body of whole-file and ranged downloads alike: the stall watch, the socket or JDK path, the
   * mapping of failures (local write errors and over-long bodies are errors, a lost connection or a
   * retryable status is {@link RetryLoop.Again}), all once. The caller closes what the sink opened;
   * {@code opened} is told of it as soon as it exists.
   */
  Fetched fetch(
      DownloadRequest r,
      Path partial,
      long from,
      long to,
      Sink sink,
      ScheduledExecutorService watchdog,
      java.util.function.Consumer<FileBodySubscriber> opened)
      throws RetryLoop.Again {
    HttpCall call =
        from > 0 || to >= 0
            ? r.call().header("Range", "bytes=" + from + "-" + (to >= 0 ? Long.toString(to) : ""))
            : r.call();
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    FileBodySubscriber[] body = new FileBodySubscriber[1];
    boolean[] declined = {false};
    ScheduledFuture<?> stall = watchForStall(watchdog, () -> body[0], lastProgress, options);
    SocketFetch.Fetched<Long> response;
    try {
      response =
          http.fetchBody(
              call,
              info -> {
                int st = info.statusCode();
                if (st != 200 && st != 206) {
                  return HttpResponse.BodySubscribers.replacing(0L);
                }
                FileBodySubscriber b;
                try {
                  b = sink.open(st, info.headers(), lastProgress);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                if (b == null) {
                  declined[0] = true;
                  return cancelling();
                }
                long announced = info.headers().firstValueAsLong("content-length").orElse(-1);
                if (b.limit() >= 0 && announced > b.limit()) {
                  b.abort(new FileBodySubscriber.BodyTooLong(b.limit(), announced));
                }
                body[0] = b;
                opened.accept(b);
                return b;
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
      FileBodySubscriber.BodyTooLong tooLong = FileBodySubscriber.tooLong(e);
      if (tooLong != null) {
        throw tooLong(r, tooLong);
      }
      if (declined[0]) {
        return new Fetched(200, null, 0, false);
      }
      GpuxException permanent = http.permanentFailure(call, e);
      if (permanent != null) {
        throw permanent;
      }
      long got = body[0] == null ? 0 : body[0].received();
      boolean stalled = System.nanoTime() - lastProgress.get() > options.stallTimeout().toNanos();
      throw new RetryLoop.Again(
          stalled
              ? "no data for " + options.stallTimeout().toSeconds() + " s (stalled)"
              : "connection lost: " + HttpTransport.describe(e),
          null,
          got);
    } finally {
      stall.cancel(false);
    }
    int status = response.statusCode();
    if (status == 401
        && call.renewal() != null
        && call.renewal().renew(response.headers().firstValue("www-authenticate").orElse(null))) {
      // An expired token mid-pull: the loop tries again with the renewed one, which the request
      // reads when it is sent. A registry that keeps refusing runs the attempts out like a 5xx.
      throw new RetryLoop.Again("HTTP 401: the registry token was renewed", null, 0);
    }
    if (RetryPolicy.isRetryable(status)) {
      throw new RetryLoop.Again("HTTP " + status, response.headers(), 0);
    }
    if (status == 416) {
      return new Fetched(status, response.headers(), 0, false);
    }
    if (status != 200 && status != 206) {
      throw httpError(r, status, response.headers().firstValue("x-error-message").orElse(null));
    }
    return new Fetched(
        status, response.headers(), body[0] == null ? 0 : response.body(), !declined[0]);
  }

  private static GpuxException tooLong(DownloadRequest r, FileBodySubscriber.BodyTooLong e) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "the registry sent more of "
            + r.path()
            + " than the "
            + r.size()
            + " bytes its listing says"
            + (e.announced >= 0 ? " (it announced " + e.announced + ")" : "")
            + "; the download was cut there and nothing was kept",
        "the registry's listing and its file disagree: report it to the model's owner or the"
            + " registry, or retry later",
        e);
  }

  /** A body subscriber that hangs up at once: a body that is not wanted is not read. */
  static HttpResponse.BodySubscriber<Long> cancelling() {
    HttpResponse.BodySubscriber<Long> discard = HttpResponse.BodySubscribers.replacing(0L);
    return new HttpResponse.BodySubscriber<>() {
      @Override
      public java.util.concurrent.CompletionStage<Long> getBody() {
        return discard.getBody();
      }

      @Override
      public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
        s.cancel();
        discard.onComplete();
      }

      @Override
      public void onNext(List<java.nio.ByteBuffer> item) {}

      @Override
      public void onError(Throwable t) {
        discard.onComplete();
      }

      @Override
      public void onComplete() {
        discard.onComplete();
      }
    };
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

  private static final byte[] LFS_POINTER =
      "version https://git-lfs.github.com/spec/v1"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * A server that keeps a file in Git LFS without serving it (GitHub past its LFS quota, a mirror
   * cloned without {@code git lfs pull}) answers with the ~130-byte pointer instead of the file: a
   * short body that would otherwise be retried as a dropped connection and then reported as one. It
   * is refused at once, by name, and never kept: the content is not available from this server,
   * which no retry changes (hence "unavailable", exit 3, not bad input).
   */
  private static void refuseLfsPointer(DownloadRequest r, Path partial) {
    long size = size(partial);
    if (size < LFS_POINTER.length || size > 1024) {
      return;
    }
    byte[] head;
    try {
      head = Files.readAllBytes(partial);
    } catch (IOException e) {
      return; // unreadable: the ordinary retry and verification report it
    }
    if (java.util.Arrays.equals(head, 0, LFS_POINTER.length, LFS_POINTER, 0, LFS_POINTER.length)) {
      delete(partial);
      throw GpuxException.unavailable(
          r.path()
              + ": content not available here: "
              + HttpTransport.authority(r.call().uri())
              + " serves a Git LFS pointer ("
              + size
              + " bytes) instead of the file"
              + (r.size() >= 0 ? " (" + r.size() + " bytes)" : "")
              + "; nothing was stored",
          "the server holds only the LFS pointer: use a mirror that serves the file's content");
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
    // The expected value is the listed one, or what the response that brought the bytes declared.
    if (a.registryDigest != null && a.expected != null && !a.registryDigest.equals(a.expected)) {
      return r.registryDigest().algorithm().name().toLowerCase(java.util.Locale.ROOT)
          + " "
          + a.registryDigest
          + ", expected "
          + a.expected
          + (r.registryDigest().fromResponse()
              ? " (as the server's " + r.registryDigest().header() + " declares)"
              : "");
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

  /**
   * The result of one attempt that got the whole body.
   *
   * @param registryDigest the registry digest computed over the bytes (hex), or null
   * @param expected what it must be (hex): listed, or declared by the response; null for none
   */
  private record Attempt(
      long size, String sha256, String registryDigest, String expected, long transferred) {}

  private Attempt attempt(
      DownloadRequest r, Path partial, TransferListener listener, ScheduledExecutorService watchdog)
      throws RetryLoop.Again {
    long offset = size(partial);
    boolean declared = r.registryDigest() != null && r.registryDigest().fromResponse();
    // A digest the response declares needs a response: a complete partial file is asked for from
    // its end, which the server refuses (416), and fetched again.
    if (r.size() >= 0 && offset == r.size() && offset > 0 && !declared) {
      return hashWhole(r, partial);
    }
    MessageDigest sha = Sha256.digest();
    MessageDigest extra =
        r.registryDigest() == null || (r.size() < 0 && r.registryDigest().needsSize())
            ? null
            : r.registryDigest().start(r.size());
    long[] start = {offset};
    FileBodySubscriber[] body = new FileBodySubscriber[1];
    Fetched got;
    try {
      got =
          fetch(
              r,
              partial,
              offset,
              -1,
              (status, headers, lastProgress) -> {
                // A 200 means the server ignored the range: the file comes again from the start.
                boolean append = status == 206 && contentRangeStart(headers) == offset;
                if (status == 206 && !append) {
                  return null; // another range than the one asked for
                }
                start[0] = append ? offset : 0;
                FileChannel ch = open(partial, append);
                if (append) {
                  hashPrefix(partial, offset, sha, extra);
                }
                return new FileBodySubscriber(ch, sha, extra, listener, r.path(), lastProgress)
                    .limit(r.size() < 0 ? -1 : r.size() - start[0]);
              },
              watchdog,
              b -> body[0] = b);
    } finally {
      closeQuietly(body[0]);
    }
    if (!got.written()) {
      // Our partial file does not fit the server's copy (416, or another range): start over.
      delete(partial);
      throw new RetryLoop.Again(
          got.status() == 416
              ? "HTTP 416 for a resumed download; starting over"
              : "the server answered another range; starting over",
          null,
          0);
    }
    long total = start[0] + got.received();
    if (r.size() >= 0 && total < r.size()) {
      refuseLfsPointer(r, partial);
      throw new RetryLoop.Again(
          "the body ended after " + total + " of " + r.size() + " bytes", null, got.received());
    }
    return new Attempt(
        total,
        Sha256.hex(sha),
        extra == null ? null : Sha256.hex(extra),
        r.registryDigest() == null ? null : r.registryDigest().expected(got.headers()),
        got.received());
  }

  private Attempt hashWhole(DownloadRequest r, Path partial) {
    MessageDigest sha = Sha256.digest();
    MessageDigest extra = r.registryDigest() == null ? null : r.registryDigest().start(r.size());
    long size = size(partial);
    hashPrefix(partial, size, sha, extra);
    return new Attempt(
        size,
        Sha256.hex(sha),
        extra == null ? null : Sha256.hex(extra),
        r.registryDigest() == null ? null : r.registryDigest().hex(),
        0);
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
              r.deniedHint() != null
                  ? r.deniedHint()
                  : "check the registry's credentials (gpux login) and that the account may read this model");
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

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
