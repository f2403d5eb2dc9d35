package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket path on its own: chunked bodies, and TLS with the client's trust and host check. */
class SocketFetchTest {
  private static final byte[] BODY = random(3_000_000);
  @TempDir Path dir;
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** The request headers the server got, for the proxy tests. */
  private static final List<com.sun.net.httpserver.Headers> ORIGIN_HEADERS =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private static void serve(HttpExchange x) throws IOException {
    ORIGIN_HEADERS.add(x.getRequestHeaders());
    // Length 0: the JDK server sends the body chunked.
    x.sendResponseHeaders(200, 0);
    try (OutputStream out = x.getResponseBody()) {
      for (int i = 0; i < BODY.length; i += 100_000) {
        out.write(BODY, i, Math.min(100_000, BODY.length - i));
        out.flush();
      }
    }
  }

  private static byte[] fetch(URI uri, HttpClient client) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    SocketFetch.Fetched<Long> f =
        SocketFetch.get(
            HttpCall.get(uri), java.util.Map.of(), null, client, 10_000, info -> collect(got));
    assertEquals(200, f.statusCode());
    assertEquals(BODY.length, f.body().longValue());
    return got.toByteArray();
  }

  @Test
  void readsAChunkedBody() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", SocketFetchTest::serve);
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/file");
    assertArrayEquals(BODY, fetch(uri, HttpClient.newHttpClient()));
  }

  /** A self-signed certificate for localhost (key store and PEM) and an HTTPS server with it. */
  private KeyStore certificate;

  private int startHttps() throws Exception {
    return startHttps(null);
  }

  /**
   * With {@code clientTrust}, the server demands a client certificate these trust managers accept.
   */
  private int startHttps(javax.net.ssl.TrustManager[] clientTrust) throws Exception {
    Path keystore = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    exec(
        keytool,
        "-genkeypair",
        "-alias",
        "s",
        "-keyalg",
        "EC",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "secret1",
        "-keypass",
        "secret1");
    exec(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "s",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "secret1",
        "-file",
        dir.resolve("server.pem").toString());
    certificate = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      certificate.load(in, "secret1".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(certificate, "secret1".toCharArray());
    SSLContext serverSide = SSLContext.getInstance("TLS");
    serverSide.init(kmf.getKeyManagers(), clientTrust, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(
        new HttpsConfigurator(serverSide) {
          @Override
          public void configure(com.sun.net.httpserver.HttpsParameters params) {
            javax.net.ssl.SSLParameters p = serverSide.getDefaultSSLParameters();
            p.setNeedClientAuth(clientTrust != null);
            params.setSSLParameters(p);
          }
        });
    https.createContext("/", SocketFetchTest::serve);
    https.start();
    server = https;
    return https.getAddress().getPort();
  }

  /** A context trusting the test server's self-signed certificate (after {@link #startHttps}). */
  private SSLContext trustingTheServer() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(certificate);
      SSLContext trusting = SSLContext.getInstance("TLS");
      trusting.init(null, tmf.getTrustManagers(), null);
      return trusting;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void speaksTlsWithTheClientsTrustAndChecksTheHostName() throws Exception {
    int port = startHttps();
    HttpClient client = HttpClient.newBuilder().sslContext(trustingTheServer()).build();

    assertArrayEquals(BODY, fetch(URI.create("https://localhost:" + port + "/f"), client));
    // The certificate names localhost, not 127.0.0.1: refused, as the JDK client refuses it.
    assertThrows(
        IOException.class, () -> fetch(URI.create("https://127.0.0.1:" + port + "/f"), client));
    // A client that does not trust the certificate is refused too.
    assertThrows(
        SSLHandshakeException.class,
        () -> fetch(URI.create("https://localhost:" + port + "/f"), HttpClient.newHttpClient()));
  }

  @Test
  void aLazyContextIsCreatedOnTheFirstTlsConnectionAndVerifiesAsTheRealOne() throws Exception {
    int port = startHttps();
    java.util.concurrent.atomic.AtomicInteger made =
        new java.util.concurrent.atomic.AtomicInteger();
    SSLContext lazy =
        LazySslContext.of(
            () -> {
              made.incrementAndGet();
              return trustingTheServer();
            });
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(lazy)
            .sslParameters(new javax.net.ssl.SSLParameters())
            .build();
    assertEquals(0, made.get(), "building the client must not create the context");

    // Both paths: the socket one (large bodies) and the JDK client's own (API calls).
    assertArrayEquals(BODY, fetch(URI.create("https://localhost:" + port + "/f"), client));
    HttpResponse<byte[]> viaClient =
        client.send(
            java.net.http.HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/f"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(BODY, viaClient.body());
    assertEquals(1, made.get());
    // Host names are still checked on both paths.
    assertThrows(
        IOException.class, () -> fetch(URI.create("https://127.0.0.1:" + port + "/f"), client));
    assertThrows(
        IOException.class,
        () ->
            client.send(
                java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/f"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray()));
    // The transport's own default: the JVM's trust, which does not know this certificate.
    HttpClient plain = HttpTransport.create(false).client();
    assertThrows(
        SSLHandshakeException.class,
        () -> fetch(URI.create("https://localhost:" + port + "/f"), plain));
  }

  /**
   * The HTTPS server of {@link #startHttps}, now demanding a client certificate it trusts: the one
   * openssl makes here, its key in the older PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}).
   */
  private Path startMutualHttps() throws Exception {
    Path key = dir.resolve("client-key.pem");
    Path cert = dir.resolve("client-cert.pem");
    io.gpux.testing.SelfSigned.create(
        dir, "client-key.pem", "client-cert.pem", "/CN=gpux-client", null);
    Path pkcs1 = dir.resolve("client-key-pkcs1.pem");
    exec("openssl", "rsa", "-in", key.toString(), "-traditional", "-out", pkcs1.toString());
    Path client = dir.resolve("client.pem");
    java.nio.file.Files.writeString(
        client, java.nio.file.Files.readString(cert) + java.nio.file.Files.readString(pkcs1));
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(cert)) {
      trusted.setCertificateEntry(
          "client",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    startHttps(tmf.getTrustManagers());
    return client;
  }

  @Test
  void showsAClientCertificateToItsOwnHostOnly() throws Exception {
    Path client = startMutualHttps();
    int port = server.getAddress().getPort();
    Path serverPem = dir.resolve("server.pem");
    URI uri = URI.create("https://localhost:" + port + "/f");
    HttpClient mine =
        HttpClient.newBuilder()
            .sslContext(
                TlsTrust.context(
                    java.util.Map.of("localhost", new TlsTrust.HostRule(false, serverPem, client))))
            .build();
    // Both paths: the socket one (large bodies) and the JDK client's own (API calls).
    assertArrayEquals(BODY, fetch(uri, mine));
    assertArrayEquals(
        BODY,
        mine.send(
                java.net.http.HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body());
    // The same certificate given for another host is not shown to this one: refused.
    HttpClient elsewhere =
        HttpClient.newBuilder()
            .sslContext(
                TlsTrust.context(
                    java.util.Map.of(
                        "localhost", new TlsTrust.HostRule(false, serverPem),
                        "registry.example", new TlsTrust.HostRule(false, null, client))))
            .build();
    assertThrows(IOException.class, () -> fetch(uri, elsewhere));
  }

  @Test
  void appliesTheRegistrysTlsRulesToo() throws Exception {
    int port = startHttps();
    Path pem = dir.resolve("server.pem");

    // MLFLOW_TRACKING_SERVER_CERT_PATH for localhost: its certificate is trusted there.
    HttpClient withCert =
        HttpClient.newBuilder()
            .sslContext(
                TlsTrust.context(java.util.Map.of("localhost", new TlsTrust.HostRule(false, pem))))
            .build();
    assertArrayEquals(BODY, fetch(URI.create("https://localhost:" + port + "/f"), withCert));
    // MLFLOW_TRACKING_INSECURE_TLS for 127.0.0.1: no chain and no name check, for that host only.
    HttpClient insecure =
        HttpClient.newBuilder()
            .sslContext(
                TlsTrust.context(java.util.Map.of("127.0.0.1", new TlsTrust.HostRule(true, null))))
            .build();
    assertArrayEquals(BODY, fetch(URI.create("https://127.0.0.1:" + port + "/f"), insecure));
    assertThrows(
        IOException.class, () -> fetch(URI.create("https://localhost:" + port + "/f"), insecure));
  }

  /**
   * A CONNECT-only proxy that keeps the head of every request it gets, so a test can see exactly
   * which headers reached the proxy, then tunnels to the target.
   */
  private static final class RecordingTunnel implements AutoCloseable {
    final java.net.ServerSocket listener =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();

    RecordingTunnel() throws IOException {
      Thread t = new Thread(this::accept);
      t.setDaemon(true);
      t.start();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          java.net.Socket client = listener.accept();
          Thread c = new Thread(() -> tunnel(client));
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void tunnel(java.net.Socket client) {
      try (client) {
        InputStream in = client.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          head.append((char) c);
        }
        heads.add(head.toString());
        String target = head.toString().split(" ")[1];
        int colon = target.lastIndexOf(':');
        try (java.net.Socket server =
            new java.net.Socket(
                target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
          client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes());
          Thread up =
              new Thread(
                  () -> {
                    try {
                      in.transferTo(server.getOutputStream());
                    } catch (IOException ignored) {
                      // The client went away.
                    }
                  });
          up.setDaemon(true);
          up.start();
          server.getInputStream().transferTo(client.getOutputStream());
        }
      } catch (IOException ignored) {
        // One side hung up.
      }
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  @Test
  void throughAProxyTheCredentialsGoInsideTheTunnelAndTheProxysOnlyToTheProxy() throws Exception {
    int port = startHttps();
    ORIGIN_HEADERS.clear();
    String proxyAuth =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("pu:pp".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (RecordingTunnel proxy = new RecordingTunnel()) {
      Proxies proxies =
          Proxies.of(
              null,
              "http://pu:pp@127.0.0.1:" + proxy.port(),
              null,
              new String[] {"http_proxy", "https_proxy"});
      URI uri = URI.create("https://localhost:" + port + "/f");
      HttpCall call =
          HttpCall.get(uri).credentials(java.util.Map.of("Authorization", "Bearer t0k"));
      // The socket path of large files.
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      HttpClient client = HttpTransport.clientFor(trustingTheServer(), proxies);
      SocketFetch.Fetched<Long> f =
          SocketFetch.get(
              call, java.util.Map.of(), proxies.forUri(uri), client, 10_000, info -> collect(got));
      assertEquals(200, f.statusCode());
      assertArrayEquals(BODY, got.toByteArray());
      // The JDK client's path.
      HttpTransport http =
          new HttpTransport(client, RetryPolicy.defaults(), ms -> {}, false, "gpux/test", proxies);
      assertEquals(200, http.send(call, HttpResponse.BodyHandlers.ofByteArray()).statusCode());

      assertEquals(2, proxy.heads.size(), proxy.heads.toString());
      for (String head : proxy.heads) {
        assertTrue(head.startsWith("CONNECT localhost:" + port + " HTTP/1.1\r\n"), head);
        assertTrue(
            head.toLowerCase(java.util.Locale.ROOT)
                .contains("proxy-authorization: " + proxyAuth.toLowerCase(java.util.Locale.ROOT)),
            head);
        assertFalse(head.contains("t0k"), "the registry's token reached the proxy: " + head);
      }
      assertEquals(2, ORIGIN_HEADERS.size());
      for (com.sun.net.httpserver.Headers h : ORIGIN_HEADERS) {
        assertEquals("Bearer t0k", h.getFirst("Authorization"));
        assertEquals(
            null, h.getFirst("Proxy-Authorization"), "the proxy's password reached the origin");
      }
    }
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertEquals(
        0, p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1, String.join(" ", command));
  }

  private static HttpResponse.BodySubscriber<Long> collect(ByteArrayOutputStream out) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    return new HttpResponse.BodySubscriber<>() {
      long n;

      @Override
      public CompletionStage<Long> getBody() {
        return done;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
          n += b.remaining();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          out.write(bytes, 0, bytes.length);
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(n);
      }
    };
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(3).nextBytes(b);
    return b;
  }
}
