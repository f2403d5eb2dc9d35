package io.gpux.transfer;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request as a value. {@code credentials} are headers (such as {@code Authorization}) that
 * are sent only to the host of {@code uri}: when a redirect leads to another host (a CDN with a
 * signed URL), they are dropped. With a {@link CredentialRenewal}, the credential headers are the
 * renewal's current ones instead, and a 401 during a download renews them once per attempt.
 */
public record HttpCall(
    String method,
    URI uri,
    Map<String, String> headers,
    Map<String, String> credentials,
    Duration timeout,
    byte[] body,
    CredentialRenewal renewal) {

  public HttpCall {
    headers = Map.copyOf(headers);
    credentials = Map.copyOf(credentials);
  }

  public HttpCall(
      String method,
      URI uri,
      Map<String, String> headers,
      Map<String, String> credentials,
      Duration timeout,
      byte[] body) {
    this(method, uri, headers, credentials, timeout, body, null);
  }

  /** The credential headers to send now: the renewal's current ones, or the fixed ones. */
  public Map<String, String> credentialHeaders() {
    return renewal == null ? credentials : renewal.current();
  }

  /** With credentials that renew themselves after a 401 (see {@link CredentialRenewal}). */
  public HttpCall renewing(CredentialRenewal r) {
    return new HttpCall(method, uri, headers, credentials, timeout, body, r);
  }

  public HttpCall(
      String method,
      URI uri,
      Map<String, String> headers,
      Map<String, String> credentials,
      Duration timeout) {
    this(method, uri, headers, credentials, timeout, null);
  }

  /** A POST of {@code body} (a GraphQL request, say); a redirect never re-sends it elsewhere. */
  public static HttpCall post(URI uri, byte[] body) {
    return new HttpCall("POST", uri, Map.of(), Map.of(), Duration.ofSeconds(60), body);
  }

  public static HttpCall get(URI uri) {
    return new HttpCall("GET", uri, Map.of(), Map.of(), Duration.ofSeconds(30));
  }

  public static HttpCall head(URI uri) {
    return new HttpCall("HEAD", uri, Map.of(), Map.of(), Duration.ofSeconds(30));
  }

  public HttpCall header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpCall(method, uri, h, credentials, timeout, body, renewal);
  }

  public HttpCall credentials(Map<String, String> secretHeaders) {
    return new HttpCall(method, uri, headers, secretHeaders, timeout, body, renewal);
  }

  public HttpCall timeout(Duration t) {
    return new HttpCall(method, uri, headers, credentials, t, body, renewal);
  }

  public HttpCall at(URI other) {
    return new HttpCall(method, other, headers, credentials, timeout, body, renewal);
  }

  /** Where to send this, with the credentials only if {@code target} is on the original host. */
  HttpCall redirectedTo(URI target) {
    return redirectedTo(target, 307);
  }

  /**
   * {@link #redirectedTo(URI)} after a {@code status} redirect: a POST answered with 301, 302 or
   * 303 becomes a GET without a body, as browsers and the official Python clients ({@code
   * requests}) do. That is how an RPC-style download (Kaggle's {@code
   * DownloadModelInstanceVersion}) reaches the signed storage URL it answers with.
   */
  HttpCall redirectedTo(URI target, int status) {
    boolean sameHost =
        target.getHost() != null
            && target.getHost().equalsIgnoreCase(uri.getHost())
            && port(target) == port(uri)
            && target.getScheme().equalsIgnoreCase(uri.getScheme());
    boolean toGet = "POST".equals(method) && (status == 301 || status == 302 || status == 303);
    Map<String, String> h = headers;
    if (toGet) {
      h = new LinkedHashMap<>(headers);
      h.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type"));
    }
    return new HttpCall(
        toGet ? "GET" : method,
        target,
        h,
        sameHost ? credentials : Map.of(),
        timeout,
        sameHost && !toGet ? body : null,
        sameHost ? renewal : null);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** Never prints credential values. */
  @Override
  public String toString() {
    return method
        + " "
        + uri
        + (credentials.isEmpty() && renewal == null ? "" : " (with credentials)");
  }
}
