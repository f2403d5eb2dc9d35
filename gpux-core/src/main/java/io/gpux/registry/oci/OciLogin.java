package io.gpux.registry.oci;

import io.gpux.registry.Secret;

/**
 * Credentials for one registry host: a user name and password (Basic, and what a token realm
 * takes), or a token sent as {@code Bearer} as it is. {@code from} says where they were found, for
 * messages (never the values).
 */
record OciLogin(String username, Secret password, Secret token, String from) {
  static OciLogin basic(String username, Secret password, String from) {
    return new OciLogin(username, password, null, from);
  }

  static OciLogin bearer(Secret token, String from) {
    return new OciLogin(null, null, token, from);
  }

  String basicHeader() {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(
                (username + ":" + password.reveal())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "credentials from " + from;
  }
}
