package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.error.GpuxException;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.Secret;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MLflow tracking server's REST API as the official Python client uses it: the server from
 * {@code MLFLOW_TRACKING_URI}, GET parameters in the query string, POST bodies as JSON, and the
 * client's credentials (Basic from {@code MLFLOW_TRACKING_USERNAME/PASSWORD}, each else from the
 * client's own file {@code ~/.mlflow/credentials}, which wins; else Bearer from {@code
 * MLFLOW_TRACKING_TOKEN}; else {@code gpux login mlflow}), and the MLflow workspace from {@code
 * MLFLOW_WORKSPACE} (or the GPUX workspace's {@code mlflow.workspace}) in the {@code
 * X-MLFLOW-WORKSPACE} header of every request, as the client's {@code rest_utils.http_request}
 * sends it.
 */
final class MlflowApi {
  static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private final RegistryContext context;
  private final String server;

  /**
   * The header by which a server started with {@code --enable-workspaces} (MLflow >= 3.10) scopes a
   * request to one of its workspaces; absent, the server uses its {@code default} workspace.
   */
  static final String WORKSPACE_HEADER = "X-MLFLOW-WORKSPACE";

  private final String workspace;
  private volatile Optional<Map<String, String>> credentialsFile;

  MlflowApi(RegistryContext context) {
    this.context = context;
    String uri = context.env("MLFLOW_TRACKING_URI", null);
    if (uri == null) {
      throw GpuxException.invalidInput(
          "no MLflow tracking server is configured",
          "set MLFLOW_TRACKING_URI to the server's URL, e.g. http://localhost:5000");
    }
    if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw GpuxException.invalidInput(
          "MLFLOW_TRACKING_URI=" + uri + " is not an http(s) URL",
          "gpux talks to a tracking server (mlflow server); a local mlruns folder or database is"
              + " not supported, start `mlflow server` on it instead");
    }
    // As the client's get_request_workspace(): the variable trimmed, blank meaning none.
    String ws = context.env("MLFLOW_WORKSPACE", null);
    this.workspace = ws == null || ws.isBlank() ? null : ws.trim();
    this.server =
        io.gpux.registry.Endpoints.parse(
            context.http(),
            "MLFLOW_TRACKING_URI",
            uri,
            "http://localhost:5000",
            "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)");
  }

  /** The server URL as the user gave it, without credentials (never put in URLs here). */
  String server() {
    return server;
  }

  /** The MLflow workspace the requests are scoped to; null for the server's default one. */
  String workspace() {
    return workspace;
  }

  /** The server, and the MLflow workspace when there is one: where a name was looked for. */
  String where() {
    return server + (workspace == null ? "" : " in MLflow workspace '" + workspace + "'");
  }

  /**
   * A page of the server's UI ({@code path} after {@code #/}), in the workspace: the links the
   * client prints carry it as {@code ?workspace=}.
   */
  String ui(String path) {
    return server + "/#/" + path + (workspace == null ? "" : "?workspace=" + encode(workspace));
  }

  /** The lineage entry that records the MLflow workspace a model came from (none: default). */
  void putWorkspace(Map<String, String> lineage) {
    if (workspace != null) {
      lineage.put("mlflow.workspace", workspace);
    }
  }

  /**
   * {@code call} with the workspace header, which the client sends on every request but those of
   * the workspace administration API (its path names the workspace).
   */
  private HttpCall scoped(HttpCall call) {
    if (workspace == null || call.uri().getPath().contains("/mlflow/workspaces")) {
      return call;
    }
    return call.header(WORKSPACE_HEADER, workspace);
  }

  /** Where pushed models are logged: {@code MLFLOW_EXPERIMENT_ID}, else the default experiment. */
  String experimentId() {
    return context.env("MLFLOW_EXPERIMENT_ID", "0");
  }

  /** Which credential the requests carry, for error hints (never the value). */
  String credentialKind() {
    if (basic().isPresent()) {
      if (context.env("MLFLOW_TRACKING_USERNAME", null) != null) {
        return "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD";
      }
      return credentialsFile().isPresent()
          ? "the login in ~/.mlflow/credentials"
          : "the login stored by `gpux login mlflow`";
    }
    return token().isPresent() ? "MLFLOW_TRACKING_TOKEN" : null;
  }

  Map<String, String> auth() {
    Optional<String> basic = basic();
    if (basic.isPresent()) {
      return Map.of("Authorization", basic.get());
    }
    return token().map(t -> Map.of("Authorization", "Bearer " + t.reveal())).orElse(Map.of());
  }

  private Optional<String> basic() {
    String user = context.env("MLFLOW_TRACKING_USERNAME", null);
    String password = context.env("MLFLOW_TRACKING_PASSWORD", null);
    if (user == null || password == null) {
      // The official client fills what the environment lacks from its credentials file.
      Map<String, String> file = credentialsFile().orElse(Map.of());
      user = user != null ? user : file.get("mlflow_tracking_username");
      password = password != null ? password : file.get("mlflow_tracking_password");
    }
    if (user == null || password == null) {
      if (context.env("MLFLOW_TRACKING_TOKEN", null) != null) {
        return Optional.empty(); // A token in the environment wins over a stored login.
      }
      var stored = context.credentials().basic("mlflow");
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      user = stored.get().getKey();
      password = stored.get().getValue().reveal();
    }
    String pair = user + ":" + password;
    return Optional.of(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The {@code [mlflow]} section of {@code ~/.mlflow/credentials}, the INI file the official client
   * reads ({@code mlflow_tracking_username}, {@code mlflow_tracking_password}); empty when absent.
   */
  private Optional<Map<String, String>> credentialsFile() {
    // Read once: auth() runs for every request.
    if (credentialsFile == null) {
      credentialsFile = readCredentialsFile();
    }
    return credentialsFile;
  }

  private Optional<Map<String, String>> readCredentialsFile() {
    String home = context.env("HOME", System.getProperty("user.home"));
    java.nio.file.Path file = java.nio.file.Path.of(home, ".mlflow", "credentials");
    if (!java.nio.file.Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Map<String, String> out = new java.util.HashMap<>();
    boolean inSection = false;
    try {
      for (String raw : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String line = raw.trim();
        if (line.startsWith("[")) {
          inSection = line.equals("[mlflow]");
        } else if (inSection && !line.startsWith("#") && !line.startsWith(";")) {
          int eq = line.indexOf('=') >= 0 ? line.indexOf('=') : line.indexOf(':');
          if (eq > 0) {
            out.put(
                line.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT),
                line.substring(eq + 1).trim());
          }
        }
      }
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + file + ": " + e.getMessage(), "fix its permissions, or remove it");
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  private Optional<Secret> token() {
    return context.credentials().token("mlflow", List.of("MLFLOW_TRACKING_TOKEN"));
  }

  /** {@code GET /api/2.0/mlflow/<path>?params}; errors become {@link GpuxException}s. */
  JsonNode get(String path, Map<String, String> params) {
    StringBuilder url = new StringBuilder(server).append("/api/2.0/mlflow/").append(path);
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (p.getValue() != null) {
        url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
        sep = '&';
      }
    }
    HttpResponse<byte[]> r =
        send(
            scoped(
                HttpCall.get(URI.create(url.toString()))
                    .header("Accept", "application/json")
                    .credentials(auth())),
            HttpResponse.BodyHandlers.ofByteArray());
    return MlflowErrors.check(r, this);
  }

  /** {@code POST|PATCH|DELETE /api/2.0/mlflow/<path>} with a JSON body. */
  JsonNode send(String method, String path, Object body) {
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    HttpCall call =
        scoped(
            new HttpCall(
                    method,
                    URI.create(server + "/api/2.0/mlflow/" + path),
                    Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    Map.of(),
                    Duration.ofSeconds(60))
                .credentials(auth()));
    return MlflowErrors.check(send(call, json, HttpResponse.BodyHandlers.ofByteArray()), this);
  }

  /** Uploads one file through the mlflow-artifacts proxy ({@code PUT}, idempotent). */
  void upload(String relativePath, byte[] content) {
    HttpCall call = download(relativePath).header("Content-Type", "application/octet-stream");
    HttpCall put =
        new HttpCall("PUT", call.uri(), call.headers(), call.credentials(), call.timeout());
    MlflowErrors.check(send(put, content, HttpResponse.BodyHandlers.ofByteArray()), this);
  }

  /** A GET of a file's bytes (small files only: MLmodel), errors checked. */
  HttpResponse<byte[]> fetch(HttpCall call) {
    HttpResponse<byte[]> r = send(call, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      MlflowErrors.check(r, this);
    }
    return r;
  }

  /** Sends through the shared transport; a TLS failure gets the MLflow variables in its hint. */
  private <T> HttpResponse<T> send(HttpCall call, HttpResponse.BodyHandler<T> body) {
    return send(call, null, body);
  }

  private <T> HttpResponse<T> send(
      HttpCall call, byte[] content, HttpResponse.BodyHandler<T> body) {
    try {
      return context.http().send(call, content, body);
    } catch (GpuxException e) {
      if (wantsClientCertificate(e) || closedAfterHandshake(call, e)) {
        throw new GpuxException(
            e.category(),
            e.problem(),
            "the server most likely wants a client certificate: set MLFLOW_TRACKING_CLIENT_CERT_PATH"
                + " to a PEM file with your certificate and its private key",
            e);
      }
      if (e.getCause() instanceof javax.net.ssl.SSLException) {
        throw new GpuxException(
            e.category(),
            e.problem(),
            "set MLFLOW_TRACKING_SERVER_CERT_PATH to the server's certificate or CA (PEM), or"
                + " MLFLOW_TRACKING_INSECURE_TLS=true to skip verification",
            e);
      }
      throw e;
    }
  }

  /** A TLS alert by which a server refuses a handshake for want of a (valid) client certificate. */
  private static boolean wantsClientCertificate(GpuxException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof javax.net.ssl.SSLException
          && (m.contains("certificate_required")
              || m.contains("bad_certificate")
              || m.contains("handshake_failure") && m.contains("alert"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Under TLS 1.3 a server that wants a client certificate may just close the connection after the
   * handshake, and the client sees an empty answer rather than an alert: on HTTPS with no client
   * certificate set, that is what such a failure most likely means.
   */
  private boolean closedAfterHandshake(HttpCall call, GpuxException e) {
    if (!"https".equalsIgnoreCase(call.uri().getScheme())
        || context.env("MLFLOW_TRACKING_CLIENT_CERT_PATH", null) != null) {
      return false;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("received no bytes") || m.contains("Connection reset")) {
        return true;
      }
    }
    return false;
  }

  static Map<String, String> params(String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  /** The JSON listing of an artifact directory behind the server's mlflow-artifacts proxy. */
  JsonNode listArtifacts(String relativePath) {
    URI uri =
        URI.create(server + "/api/2.0/mlflow-artifacts/artifacts?path=" + encode(relativePath));
    HttpResponse<byte[]> r =
        send(
            scoped(HttpCall.get(uri).header("Accept", "application/json").credentials(auth())),
            HttpResponse.BodyHandlers.ofByteArray());
    return MlflowErrors.check(r, this);
  }

  /** A file behind the mlflow-artifacts proxy. */
  HttpCall download(String relativePath) {
    StringBuilder sb = new StringBuilder(server).append("/api/2.0/mlflow-artifacts/artifacts");
    for (String segment : relativePath.split("/")) {
      if (!segment.isEmpty()) {
        sb.append('/').append(encode(segment));
      }
    }
    return scoped(
        HttpCall.get(URI.create(sb.toString()))
            .header("Accept-Encoding", "identity")
            .credentials(auth())
            .timeout(Duration.ofMinutes(10)));
  }

  static JsonNode parse(byte[] body) throws IOException {
    return body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
