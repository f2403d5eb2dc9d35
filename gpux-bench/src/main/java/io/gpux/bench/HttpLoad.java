package io.gpux.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP/1.1 load of bench/monitor.sh: CONCURRENCY clients on kept-alive connections
 * (the JDK's client), each POSTing BODY and waiting for the answer, for WARM_S then SECONDS; prints
 * the answered requests per second of the timed part and the non-200 count. (ApacheBench speaks
 * HTTP/1.0 keep-alive, which gpux serve does not keep; without it ab measures connection set-up.)
 *
 * <pre>HttpLoad URL BODY.json CONCURRENCY WARM_S SECONDS</pre>
 */
public final class HttpLoad {
  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    String body = Files.readString(Path.of(args[1]));
    int concurrency = Integer.parseInt(args[2]);
    double warm = Double.parseDouble(args[3]);
    double seconds = Double.parseDouble(args[4]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicLong ok = new AtomicLong();
    AtomicLong bad = new AtomicLong();
    long start = System.nanoTime();
    long timedFrom = start + (long) (warm * 1e9);
    long end = timedFrom + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Thread t =
          new Thread(
              () -> {
                HttpRequest req =
                    HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                while (true) {
                  long now = System.nanoTime();
                  if (now >= end) {
                    return;
                  }
                  try {
                    int status =
                        client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (System.nanoTime() > timedFrom && System.nanoTime() < end) {
                      (status == 200 ? ok : bad).incrementAndGet();
                    }
                  } catch (Exception e) {
                    bad.incrementAndGet();
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf(Locale.ROOT, "%.1f %d%n", ok.get() / seconds, bad.get());
  }
}
