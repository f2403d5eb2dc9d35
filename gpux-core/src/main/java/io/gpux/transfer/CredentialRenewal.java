package io.gpux.transfer;

import java.util.Map;

/**
 * Credentials that can be renewed while a transfer runs: an OCI registry's bearer token expires
 * (often after five minutes) during a long pull, and the blob request that gets the 401 must get a
 * new token and go on, not fail. The headers are read when each request is sent, and only to the
 * host the {@link HttpCall} names: a redirect to another host gets neither them nor this.
 */
public interface CredentialRenewal {
  /** The credential headers to send now ({@code Authorization}). */
  Map<String, String> current();

  /**
   * Called after a 401 from the credentials' host, with its {@code WWW-Authenticate} challenge (or
   * null): obtains new credentials and returns whether there are any worth another attempt.
   */
  boolean renew(String challenge);
}
