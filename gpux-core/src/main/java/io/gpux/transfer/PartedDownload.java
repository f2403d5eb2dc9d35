package io.gpux.transfer;

import io.gpux.digest.Sha256;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
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
  static final class RangesIgnored extends RuntimeException {
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

  private final TransferEngine engine;
  private final TransferOptions options;
  private final ScheduledExecutorService watchdog;

  PartedDownload(TransferEngine engine, ScheduledExecutorService watchdog) {
    this.engine = engine;
    this.options = engine.options();
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
    if (r.registryDigest() != null && r.registryDigest().fromResponse()) {
      return false; // the digest is declared per response: one stream, one declaration
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
      java.security.MessageDigest sha = Sha256.digest();
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
      return new String[] {Sha256.hex(sha), extra == null ? null : Sha256.hex(extra)};
    }
  }

  /** One part, retried by the {@link RetryLoop}; returns the bytes it transferred. */
  private long fetchPart(
      DownloadRequest r,
      Path partial,
      FileChannel channel,
      Part part,
      List<Part> parts,
      TransferListener listener,
      List<FileBodySubscriber> active) {
    if (part.finished()) {
      return 0; // written before a restart
    }
    long before = part.done.get();
    RetryLoop.run(
        engine.http(),
        HttpTransport.authority(r.call().uri()),
        n -> {
          long at = part.done.get();
          try {
            attemptPart(r, partial, channel, part, parts, listener, active);
            return null;
          } catch (RetryLoop.Again again) {
            throw new RetryLoop.Again(again.getMessage(), again.headers, part.done.get() - at);
          }
        },
        (n, why, delay) -> listener.retrying(r.path(), n, why, delay),
        (n, last) -> {
          throw GpuxException.unavailable(
              "download of " + r.path() + " failed after " + n + " attempts: " + last.getMessage(),
              "run the same pull again: it resumes from the "
                  + done(parts)
                  + " bytes already downloaded");
        });
    return part.done.get() - before;
  }

  private void attemptPart(
      DownloadRequest r,
      Path partial,
      FileChannel channel,
      Part part,
      List<Part> parts,
      TransferListener listener,
      List<FileBodySubscriber> active)
      throws RetryLoop.Again {
    long from = part.next();
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
    TransferEngine.Fetched got;
    try {
      got =
          engine.fetch(
              r,
              partial,
              from,
              part.end - 1,
              (status, headers, lastProgress) -> {
                if (status != 206 || TransferEngine.contentRangeStart(headers) != from) {
                  return null; // the whole file, or another range: ranges are not served
                }
                return new FileBodySubscriber(channel, null, null, counting, r.path(), lastProgress)
                    .at(from)
                    .limit(part.end - from);
              },
              watchdog,
              b -> {
                body[0] = b;
                active.add(b);
              });
    } finally {
      if (body[0] != null) {
        active.remove(body[0]);
      }
    }
    if (got.status() == 416) {
      throw TransferEngine.httpError(r, 416, null);
    }
    if (!got.written()) {
      throw new RangesIgnored();
    }
    if (!part.finished()) {
      throw new RetryLoop.Again(
          "the body ended " + (part.end - part.next()) + " bytes before the range", null, 0);
    }
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
