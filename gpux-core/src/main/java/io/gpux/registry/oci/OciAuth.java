package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.transfer.CredentialRenewal;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How one registry host wants to be authenticated, learnt from its first 401: nothing (anonymous),
 * Basic on every request, or the Bearer token flow. For Bearer, a token is asked of the challenge's
 * realm for each scope ({@code repository:acme/clf:pull}), with the user's credentials as Basic
 * when there are any (an anonymous token otherwise), cached, and asked for again when a request
 * with it gets a 401 (it expired). Thread-safe: the parallel downloads of one pull share it.
 */
final class OciAuth {
  private final String host;
  private final HttpTransport http;
  private final OciHosts hosts;
  private final Supplier<Optional<OciLogin>> login;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private volatile boolean basic;

  OciAuth(String host, HttpTransport http, OciHosts hosts, Supplier<Optional<OciLogin>> login) {
    this.host = host;
    this.http = http;
    this.hosts = hosts;
    this.login = memoized(login);
  }

  Optional<OciLogin> login() {
    return login.get();
  }

  /** The credential headers for a request in {@code scope} now (possibly none). */
  Map<String, String> headers(String scope) {
    if (basic) {
      return Map.of("Authorization", login.get().orElseThrow().basicHeader());
    }
    String token = tokens.get(scope);
    if (token != null) {
      return Map.of("Authorization", token);
    }
    Optional<OciLogin> l = login.get();
    if (l.isPresent() && l.get().token() != null) {
      return Map.of("Authorization", "Bearer " + l.get().token().reveal());
    }
    return Map.of();
  }

  /**
   * After a 401 answered with {@code challenge} to a request that carried {@code sent} (its
   * Authorization, or null): gets what the challenge asks for; returns whether a new attempt has
   * something new to send.
   */
  synchronized boolean challenged(String challenge, String scope, String sent) {
    Challenge c = Challenge.parse(challenge);
    if (c == null) {
      return false;
    }
    String now = headers(scope).get("Authorization");
    if (now != null && !now.equals(sent)) {
      return true; // another download renewed it meanwhile
    }
    if (c.basic()) {
      Optional<OciLogin> l = login.get();
      if (basic || l.isEmpty() || l.get().username() == null) {
        return false;
      }
      basic = true;
      return true;
    }
    if (!c.bearer() || c.param("realm") == null) {
      return false;
    }
    String wanted =
        c.param("scope") != null && !c.param("scope").isBlank() ? c.param("scope") : scope;
    tokens.put(scope, "Bearer " + token(c, wanted));
    return true;
  }

  /** Renews this host's token for {@code scope} after a 401 mid-download. */
  CredentialRenewal renewal(String scope) {
    return new CredentialRenewal() {
      @Override
      public Map<String, String> current() {
        return headers(scope);
      }

      @Override
      public boolean renew(String challenge) {
        return challenged(challenge, scope, headers(scope).get("Authorization"));
      }
    };
  }

  private String token(Challenge c, String scope) {
    URI realm;
    try {
      realm = new URI(c.param("realm"));
    } catch (java.net.URISyntaxException e) {
      throw GpuxException.unavailable(
          host + " named a malformed token service (" + c.param("realm") + ")",
          "report it to the registry's operator");
    }
    boolean http = "http".equalsIgnoreCase(realm.getScheme());
    if (!(http || "https".equalsIgnoreCase(realm.getScheme())) || realm.getHost() == null) {
      throw GpuxException.unavailable(
          host + " named a token service that is not an http(s) URL (" + realm + ")",
          "report it to the registry's operator");
    }
    Optional<OciLogin> l = login.get();
    // A password goes over plain HTTP only where the registry itself is plain HTTP (loopback, or
    // GPUX_INSECURE_REGISTRIES), as docker does.
    boolean mayCarry = !http || hosts.insecureHost(realm.getHost());
    StringBuilder q = new StringBuilder();
    if (c.param("service") != null) {
      q.append("service=").append(enc(c.param("service")));
    }
    for (String s : scope.split(" ")) {
      if (!s.isBlank()) {
        q.append(q.length() == 0 ? "" : "&").append("scope=").append(enc(s));
      }
    }
    URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + q);
    HttpCall call = HttpCall.get(uri).header("Accept", "application/json");
    if (l.isPresent() && l.get().username() != null && mayCarry) {
      call = call.credentials(Map.of("Authorization", l.get().basicHeader()));
    }
    HttpResponse<byte[]> r = this.http.send(call, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw GpuxException.invalidInput(
          "the token service of "
              + host
              + " refused "
              + (l.isPresent() ? "the " + l.get() : "an anonymous token")
              + " (HTTP "
              + r.statusCode()
              + ")",
          OciClient.loginHint(host));
    }
    if (r.statusCode() != 200) {
      throw GpuxException.unavailable(
          "the token service of " + host + " answered HTTP " + r.statusCode(), "retry later");
    }
    try {
      JsonNode body = io.gpux.json.Json.mapper().readTree(r.body());
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new IOException("no token in the answer");
      }
      return token;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "the token service of " + host + " sent no token: " + e.getMessage(),
          "report it to the registry's operator");
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static <T> Supplier<T> memoized(Supplier<T> s) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
