package io.gpux.transfer;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 GET of a file body over a blocking socket, fed to the same {@link
 * HttpResponse.BodySubscriber} the JDK client would get. For large bodies only: the JDK client
 * hands a body over through its selector thread and flow-controlled buffer lists, which cost more
 * CPU than the transfer itself on a loopback or LAN pull (600 MB hashed and written: 1.4 s through
 * the JDK client, 0.9 s read straight from the socket, as curl does). Small files and API calls
 * stay on the JDK client and its pooled connections.
 *
 * <p>One request per connection ({@code Connection: close}); bodies by {@code Content-Length},
 * chunked, or to the end of the stream; TLS through the JDK client's own {@link SSLContext}, with
 * host name verification.
 */
final class SocketFetch {
  private static final int BUFFER = 1 << 20;
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private SocketFetch() {}

  /** A response whose body went to a subscriber: its status, headers and what the body gave. */
  record Fetched<T>(int statusCode, HttpHeaders headers, T body) {}

  static <T> Fetched<T> get(
      HttpCall call,
      Map<String, String> extraHeaders,
      Proxies.Via proxy,
      HttpClient client,
      int readTimeoutMillis,
      HttpResponse.BodyHandler<T> handler)
      throws IOException {
    URI uri = call.uri();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    try (Socket socket = connect(uri.getHost(), port, tls, proxy, client, readTimeoutMillis)) {
      OutputStream out = socket.getOutputStream();
      // A plain-HTTP request through a proxy names the whole URL and carries the proxy's
      // credentials; through a tunnel (HTTPS) the proxy saw only the CONNECT.
      Proxies.Via plainProxy = tls ? null : proxy;
      out.write(
          request(call, extraHeaders, port, tls, plainProxy).getBytes(StandardCharsets.ISO_8859_1));
      if (call.body() != null) {
        out.write(call.body()); // an RPC-style download (Kaggle's POST), redirected to the bytes
      }
      out.flush();
      HeadReader in = new HeadReader(socket.getInputStream());
      int status = statusLine(readLine(in));
      HttpHeaders headers = headers(in);
      HttpResponse.BodySubscriber<T> subscriber = handler.apply(info(status, headers));
      Flowing flow = new Flowing(socket);
      subscriber.onSubscribe(flow);
      try {
        if (!flow.cancelled.get()) {
          body(in, socket.getChannel(), headers, subscriber, flow);
        }
        subscriber.onComplete();
      } catch (IOException e) {
        subscriber.onError(e);
      }
      try {
        return new Fetched<>(status, headers, subscriber.getBody().toCompletableFuture().get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  private static Socket connect(
      String host,
      int port,
      boolean tls,
      Proxies.Via proxy,
      HttpClient client,
      int readTimeoutMillis)
      throws IOException {
    // Plain HTTP through a channel, so a body can be read straight into direct memory.
    Socket plain = tls ? new Socket() : java.nio.channels.SocketChannel.open().socket();
    try {
      plain.setTcpNoDelay(true);
      plain.setReceiveBufferSize(4 << 20);
      int connectTimeout =
          (int)
              client.connectTimeout().map(java.time.Duration::toMillis).orElse(15_000L).longValue();
      InetSocketAddress target =
          proxy == null
              ? new InetSocketAddress(host, port)
              : new InetSocketAddress(proxy.host(), proxy.port());
      if (target.isUnresolved()) {
        throw new java.net.UnknownHostException(target.getHostString());
      }
      plain.connect(target, connectTimeout);
      plain.setSoTimeout(readTimeoutMillis);
      if (!tls) {
        return plain;
      }
      if (proxy != null) {
        tunnel(plain, host, port, proxy);
      }
      SSLSocket ssl =
          (SSLSocket) client.sslContext().getSocketFactory().createSocket(plain, host, port, true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      ssl.startHandshake();
      return ssl;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * Asks the proxy for a tunnel to {@code host:port} ({@code CONNECT}, with the proxy's own
   * credentials and nothing else), so TLS and the request's credentials go to the origin only.
   */
  private static void tunnel(Socket socket, String host, int port, Proxies.Via proxy)
      throws IOException {
    StringBuilder sb = new StringBuilder("CONNECT ").append(host).append(':').append(port);
    sb.append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
    if (proxy.authorization() != null) {
      header(sb, "Proxy-Authorization", proxy.authorization());
    }
    OutputStream out = socket.getOutputStream();
    out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    // Byte by byte: what follows the proxy's answer is the server's TLS, not to be buffered here.
    InputStream in = socket.getInputStream();
    String statusLine = readLine(in);
    int status = statusLine(statusLine);
    long length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    if (status / 100 != 2) {
      throw new HttpTransport.ProxyRefusal(status, statusLine);
    }
    in.skipNBytes(length);
  }

  private static String request(
      HttpCall call, Map<String, String> extra, int port, boolean tls, Proxies.Via proxy) {
    URI uri = call.uri();
    String target =
        (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    if (proxy != null) {
      target = "http://" + uri.getHost() + ":" + port + target; // the absolute form, for a proxy
    }
    boolean defaultPort = port == (tls ? 443 : 80);
    StringBuilder sb = new StringBuilder(call.method()).append(' ').append(target);
    sb.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
    if (!defaultPort) {
      sb.append(':').append(port);
    }
    sb.append("\r\nConnection: close\r\nAccept-Encoding: identity\r\n");
    if (call.body() != null) {
      sb.append("Content-Length: ").append(call.body().length).append("\r\n");
    }
    extra.forEach((k, v) -> header(sb, k, v));
    call.headers().forEach((k, v) -> header(sb, k, v));
    call.credentialHeaders().forEach((k, v) -> header(sb, k, v));
    if (proxy != null && proxy.authorization() != null) {
      header(sb, "Proxy-Authorization", proxy.authorization());
    }
    return sb.append("\r\n").toString();
  }

  private static void header(StringBuilder sb, String name, String value) {
    if (name.indexOf('\r') >= 0
        || name.indexOf('\n') >= 0
        || value.indexOf('\r') >= 0
        || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("line break in HTTP header " + name);
    }
    sb.append(name).append(": ").append(value).append("\r\n");
  }

  private static int statusLine(String line) throws IOException {
    // "HTTP/1.1 206 Partial Content"
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + line);
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line: " + line, e);
    }
  }

  private static HttpHeaders headers(InputStream in) throws IOException {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int total = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      total += line.length();
      if (total > MAX_HEADER_BYTES) {
        throw new IOException("HTTP response headers over " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        map.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed in the HTTP response head");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
      if (sb.length() > MAX_HEADER_BYTES) {
        throw new IOException("HTTP response line over " + MAX_HEADER_BYTES + " bytes");
      }
    }
    return sb.toString();
  }

  private static <T> void body(
      HeadReader in,
      java.nio.channels.SocketChannel channel,
      HttpHeaders headers,
      HttpResponse.BodySubscriber<T> s,
      Flowing flow)
      throws IOException {
    String encoding = headers.firstValue("transfer-encoding").orElse("").toLowerCase(Locale.ROOT);
    long declared = headers.firstValueAsLong("content-length").orElse(-1);
    if (channel != null && !encoding.contains("chunked") && declared >= 0) {
      copyDirect(in, channel, declared, s, flow);
      return;
    }
    byte[] buffer = new byte[BUFFER];
    if (encoding.contains("chunked")) {
      for (long size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
        copy(in, size, buffer, s, flow, true);
        readLine(in); // the CRLF after the chunk
      }
      return;
    }
    copy(in, declared, buffer, s, flow, declared >= 0);
  }

  private static long chunkSize(String line) throws IOException {
    int semi = line.indexOf(';');
    try {
      return Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size: " + line, e);
    }
  }

  /** A direct buffer per download thread, reused from body to body. */
  private static final ThreadLocal<ByteBuffer> DIRECT =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

  /**
   * Copies a plain-HTTP body of {@code length} bytes from the socket channel into direct memory and
   * hands that to the subscriber, which writes it to its file channel and hashes it from there: two
   * copies fewer a byte than through the socket's stream and a heap array (the JDK copies a heap
   * buffer into direct memory for every channel write). The bytes the head reader had already taken
   * come first. A stall is cut by the watchdog closing the socket.
   */
  private static <T> void copyDirect(
      HeadReader in,
      java.nio.channels.SocketChannel channel,
      long length,
      HttpResponse.BodySubscriber<T> s,
      Flowing flow)
      throws IOException {
    long left = length;
    int ahead = (int) Math.min(in.buffered(), left);
    if (ahead > 0) {
      byte[] first = in.readNBytes(ahead);
      left -= first.length;
      s.onNext(List.of(ByteBuffer.wrap(first)));
    }
    ByteBuffer direct = DIRECT.get();
    while (left > 0 && !flow.cancelled.get()) {
      direct.clear().limit((int) Math.min(direct.capacity(), left));
      int n = channel.read(direct);
      if (n < 0) {
        throw new EOFException("the body ended " + left + " bytes early");
      }
      left -= n;
      direct.flip();
      s.onNext(List.of(direct));
    }
  }

  /** A buffered reader of the response head that can say how much of the body it took. */
  private static final class HeadReader extends BufferedInputStream {
    HeadReader(InputStream in) {
      super(in, 64 * 1024);
    }

    int buffered() {
      return count - pos;
    }
  }

  /** Copies {@code length} bytes (or to the end when not exact) to the subscriber. */
  private static <T> void copy(
      InputStream in,
      long length,
      byte[] buffer,
      HttpResponse.BodySubscriber<T> s,
      Flowing flow,
      boolean exact)
      throws IOException {
    long left = exact ? length : Long.MAX_VALUE;
    while (left > 0 && !flow.cancelled.get()) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        if (exact) {
          throw new EOFException("the body ended " + left + " bytes early");
        }
        return;
      }
      left -= n;
      s.onNext(List.of(ByteBuffer.wrap(buffer, 0, n)));
    }
  }

  private static HttpResponse.ResponseInfo info(int status, HttpHeaders headers) {
    return new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return headers;
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  /**
   * The subscription the subscriber sees. Reads are driven by this class's loop; cancelling (the
   * stall watchdog, a subscriber that wants no body) closes the socket so a blocked read returns.
   */
  private static final class Flowing implements Flow.Subscription {
    final AtomicBoolean cancelled = new AtomicBoolean();
    private final Socket socket;

    Flowing(Socket socket) {
      this.socket = socket;
    }

    @Override
    public void request(long n) {
      // Demand is implicit: the subscribers used here consume each buffer before returning.
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing is how a blocked read is woken; nothing else to do.
        }
      }
    }
  }
}
