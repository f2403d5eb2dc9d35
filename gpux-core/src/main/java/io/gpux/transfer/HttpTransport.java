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
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP for registry clients: redirects are followed by hand (so credentials never reach another
 * host), idempotent calls are retried on connection errors, 408, 429 and 5xx with the {@link
 * RetryPolicy} (one {@link RetryLoop} for API calls and downloads alike), requests go through the
 * configured {@link Proxies}, and in offline mode no socket is ever opened. A host that cannot be
 * resolved, a refused connection and a TLS handshake failure are named at once, without retries:
 * waiting does not fix them.
 */
public final class HttpTransport {
  private static final int MAX_REDIRECTS = 10;

  static {
    // The JDK client reads responses in 16 KB buffers by default; with 256 KB, a loopback pull of
    // 1 GB took 4.2 s instead of 6.6 s (half the system time). Read once, when the client loads.
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
    }
    // The JDK client drops a Basic Proxy-Authorization from CONNECT requests unless this is
    // cleared (its default, "Basic", guards against sending a password in the clear by surprise).
    // Here the password comes from the proxy URL the user set for this very purpose, as with curl;
    // it goes to the proxy alone (the client strips Proxy-* headers from what it tunnels).
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
  }

  private final HttpClient client;
  private final RetryPolicy retry;
  private final RateLimits rateLimits;
  private final Sleeper sleeper;
  private final boolean offline;
  private final String userAgent;
  private final Proxies proxies;
  private final Map<String, String> endpointVariables = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.Semaphore> hosts = new ConcurrentHashMap<>();

  /**
   * Requests to one host at once, for the whole process (registries rate-limit per client): 100
   * pulls in parallel share these, they do not get this many each.
   */
  public static final int PER_HOST_CONNECTIONS = 8;

  public HttpTransport(HttpClient client, RetryPolicy retry, Sleeper sleeper, boolean offline) {
    this(client, retry, sleeper, offline, "gpux", Proxies.NONE);
  }

  /**
   * @param userAgent the {@code User-Agent} of every request ({@code gpux/<version>})
   * @param proxies where requests go through; the client must have been built with {@link
   *     #clientFor}'s selector for the same proxies
   */
  public HttpTransport(
      HttpClient client,
      RetryPolicy retry,
      Sleeper sleeper,
      boolean offline,
      String userAgent,
      Proxies proxies) {
    this.client = client;
    this.retry = retry;
    this.sleeper = sleeper;
    this.offline = offline;
    this.userAgent = userAgent;
    this.proxies = proxies;
    this.rateLimits = new RateLimits(retry.maxServerDelay().toMillis());
  }

  public static HttpTransport create(boolean offline) {
    return create(offline, null);
  }

  /** With an SSL context (see {@link TlsTrust}), or the JVM's default when {@code ssl} is null. */
  public static HttpTransport create(boolean offline, javax.net.ssl.SSLContext ssl) {
    return create(offline, ssl, "gpux", Proxies.NONE);
  }

  /** The transport a process uses: its TLS trust, User-Agent and proxies. */
  public static HttpTransport create(
      boolean offline, javax.net.ssl.SSLContext ssl, String userAgent, Proxies proxies) {
    return new HttpTransport(
        clientFor(ssl, proxies), RetryPolicy.defaults(), Sleeper.REAL, offline, userAgent, proxies);
  }

  /** A JDK client set up as this transport needs it. */
  public static HttpClient clientFor(javax.net.ssl.SSLContext ssl, Proxies proxies) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(15))
            .version(HttpClient.Version.HTTP_1_1);
    if (proxies.any()) {
      builder.proxy(proxies.selector());
    }
    if (ssl != null) {
      builder.sslContext(ssl);
    } else {
      // Empty parameters: the engine's defaults. Without them the client asks the context for its
      // defaults at once, which would create the default context after all.
      builder
          .sslContext(LazySslContext.ofDefault())
          .sslParameters(new javax.net.ssl.SSLParameters());
    }
    return builder.build();
  }

  /** Runs a request to {@code host} within the host's limit of connections at once. */
  private <T> T limited(String host, IoCall<T> call) throws IOException {
    java.util.concurrent.Semaphore permits =
        hosts.computeIfAbsent(
            host, h -> new java.util.concurrent.Semaphore(PER_HOST_CONNECTIONS, true));
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          ErrorCategory.INTERNAL, "interrupted while waiting for " + host, null, e);
    }
    try {
      return call.run();
    } finally {
      permits.release();
    }
  }

  @FunctionalInterface
  private interface IoCall<T> {
    T run() throws IOException;
  }

  /**
   * Names the variable that set a registry's URL, so that an error reaching that host says what to
   * check ({@code HF_ENDPOINT}, {@code MLFLOW_TRACKING_URI}, ...).
   */
  public void nameEndpoint(URI endpoint, String variable) {
    if (endpoint.getRawAuthority() != null) {
      endpointVariables.put(authority(endpoint), variable);
    }
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
                content,
                call.renewal()),
        body);
  }

  /** Sends with retries; returns the final response, whatever its status. */
  @SuppressWarnings("unchecked")
  public <T> HttpResponse<T> send(HttpCall call, HttpResponse.BodyHandler<T> body) {
    // The last retryable answer: returned as it is when the attempts run out.
    HttpResponse<?>[] last = {null};
    return RetryLoop.run(
        this,
        authority(call.uri()),
        attempt -> {
          HttpResponse<T> response;
          try {
            response = sendOnce(call, body);
          } catch (IOException e) {
            GpuxException permanent = permanentFailure(call, e);
            if (permanent != null) {
              throw permanent;
            }
            throw new RetryLoop.Again(describe(e), null, 0, e);
          }
          if (last[0] != null) {
            discard(last[0]);
            last[0] = null;
          }
          if (RetryPolicy.isRetryable(response.statusCode())) {
            last[0] = response;
            throw new RetryLoop.Again("HTTP " + response.statusCode(), response.headers(), 0);
          }
          return response;
        },
        (attempt, why, delay) -> {},
        (attempts, again) -> {
          if (last[0] != null) {
            return (HttpResponse<T>) last[0]; // the caller maps the status to its own message
          }
          throw unreachable(call, again.getMessage(), attempts, again.getCause());
        });
  }

  /** One attempt, following redirects; connection problems surface as IOException. */
  public <T> HttpResponse<T> sendOnce(HttpCall call, HttpResponse.BodyHandler<T> body)
      throws IOException {
    refuseOffline(call);
    HttpCall current = call;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<T> response;
      String host = authority(current.uri());
      try {
        awaitQuota(host);
        HttpRequest request = request(current);
        response =
            limited(
                host,
                () -> {
                  try {
                    return client.send(request, body);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GpuxException(
                        ErrorCategory.INTERNAL,
                        "interrupted while calling " + request.uri(),
                        null,
                        e);
                  }
                });
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "invalid URL " + current.uri() + ": " + e.getMessage(), null);
      }
      rateLimits.note(host, response.headers());
      refusedByProxy(current, response.statusCode());
      URI next = redirect(current, response.statusCode(), response.headers());
      if (next != null) {
        discard(response);
        current = current.redirectedTo(next, response.statusCode());
        continue;
      }
      return response;
    }
    throw GpuxException.unavailable(
        "too many redirects from " + call.uri(), "the server redirects in a loop");
  }

  private static URI redirect(HttpCall call, int status, java.net.http.HttpHeaders headers) {
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
      String location = headers.firstValue("location").orElse(null);
      if (location != null) {
        try {
          return call.uri().resolve(URI.create(location));
        } catch (IllegalArgumentException e) {
          throw GpuxException.unavailable(
              "the server at "
                  + authority(call.uri())
                  + " redirected to a malformed URL ("
                  + printable(location)
                  + ")",
              "retry later, or report it to the registry's operator");
        }
      }
    }
    return null;
  }

  /** A 407 comes from the proxy, not the registry: says so, and that its credentials are wrong. */
  private void refusedByProxy(HttpCall call, int status) {
    Proxies.Via via = proxies.forUri(call.uri());
    if (status == 407 && via != null) {
      throw proxyAuthFailed(via, call.uri());
    }
  }

  private static GpuxException proxyAuthFailed(Proxies.Via via, URI uri) {
    return GpuxException.invalidInput(
        "the proxy "
            + via
            + " refused "
            + (via.authorization() == null ? "to work without credentials" : "the credentials")
            + " (HTTP 407) for "
            + authority(uri),
        "put the proxy's user and password in its URL: https_proxy (or http_proxy)"
            + "=http://user:password@host:port");
  }

  private void refuseOffline(HttpCall call) {
    if (offline) {
      throw GpuxException.unavailable(
          "GPUX_OFFLINE=1 is set, so " + call.uri().getHost() + " was not contacted",
          "unset GPUX_OFFLINE to reach the registry, or use a model already in the store (gpux list)");
    }
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
    refuseOffline(call);
    HttpCall current = call;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      SocketFetch.Fetched<T> response;
      String host = authority(current.uri());
      awaitQuota(host);
      HttpCall target = current;
      try {
        response =
            limited(
                host,
                () ->
                    SocketFetch.get(
                        target,
                        Map.of("User-Agent", userAgent),
                        proxies.forUri(target.uri()),
                        client,
                        readTimeoutMillis,
                        handler));
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "invalid request to " + current.uri() + ": " + e.getMessage(), null);
      }
      rateLimits.note(host, response.headers());
      refusedByProxy(current, response.statusCode());
      URI next = redirect(current, response.statusCode(), response.headers());
      if (next != null) {
        current = current.redirectedTo(next, response.statusCode());
        continue;
      }
      return response;
    }
    throw GpuxException.unavailable(
        "too many redirects from " + call.uri(), "the server redirects in a loop");
  }

  private HttpRequest request(HttpCall call) {
    HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(call.timeout());
    b.method(
        call.method(),
        call.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(call.body()));
    b.header("User-Agent", userAgent);
    for (Map.Entry<String, String> h : call.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    for (Map.Entry<String, String> h : call.credentialHeaders().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    Proxies.Via via = proxies.forUri(call.uri());
    if (via != null && via.authorization() != null) {
      // The client sends Proxy-* headers on CONNECT (or to a plain-HTTP proxy) and strips them
      // from what goes through the tunnel, so the origin never sees the proxy's password.
      b.header("Proxy-Authorization", via.authorization());
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

  /**
   * The wait before a retry: this thread sleeps it, and when the server asked for it ({@code
   * hostWide}) the other requests to that host wait for it as well.
   */
  void waitToRetry(String host, long millis, boolean hostWide) {
    if (hostWide) {
      rateLimits.defer(host, millis);
    }
    long until = System.nanoTime() + millis * 1_000_000;
    pause(millis);
    rateLimits.waited(host, until);
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

  /** {@code host:port}, the port always given, without user info. */
  static String authority(URI uri) {
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost() == null ? String.valueOf(uri.getRawAuthority()) : uri.getHost();
    return host + ":" + port;
  }

  private String hint(URI uri) {
    String variable = endpointVariables.get(authority(uri));
    return variable == null
        ? "check the network and the registry URL"
        : "check " + variable + " (the registry's URL) and the network";
  }

  /**
   * The error for a failure that waiting cannot fix (the host does not resolve, nothing listens on
   * the port, the TLS handshake failed), or null for one worth retrying.
   */
  GpuxException permanentFailure(HttpCall call, IOException e) {
    URI uri = call.uri();
    Proxies.Via via = proxies.forUri(uri);
    String where = authority(uri);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return new GpuxException(
            ErrorCategory.UNAVAILABLE,
            via != null
                ? "cannot resolve the proxy's host " + via.host() + " (for " + where + ")"
                : "cannot resolve host " + uri.getHost(),
            via != null ? "check the proxy variables (HTTPS_PROXY, HTTP_PROXY)" : hint(uri),
            e);
      }
      if (t instanceof java.net.ConnectException && refused(t, uri, via)) {
        return new GpuxException(
            ErrorCategory.UNAVAILABLE,
            via != null
                ? "connection refused by the proxy " + via + " (for " + where + ")"
                : "connection refused by " + where,
            via != null
                ? "check the proxy variables (HTTPS_PROXY, HTTP_PROXY) and that the proxy runs"
                : hint(uri) + "; is the server running?",
            e);
      }
      if (t instanceof javax.net.ssl.SSLHandshakeException) {
        // A certificate the client does not trust stays untrusted: retrying only delays.
        return unreachable(call, describe(e), 1, e);
      }
      if (t instanceof ProxyRefusal refusal && refusal.status == 407) {
        return proxyAuthFailed(via, uri);
      }
      if (t instanceof ProxyRefusal refusal) {
        return new GpuxException(
            ErrorCategory.UNAVAILABLE,
            "the proxy " + via + " refused to connect to " + where + ": " + refusal.getMessage(),
            refusal.status == 407
                ? "check the user and password in the proxy URL (HTTPS_PROXY, HTTP_PROXY)"
                : "check the proxy, or add " + uri.getHost() + " to NO_PROXY",
            e);
      }
    }
    return null;
  }

  /**
   * Whether a failed connection was refused. The socket path says so in its message; the JDK client
   * (17) throws a bare {@code ConnectException} for every cause, so the address is probed once with
   * a plain socket, which tells.
   */
  private boolean refused(Throwable t, URI uri, Proxies.Via via) {
    if (String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")) {
      return true;
    }
    if (t.getMessage() != null) {
      return false;
    }
    String host = via != null ? via.host() : uri.getHost();
    int port = via != null ? via.port() : Integer.parseInt(authority(uri).replaceAll(".*:", ""));
    try (java.net.Socket probe = new java.net.Socket()) {
      probe.connect(new java.net.InetSocketAddress(host, port), 5_000);
      return false; // it answers now: worth a retry
    } catch (java.net.ConnectException e) {
      return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A proxy that answered {@code CONNECT} with an error status (see {@link SocketFetch}). */
  static final class ProxyRefusal extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    ProxyRefusal(int status, String line) {
      super(line);
      this.status = status;
    }
  }

  GpuxException unreachable(HttpCall call, String why, int attempts, Throwable cause) {
    Proxies.Via via = proxies.forUri(call.uri());
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot reach "
            + call.uri().getScheme()
            + "://"
            + authority(call.uri())
            + (via == null ? "" : " through the proxy " + via)
            + ": "
            + why
            + (attempts > 1 ? " (" + attempts + " attempts)" : ""),
        hint(call.uri()),
        cause);
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    if (m == null && e.getCause() != null && e.getCause().getMessage() != null) {
      m = e.getCause().getMessage();
    }
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + printable(m) + ")");
  }

  /** The text with control characters escaped, so a message cannot forge terminal output. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
