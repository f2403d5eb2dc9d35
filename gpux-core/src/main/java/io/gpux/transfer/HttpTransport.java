package io.gpux.transfer;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP for registry clients: redirects are followed by hand (so credentials never reach another
 * host), idempotent calls are retried on connection errors, 408, 429 and 5xx with the {@link
 * RetryPolicy}, and in offline mode no socket is ever opened.
 */
public final class HttpTransport {
  private static final int MAX_REDIRECTS = 10;

  static {
    // The JDK client reads responses in 16 KB buffers by default; with 256 KB, a loopback pull of
    // 1 GB took 4.2 s instead of 6.6 s (half the system time). Read once, when the client loads.
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
    }
  }

  private final HttpClient client;
  private final RetryPolicy retry;
  private final RateLimits rateLimits;
  private final Sleeper sleeper;
  private final boolean offline;

  public HttpTransport(HttpClient client, RetryPolicy retry, Sleeper sleeper, boolean offline) {
    this.client = client;
    this.retry = retry;
    this.sleeper = sleeper;
    this.offline = offline;
    this.rateLimits = new RateLimits(retry.maxServerDelay().toMillis());
  }

  public static HttpTransport create(boolean offline) {
    return create(offline, null);
  }

  /** With an SSL context (see {@link TlsTrust}), or the JVM's default when {@code ssl} is null. */
  public static HttpTransport create(boolean offline, javax.net.ssl.SSLContext ssl) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(15))
            .version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      builder.sslContext(ssl);
    } else {
      // Empty parameters: the engine's defaults. Without them the client asks the context for its
      // defaults at once, which would create the default context after all.
      builder
          .sslContext(LazySslContext.ofDefault())
          .sslParameters(new javax.net.ssl.SSLParameters());
    }
    HttpClient client = builder.build();
    return new HttpTransport(client, RetryPolicy.defaults(), Sleeper.REAL, offline);
  }

  /**
   * Ends the JDK client's selector thread. JDK 17's client has no {@code close()}: the thread stays
   * blocked in native code, and a JVM that exits waits up to 300 ms for threads in native code
   * first, so every command that had made a request took 0.3 s longer to end. The selector loop
   * stops when its thread is interrupted. The thread is found by the name the client gives it,
   * {@code HttpClient-<id>-SelectorManager}, with the id from the client's {@code toString()}
   * (which the JDK's own tests use the same way). Requests after this fail.
   */
  public void close() {
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("\\((\\d+)\\)$").matcher(client.toString());
    if (!id.find()) {
      return; // another JDK's client: nothing known to stop
    }
    String name = "HttpClient-" + id.group(1) + "-SelectorManager";
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      if (threads[i].getName().equals(name)) {
        threads[i].interrupt();
      }
    }
  }

  /** The JDK client behind this transport (its TLS set-up is the one every request uses). */
  HttpClient client() {
    return client;
  }

  public boolean offline() {
    return offline;
  }

  public RetryPolicy retryPolicy() {
    return retry;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  /** {@link #send} with {@code content} as the request body (a JSON POST, an upload PUT). */
  public <T> HttpResponse<T> send(HttpCall call, byte[] content, HttpResponse.BodyHandler<T> body) {
    return send(
        content == null
            ? call
            : new HttpCall(
                call.method(),
                call.uri(),
                call.headers(),
                call.credentials(),
                call.timeout(),
                content),
        body);
  }

  /** Sends with retries; returns the final response, whatever its status. */
  public <T> HttpResponse<T> send(HttpCall call, HttpResponse.BodyHandler<T> body) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<T> response;
      try {
        response = sendOnce(call, body);
      } catch (IOException e) {
        if (attempt >= retry.maxAttempts() || e instanceof javax.net.ssl.SSLHandshakeException) {
          // A certificate the client does not trust stays untrusted: retrying only delays.
          throw unreachable(call, e);
        }
        pause(retry.delayMillis(attempt, null));
        continue;
      }
      if (RetryPolicy.isRetryable(response.statusCode()) && attempt < retry.maxAttempts()) {
        discard(response);
        // One wait before the next attempt: the backoff or the server's reset, whichever is later.
        rateLimits.defer(call.uri().getAuthority(), retry.delayMillis(attempt, response.headers()));
        continue;
      }
      return response;
    }
  }

  /** One attempt, following redirects; connection problems surface as IOException. */
  public <T> HttpResponse<T> sendOnce(HttpCall call, HttpResponse.BodyHandler<T> body)
      throws IOException {
    if (offline) {
      throw GpuxException.unavailable(
          "GPUX_OFFLINE=1 is set, so " + call.uri().getHost() + " was not contacted",
          "unset GPUX_OFFLINE to reach the registry, or use a model already in the store (gpux list)");
    }
    HttpCall current = call;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<T> response;
      String host = current.uri().getAuthority();
      try {
        awaitQuota(host);
        response = client.send(request(current), body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GpuxException(
            ErrorCategory.INTERNAL, "interrupted while calling " + current.uri(), null, e);
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "invalid URL " + current.uri() + ": " + e.getMessage(), null);
      }
      rateLimits.note(host, response.headers());
      int status = response.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = response.headers().firstValue("location").orElse(null);
        if (location != null) {
          discard(response);
          current = current.redirectedTo(current.uri().resolve(URI.create(location)));
          continue;
        }
      }
      return response;
    }
    throw GpuxException.unavailable(
        "too many redirects from " + call.uri(), "the server redirects in a loop");
  }

  /**
   * One attempt at a file body, following redirects like {@link #sendOnce}. A large body is read
   * straight from a socket ({@link SocketFetch}), a small one through the JDK client; either way
   * the handler's subscriber gets the bytes.
   */
  <T> SocketFetch.Fetched<T> fetchBody(
      HttpCall call, HttpResponse.BodyHandler<T> handler, boolean large, int readTimeoutMillis)
      throws IOException {
    if (!large) {
      HttpResponse<T> r = sendOnce(call, handler);
      return new SocketFetch.Fetched<>(r.statusCode(), r.headers(), r.body());
    }
    if (offline) {
      sendOnce(call, handler); // says why, the same way
    }
    HttpCall current = call;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      SocketFetch.Fetched<T> response;
      String host = current.uri().getAuthority();
      awaitQuota(host);
      try {
        response =
            SocketFetch.get(
                current,
                Map.of("User-Agent", "gpux/" + io.gpux.Gpux.version()),
                client,
                readTimeoutMillis,
                handler);
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "invalid request to " + current.uri() + ": " + e.getMessage(), null);
      }
      rateLimits.note(host, response.headers());
      int status = response.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = response.headers().firstValue("location").orElse(null);
        if (location != null) {
          current = current.redirectedTo(current.uri().resolve(URI.create(location)));
          continue;
        }
      }
      return response;
    }
    throw GpuxException.unavailable(
        "too many redirects from " + call.uri(), "the server redirects in a loop");
  }

  private static HttpRequest request(HttpCall call) {
    HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(call.timeout());
    b.method(
        call.method(),
        call.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(call.body()));
    b.header("User-Agent", "gpux/" + io.gpux.Gpux.version());
    for (Map.Entry<String, String> h : call.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    for (Map.Entry<String, String> h : call.credentials().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    return b.build();
  }

  /** Waits while {@code host} has said its request quota is spent (see {@link RateLimits}). */
  private void awaitQuota(String host) {
    long wait = rateLimits.waitFor(host);
    if (wait > 0) {
      pause(wait);
    }
  }

  void pause(long millis) {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          ErrorCategory.INTERNAL, "interrupted while waiting to retry", null, e);
    }
  }

  static void discard(HttpResponse<?> response) {
    if (response.body() instanceof java.io.InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // Nothing to do about a body we are throwing away.
      }
    }
  }

  static GpuxException unreachable(HttpCall call, IOException e) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot reach "
            + call.uri().getScheme()
            + "://"
            + call.uri().getAuthority()
            + ": "
            + describe(e),
        "check the network and the registry URL (e.g. HF_ENDPOINT); GPUX retried " + "with backoff",
        e);
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }
}
