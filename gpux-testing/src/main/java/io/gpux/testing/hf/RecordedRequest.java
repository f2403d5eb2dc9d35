package io.gpux.testing.hf;

import java.util.List;
import java.util.Map;

/**
 * One request as the hub received it, kept so tests can assert what a client sent: for example that
 * a resumed download asked only for the missing range, or that no {@code Authorization} reached the
 * CDN host.
 *
 * @param host the {@code Host} header without its port
 * @param path the percent-decoded path
 * @param rawPath the path as sent ({@code %2F} kept)
 * @param query the raw query string, or null
 * @param headers every header, names in lower case
 */
public record RecordedRequest(
    String method,
    String host,
    String path,
    String rawPath,
    String query,
    Map<String, List<String>> headers) {

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of a header (name in any case), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String authorization() {
    return header("Authorization");
  }

  /** Whether any {@code Authorization} header came: a signed CDN URL must not get one. */
  public boolean hasAuthorization() {
    return authorization() != null;
  }

  public String range() {
    return header("Range");
  }

  /** The bearer token sent, or null. */
  public String token() {
    String auth = authorization();
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim()
        : null;
  }

  public boolean isCdn() {
    return path.startsWith("/cdn/");
  }

  @Override
  public String toString() {
    return method + " " + host + rawPath + (query == null ? "" : "?" + query);
  }
}
