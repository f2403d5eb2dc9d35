package io.gpux.server;

import java.util.function.Function;

/**
 * An HTTP request as the routes see it, whichever server read it.
 *
 * @param rawPath the path as sent, still percent-encoded (a model name may hold an encoded '/')
 * @param query the raw query, or null
 * @param header a header's value by name (case-insensitive), or null
 */
record Request(
    String method,
    String rawPath,
    String query,
    Function<String, String> header,
    RequestBody body) {

  boolean isHead() {
    return method.equals("HEAD");
  }
}
