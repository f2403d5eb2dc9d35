package io.gpux.testing.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gpux.testing.LoopbackServer;
import io.gpux.testing.SelfSigned;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token service of the distribution spec's Bearer flow, for a {@link DockerRegistry} started
 * with {@code auth: token}: {@code GET /token?service=...&scope=...} answers {@code {"token":
 * ...}}, a JWT signed (RS256, its certificate in {@code x5c}) with a key the registry trusts. It
 * demands Basic credentials when made with a user, and grants what each scope asks. {@link
 * #rotateKey} makes a new key, so the registry, restarted to trust only it, refuses every token
 * issued before (as it refuses an expired one).
 */
public final class TokenService implements AutoCloseable {
  public static final String SERVICE = "gpux-test-registry";
  public static final String ISSUER = "gpux-test-issuer";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final String user;
  private final String password;
  private final LoopbackServer server;
  private final AtomicInteger issued = new AtomicInteger();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile PrivateKey key;
  private volatile X509Certificate cert;
  private volatile Path certFile;
  private int generation;

  private TokenService(Path dir, String user, String password) throws Exception {
    this.dir = dir;
    this.user = user;
    this.password = password;
    rotateKey();
    this.server = LoopbackServer.start(0, "oci-token-service", this::handle);
  }

  /** Anyone gets a token. */
  public static TokenService anonymous(Path dir) throws Exception {
    return new TokenService(Files.createDirectories(dir), null, null);
  }

  /** Only {@code user}/{@code password} (Basic) get a token. */
  public static TokenService withUser(Path dir, String user, String password) throws Exception {
    return new TokenService(Files.createDirectories(dir), user, password);
  }

  /** A new signing key; the registry trusts it once restarted ({@link DockerRegistry#restart}). */
  public synchronized void rotateKey() throws Exception {
    generation++;
    Path d = Files.createDirectories(dir.resolve("key" + generation));
    SelfSigned.create(d, "key.pem", "cert.pem", "/CN=gpux-test-token-" + generation, null);
    String pem = Files.readString(d.resolve("key.pem"));
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    try (var in = Files.newInputStream(d.resolve("cert.pem"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    certFile = d.resolve("cert.pem");
  }

  /** The {@code auth:} section of a registry configuration that trusts this service now. */
  String registryAuth() {
    return "auth:\n  token:\n    realm: "
        + realm()
        + "\n    service: "
        + SERVICE
        + "\n    issuer: "
        + ISSUER
        + "\n    rootcertbundle: "
        + certFile
        + "\n";
  }

  public String realm() {
    return "http://127.0.0.1:" + server.port() + "/token";
  }

  /** Tokens issued so far. */
  public int issued() {
    return issued.get();
  }

  /** The Authorization headers token requests carried ("" for none), in order. */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      if (user != null) {
        String expected =
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"gpux-test-token\"");
          ex.sendResponseHeaders(401, -1);
          return;
        }
      }
      List<String> scopes = new ArrayList<>();
      String query = ex.getRequestURI().getRawQuery();
      for (String kv : query == null ? new String[0] : query.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.substring(0, eq).equals("scope")) {
          for (String s :
              URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8).split(" ")) {
            scopes.add(s);
          }
        }
      }
      byte[] body =
          JSON.writeValueAsBytes(
              JSON.createObjectNode().put("token", jwt(scopes)).put("expires_in", 300));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private synchronized String jwt(List<String> scopes) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
    header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", ISSUER)
            .put("sub", user == null ? "anonymous" : user)
            .put("aud", SERVICE)
            .put("exp", now + 300)
            .put("nbf", now - 10)
            .put("iat", now)
            .put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String s : scopes) {
      String[] parts = s.split(":");
      if (parts.length == 3) {
        ObjectNode a = access.addObject().put("type", parts[0]).put("name", parts[1]);
        ArrayNode actions = a.putArray("actions");
        for (String action : parts[2].split(",")) {
          actions.add(action);
        }
      }
    }
    String signingInput =
        b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
    Signature sig = Signature.getInstance("SHA256withRSA");
    sig.initSign(key);
    sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    issued.incrementAndGet();
    return signingInput + "." + b64(sig.sign());
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public void close() {
    server.close();
  }
}
