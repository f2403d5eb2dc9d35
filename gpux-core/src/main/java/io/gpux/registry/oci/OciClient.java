package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The distribution API of one registry host: requests with the host's {@link OciAuth} (a 401 is
 * answered once or twice with what its challenge asks for), manifests fetched with every manifest
 * type in {@code Accept} (Debian's docker-registry 2.8 answers 404 to a request without them), and
 * the registry's {@code {"errors":[...]}} turned into one-line messages.
 */
final class OciClient {
  /** The manifest types asked for, OCI and Docker v2 alike. */
  static final String ACCEPT =
      String.join(
          ", ",
          OciMediaTypes.OCI_MANIFEST,
          OciMediaTypes.OCI_INDEX,
          OciMediaTypes.DOCKER_MANIFEST,
          OciMediaTypes.DOCKER_LIST);

  /** The distribution spec lets registries refuse manifests above 4 MiB; so does GPUX. */
  static final int MAX_MANIFEST = 4 << 20;

  final String host;
  final URI base;
  final HttpTransport http;
  final OciAuth auth;

  OciClient(String host, URI base, HttpTransport http, OciAuth auth) {
    this.host = host;
    this.base = base;
    this.http = http;
    this.auth = auth;
  }

  static String pullScope(String repo) {
    return "repository:" + repo + ":pull";
  }

  static String pushScope(String repo) {
    return "repository:" + repo + ":pull,push";
  }

  URI uri(String path) {
    return URI.create(base + path);
  }

  /** A manifest as the registry sent it: its bytes, media type and digest. */
  record Manifest(byte[] bytes, String mediaType, String digest, JsonNode json) {}

  /** Sends {@code call} with this host's credentials for {@code scope}, answering 401s. */
  HttpResponse<byte[]> send(HttpCall call, String scope) {
    return send(call, scope, HttpResponse.BodyHandlers.ofByteArray());
  }

  <T> HttpResponse<T> send(HttpCall call, String scope, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> r = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Map<String, String> creds = auth.headers(scope);
      r = http.send(call.credentials(creds), handler);
      if (r.statusCode() != 401) {
        return r;
      }
      String challenge = r.headers().firstValue("www-authenticate").orElse(null);
      if (!auth.challenged(challenge, scope, creds.get("Authorization"))) {
        break;
      }
    }
    return r;
  }

  Manifest manifest(String repo, String reference) {
    HttpCall call =
        HttpCall.get(uri("/v2/" + repo + "/manifests/" + reference)).header("Accept", ACCEPT);
    HttpResponse<byte[]> r = send(call, pullScope(repo));
    if (r.statusCode() != 200) {
      throw error(
          r,
          "oci://" + host + "/" + repo + (reference.startsWith("sha256:") ? "@" : ":") + reference);
    }
    byte[] body = r.body();
    if (body.length > MAX_MANIFEST) {
      throw GpuxException.unavailable(
          "the manifest of " + repo + ":" + reference + " is over 4 MiB",
          "report it to the registry's operator");
    }
    String digest = "sha256:" + Sha256.hex(body);
    String stated = r.headers().firstValue("docker-content-digest").orElse(null);
    if (reference.startsWith("sha256:") && !reference.equals(digest)) {
      throw GpuxException.unavailable(
          "the registry sent a manifest for " + reference + " whose digest is " + digest,
          "the registry's copy is damaged or tampered with; nothing was stored");
    }
    if (stated != null && stated.startsWith("sha256:") && !stated.equals(digest)) {
      throw GpuxException.unavailable(
          "the registry says the manifest of "
              + repo
              + ":"
              + reference
              + " is "
              + stated
              + ", but its bytes are "
              + digest,
          "the registry's copy is damaged or tampered with; nothing was stored");
    }
    JsonNode json;
    try {
      json = io.gpux.json.Json.mapper().readTree(body);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "the manifest of " + repo + ":" + reference + " is not JSON",
          "report it to the registry's operator");
    }
    String type = json.path("mediaType").asText(r.headers().firstValue("content-type").orElse(""));
    return new Manifest(body, type, digest, json);
  }

  /** The digest a tag points at now (one HEAD), or null when the tag is gone. */
  String digest(String repo, String reference) {
    HttpCall call =
        HttpCall.head(uri("/v2/" + repo + "/manifests/" + reference)).header("Accept", ACCEPT);
    HttpResponse<byte[]> r = send(call, pullScope(repo));
    if (r.statusCode() == 404) {
      return null;
    }
    if (r.statusCode() != 200) {
      throw error(r, "oci://" + host + "/" + repo + ":" + reference);
    }
    String d = r.headers().firstValue("docker-content-digest").orElse(null);
    return d != null ? d : manifest(repo, reference).digest();
  }

  /** A small blob (a config), verified against its digest. */
  byte[] smallBlob(String repo, String digest, long size) {
    if (size > MAX_MANIFEST) {
      throw GpuxException.unavailable(
          "the config blob " + digest + " of " + repo + " is " + size + " bytes",
          "report it to the artifact's owner");
    }
    HttpResponse<byte[]> r = send(blobCall(repo, digest), pullScope(repo));
    if (r.statusCode() != 200) {
      throw error(r, "blob " + digest + " of oci://" + host + "/" + repo);
    }
    if (!("sha256:" + Sha256.hex(r.body())).equals(digest)) {
      throw GpuxException.unavailable(
          "the blob " + digest + " of " + repo + " does not match its digest",
          "the registry's copy is damaged or tampered with; nothing was stored");
    }
    return r.body();
  }

  /** The GET of a blob, its credentials renewed after a 401 (a long pull outlives a token). */
  HttpCall blobCall(String repo, String digest) {
    return HttpCall.get(uri("/v2/" + repo + "/blobs/" + digest))
        .timeout(Duration.ofMinutes(10))
        .renewing(auth.renewal(pullScope(repo)));
  }

  /** The error for an answer that is not what was asked for, with the registry's own words. */
  GpuxException error(HttpResponse<byte[]> r, String what) {
    String code = "";
    String message = "";
    try {
      JsonNode e = io.gpux.json.Json.mapper().readTree(r.body()).path("errors").path(0);
      code = e.path("code").asText("");
      message = e.path("message").asText("");
    } catch (IOException | RuntimeException ignored) {
      // Not the registry's JSON (a proxy's page): the status says enough.
    }
    String said =
        code.isEmpty() ? "" : ": " + code + (message.isEmpty() ? "" : " (" + message + ")");
    int st = r.statusCode();
    if (st == 404 || code.equals("MANIFEST_UNKNOWN") || code.equals("NAME_UNKNOWN")) {
      return GpuxException.notFound(
          host + " has no " + what + " (HTTP " + st + said + ")",
          "check the repository and tag: gpux versions oci://" + host + "/<repo> lists the tags");
    }
    if (st == 401 || st == 403) {
      String creds = auth.login().map(l -> "the " + l).orElse("no credentials");
      return GpuxException.invalidInput(
          host + " refused access to " + what + " with " + creds + " (HTTP " + st + said + ")",
          loginHint(host));
    }
    return GpuxException.unavailable(
        host + " answered HTTP " + st + " for " + what + said,
        "retry later, or check the registry");
  }

  static String loginHint(String host) {
    return "log in: gpux login oci://"
        + host
        + " --username USER (or set GPUX_OCI_USERNAME and GPUX_OCI_PASSWORD, or docker login "
        + host
        + ")";
  }
}
