package io.gpux.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback in front of a test server that counts the connections clients open
 * through it: how many are open now, the most at once, and how many in all. Tests point a client at
 * {@link #port()} to see how many connections it really opens to one host.
 */
public final class CountingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();
  private final AtomicInteger total = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong down =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long holdAfter = -1;
  private final java.util.concurrent.atomic.AtomicLong up =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long cutAfter = -1;
  private volatile boolean cutDone;

  private CountingRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "counting-relay");
    accept.setDaemon(true);
    accept.start();
  }

  /** Relays to {@code 127.0.0.1:targetPort}. */
  public static CountingRelay to(int targetPort) {
    try {
      return new CountingRelay(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Stops passing bytes to clients once {@code bytes} have gone to them in all (a server that hangs
   * mid-body, for a process to be killed while it waits), until {@link #release}.
   */
  public CountingRelay holdAfter(long bytes) {
    holdAfter = bytes;
    return this;
  }

  /**
   * Drops the connection that carries the {@code bytes}-th byte from clients, once (a network that
   * fails mid-upload); later connections pass.
   */
  public CountingRelay cutOnceAfter(long bytes) {
    up.set(0);
    cutAfter = bytes;
    return this;
  }

  /** Bytes passed to clients so far, over every connection. */
  public long downstream() {
    return down.get();
  }

  /** Whether the connection {@link #cutOnceAfter} asked for was dropped. */
  public boolean cut() {
    return cutDone;
  }

  /** Passes bytes again after {@link #holdAfter}. */
  public void release() {
    holdAfter = -1;
  }

  /** The most connections that were open at once. */
  public int mostAtOnce() {
    return most.get();
  }

  /** Connections accepted in all. */
  public int total() {
    return total.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      total.incrementAndGet();
      most.accumulateAndGet(open.incrementAndGet(), Math::max);
      Thread t =
          new Thread(
              () -> {
                try (client;
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                  Thread back =
                      pump(server.getInputStream(), client.getOutputStream(), client, true);
                  pump(client.getInputStream(), server.getOutputStream(), server, false).join();
                  back.join();
                } catch (IOException | InterruptedException e) {
                  // The connection ends: counted below.
                } finally {
                  open.decrementAndGet();
                }
              },
              "counting-relay-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Copies until the end of {@code in}, then half-closes (or closes) the other side. */
  private Thread pump(InputStream in, OutputStream out, Socket closeAfter, boolean downstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[1 << 16];
              try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  int off = 0;
                  while (off < n) {
                    int allowed = n - off;
                    long limit = holdAfter;
                    if (downstream && limit >= 0) {
                      allowed = (int) Math.min(allowed, Math.max(0, limit - down.get()));
                      if (allowed == 0) {
                        if (listener.isClosed()) {
                          return;
                        }
                        Thread.sleep(20);
                        continue;
                      }
                    }
                    long cut = cutAfter;
                    if (!downstream && cut >= 0 && up.get() + allowed >= cut) {
                      cutAfter = -1;
                      cutDone = true;
                      out.write(buf, off, (int) Math.max(0, cut - up.get()));
                      out.flush();
                      closeAfter.close();
                      return;
                    }
                    out.write(buf, off, allowed);
                    out.flush();
                    if (downstream) {
                      down.addAndGet(allowed);
                    } else {
                      up.addAndGet(allowed);
                    }
                    off += allowed;
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException e) {
                // Either side went away.
              }
              try {
                closeAfter.close();
              } catch (IOException ignored) {
                // Closing is all that is left.
              }
            },
            "counting-relay-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Nothing to release.
    }
  }
}
