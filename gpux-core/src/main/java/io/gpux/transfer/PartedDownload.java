package io.gpux.transfer;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large file fetched as byte ranges over several connections at once, each written in place into
 * the one partial file. One connection is limited by its own window and by servers and CDNs that
 * cap each stream; several keep the link full, and the tail of a big file no longer runs on one
 * connection alone.
 *
 * <p>The ranges ("parts", a quarter of {@link TransferOptions#partSize} each) are handed to the
 * connections in file order, so the written prefix of the file grows steadily; a hasher follows
 * right behind it, reading what was just written back from the page cache, so the file's digests
 * are ready moments after its last byte instead of a whole re-read later.
 *
 * <p>What each part has written is kept in a sidecar ({@code <partial>.parts}), saved as the parts
 * advance and written before it is recorded, so a killed pull resumes every part where it stopped.
 * The sidecar never claims bytes that were not written; the whole file is hashed and checked
 * against the listing afterwards in any case.
 */
final class PartedDownload {
  static final String SIDECAR = ".parts";
  private static final long SAVE_EVERY = 8L << 20;

  /** The server answered a ranged request with the whole body: it does not serve ranges. */
  static final class RangesIgnored extends Exception {
    private static final long serialVersionUID = 1L;

    RangesIgnored() {
      super("the server ignores Range", null, false, false);
    }
  }

  /** What the parts gave: bytes over the wire and the whole file's digests. */
  record Result(long transferred, String sha256, String registryDigest) {}

  /** Bytes [start, end) of the file, of which the first {@code done} are written. */
  static final class Part {
    final long start;
    final long end;
    final AtomicLong done;

    Part(long start, long end, long done) {
      this.start = start;
      this.end = end;
      this.done = new AtomicLong(done);
    }

    long next() {
      return start + done.get();
    }

    boolean finished() {
      return next() >= end;
    }
  }

  private final HttpTransport http;
  private final TransferOptions options;
  private final Semaphore host;
  private final ScheduledExecutorService watchdog;

  PartedDownload(
      HttpTransport http,
      TransferOptions options,
      Semaphore host,
      ScheduledExecutorService watchdog) {
    this.http = http;
    this.options = options;
    this.host = host;
    this.watchdog = watchdog;
  }

  /**
   * Whether a file is fetched in parts: its size is known and large, and it is not a partial file
   * from a single-stream download (that one resumes as it began).
   */
  static boolean applies(DownloadRequest r, TransferOptions options, Path partial) {
    if (r.size() < 2 * options.partSize() || options.maxParts() < 2) {
      return false;
    }
    if (Files.exists(sidecar(partial))) {
      return true; // a parted download to resume
    }
    return TransferEngine.size(partial) == 0
        && (options.partsFromLoopback() || !loopback(r.call().uri().getHost()));
  }

  /**
   * Whether {@code host} is this machine (a name is resolved; the connection reuses the answer).
   */
  static boolean loopback(String host) {
    if (host == null) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false; // the connection will report it
    }
  }

  static Path sidecar(Path partial) {
    return partial.resolveSibling(partial.getFileName() + SIDECAR);
  }

  /** The parts to fetch: those of the sidecar when it fits this file, else a fresh plan. */
  static List<Part> plan(Path partial, long size, TransferOptions options) {
    List<Part> saved = load(sidecar(partial), size);
    if (saved != null) {
      return saved;
    }
    long step = Math.max(1, options.partSize() / 4);
    List<Part> parts = new ArrayList<>();
    for (long start = 0; start < size; start += step) {
      parts.add(new Part(start, Math.min(size, start + step), 0));
    }
    return parts;
  }

  static long done(List<Part> parts) {
    return parts.stream().mapToLong(p -> p.done.get()).sum();
  }

  /**
   * Fetches every part not yet finished, over {@link TransferOptions#maxParts} connections, while
   * hashing the file in order; returns the bytes transferred and the digests. Each part is retried
   * on its own; a permanent failure stops the others and is thrown.
   */
  Result run(DownloadRequest r, Path partial, List<Part> parts, TransferListener listener)
      throws RangesIgnored {
    try (FileChannel channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      save(partial, parts, r.size());
      java.util.concurrent.ConcurrentLinkedQueue<Part> queue =
          new java.util.concurrent.ConcurrentLinkedQueue<>(parts);
      int connections = Math.min(options.maxParts(), parts.size());
      ExecutorService pool =
          Executors.newFixedThreadPool(
              connections + 1,
              runnable -> {
                Thread t = new Thread(runnable, "gpux-download-part");
                t.setDaemon(true);
                return t;
              });
      List<FileBodySubscriber> active = java.util.Collections.synchronizedList(new ArrayList<>());
      Hasher hasher = new Hasher(r, channel, parts);
      try {
        Future<String[]> digests = pool.submit(hasher);
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    long n = 0;
                    for (Part p = queue.poll(); p != null; p = queue.poll()) {
                      n += fetchPart(r, partial, channel, p, parts, listener, active);
                      hasher.partDone();
                    }
                    return n;
                  }));
        }
        long transferred = 0;
        Exception first = null;
        for (Future<Long> f : futures) {
          try {
            transferred += f.get();
          } catch (ExecutionException e) {
            if (first == null) {
              first = e.getCause() instanceof Exception ex ? ex : new IOException(e.getCause());
              // One part cannot finish: stop the others rather than fetch what cannot be used now.
              queue.clear();
              synchronized (active) {
                active.forEach(b -> b.abort(new IOException("another part failed")));
              }
            }
          }
        }
        save(partial, parts, r.size());
        if (first != null) {
          hasher.stop();
        }
        if (first instanceof RangesIgnored ri) {
          throw ri;
        }
        if (first instanceof RuntimeException re) {
          throw re;
        }
        if (first != null) {
          throw new GpuxException(
              ErrorCategory.INTERNAL, "download of " + r.path() + " failed: " + first, null, first);
        }
        String[] d = digests.get();
        return new Result(transferred, d[0], d[1]);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re
            ? re
            : new GpuxException(ErrorCategory.INTERNAL, "hashing failed: " + e.getCause(), null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GpuxException(
            ErrorCategory.INTERNAL, "interrupted while downloading " + r.path(), null, e);
      } finally {
        hasher.stop();
        pool.shutdownNow();
      }
    } catch (IOException e) {
      throw TransferEngine.diskError(partial, e);
    }
  }

  /**
   * Hashes the file part by part, in order, each as soon as it is written; returns the sha256 and
   * the registry digest (or null) as hex.
   */
  private static final class Hasher implements java.util.concurrent.Callable<String[]> {
    private final DownloadRequest r;
    private final FileChannel channel;
    private final List<Part> parts;
    private final Object signal = new Object();
    private volatile boolean stopped;

    Hasher(DownloadRequest r, FileChannel channel, List<Part> parts) {
      this.r = r;
      this.channel = channel;
      this.parts = parts;
    }

    void partDone() {
      synchronized (signal) {
        signal.notifyAll();
      }
    }

    void stop() {
      stopped = true;
      partDone();
    }

    @Override
    public String[] call() throws IOException, InterruptedException {
      java.security.MessageDigest sha = TransferEngine.sha256();
      java.security.MessageDigest extra =
          r.registryDigest() == null ? null : r.registryDigest().start(r.size());
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(1 << 20);
      for (Part p : parts) {
        synchronized (signal) {
          while (!p.finished() && !stopped) {
            signal.wait(200);
          }
        }
        if (stopped) {
          return null;
        }
        for (long at = p.start; at < p.end; ) {
          buffer.clear().limit((int) Math.min(buffer.capacity(), p.end - at));
          int n = channel.read(buffer, at);
          if (n < 0) {
            throw new java.io.EOFException("the partial file ends at " + at);
          }
          buffer.flip();
          if (extra != null) {
            extra.update(buffer.duplicate());
          }
          sha.update(buffer);
          at += n;
        }
      }
      return new String[] {
        java.util.HexFormat.of().formatHex(sha.digest()),
        extra == null ? null : java.util.HexFormat.of().formatHex(extra.digest())
      };
    }
  }

  /** One part, retried with backoff; returns the bytes it transferred. */
  private long fetchPart(
      DownloadRequest r,
      Path partial,
      FileChannel channel,
      Part part,
      List<Part> parts,
      TransferListener listener,
      List<FileBodySubscriber> active)
      throws RangesIgnored, InterruptedException {
    RetryPolicy retry = http.retryPolicy();
    long transferred = 0;
    for (int attempt = 1; !part.finished(); attempt++) {
      long before = part.done.get();
      HttpHeaders retryHeaders;
      String why;
      host.acquire();
      try {
        Outcome o = attemptPart(r, partial, channel, part, parts, listener, active);
        transferred += part.done.get() - before;
        if (o.status == 206 && part.finished()) {
          return transferred;
        }
        retryHeaders = o.headers;
        why = o.why;
      } finally {
        host.release();
      }
      if (part.done.get() > before) {
        attempt = 0; // progress was made: the next failure starts the count again
      }
      if (attempt >= retry.maxAttempts()) {
        throw GpuxException.unavailable(
            "download of " + r.path() + " failed after " + attempt + " attempts: " + why,
            "run the same pull again: it resumes from the "
                + done(parts)
                + " bytes already downloaded");
      }
      long delay = retry.delayMillis(Math.max(1, attempt), retryHeaders);
      listener.retrying(r.path(), Math.max(1, attempt), why, delay);
      http.pause(delay);
    }
    return transferred;
  }

  private record Outcome(int status, HttpHeaders headers, String why) {}

  private Outcome attemptPart(
      DownloadRequest r,
      Path partial,
      FileChannel channel,
      Part part,
      List<Part> parts,
      TransferListener listener,
      List<FileBodySubscriber> active)
      throws RangesIgnored {
    long from = part.next();
    HttpCall call = r.call().header("Range", "bytes=" + from + "-" + (part.end - 1));
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    AtomicLong unsaved = new AtomicLong();
    TransferListener counting =
        new TransferListener() {
          @Override
          public void progressed(String path, long bytes) {
            part.done.addAndGet(bytes);
            listener.progressed(path, bytes);
            if (unsaved.addAndGet(bytes) >= SAVE_EVERY) {
              unsaved.set(0);
              save(partial, parts, r.size());
            }
          }
        };
    FileBodySubscriber[] body = new FileBodySubscriber[1];
    boolean[] ignored = {false};
    ScheduledFuture<?> stall =
        TransferEngine.watchForStall(watchdog, () -> body[0], lastProgress, options);
    SocketFetch.Fetched<Long> response;
    try {
      response =
          http.fetchBody(
              call,
              info -> {
                int st = info.statusCode();
                if (st == 200) {
                  ignored[0] = true;
                  return cancelling();
                }
                if (st != 206 || TransferEngine.contentRangeStart(info.headers()) != from) {
                  return HttpResponse.BodySubscribers.replacing(0L);
                }
                body[0] =
                    new FileBodySubscriber(channel, null, null, counting, r.path(), lastProgress)
                        .at(from);
                active.add(body[0]);
                return body[0];
              },
              true,
              (int) Math.max(1, options.stallTimeout().toMillis()));
    } catch (IOException e) {
      IOException local = FileBodySubscriber.localWriteFailure(e);
      if (local != null) {
        throw TransferEngine.diskError(partial, local);
      }
      if (ignored[0]) {
        throw new RangesIgnored();
      }
      boolean stalled = System.nanoTime() - lastProgress.get() > options.stallTimeout().toNanos();
      return new Outcome(
          -1,
          null,
          stalled
              ? "no data for " + options.stallTimeout().toSeconds() + " s (stalled)"
              : "connection lost: " + HttpTransport.describe(e));
    } finally {
      stall.cancel(false);
      if (body[0] != null) {
        active.remove(body[0]);
      }
    }
    int status = response.statusCode();
    if (ignored[0] || status == 200) {
      throw new RangesIgnored();
    }
    if (status == 206 && body[0] == null) {
      throw new RangesIgnored(); // a range other than the one asked for: treat as unsupported
    }
    if (RetryPolicy.isRetryable(status)) {
      return new Outcome(status, response.headers(), "HTTP " + status);
    }
    if (status != 206) {
      throw TransferEngine.httpError(
          r, status, response.headers().firstValue("x-error-message").orElse(null));
    }
    return part.finished()
        ? new Outcome(206, response.headers(), null)
        : new Outcome(
            -1, null, "the body ended " + (part.end - part.next()) + " bytes before the range");
  }

  /** A body subscriber that hangs up at once: the whole file is not wanted 8 times over. */
  private static HttpResponse.BodySubscriber<Long> cancelling() {
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

  /** Writes the sidecar (size, then "start end done" a part) atomically. */
  static synchronized void save(Path partial, List<Part> parts, long size) {
    StringBuilder sb = new StringBuilder("gpux-parts 1 ").append(size).append('\n');
    for (Part p : parts) {
      sb.append(p.start).append(' ').append(p.end).append(' ').append(p.done.get()).append('\n');
    }
    Path target = sidecar(partial);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw TransferEngine.diskError(partial, e);
    }
  }

  /** The parts a sidecar records for a file of this size, or null when it is absent or stale. */
  static List<Part> load(Path sidecar, long size) {
    try {
      List<String> lines = Files.readAllLines(sidecar, StandardCharsets.US_ASCII);
      if (lines.isEmpty() || !lines.get(0).equals("gpux-parts 1 " + size)) {
        return null;
      }
      List<Part> parts = new ArrayList<>();
      long expected = 0;
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split(" ");
        long start = Long.parseLong(f[0]);
        long end = Long.parseLong(f[1]);
        long done = Long.parseLong(f[2]);
        if (start != expected || end <= start || done < 0 || done > end - start) {
          return null;
        }
        parts.add(new Part(start, end, done));
        expected = end;
      }
      return expected == size ? parts : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
