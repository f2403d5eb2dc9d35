package io.gpux.transfer;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP(S) proxies to use, with curl's rules: {@code http_proxy} for {@code http://} URLs,
 * {@code https_proxy} for {@code https://} ones (tunnelled with {@code CONNECT}), and {@code
 * no_proxy} for hosts reached directly. The values come from {@code GpuxSettings}, which applies
 * curl's precedence of the lower- and upper-case variables.
 *
 * <p>{@code no_proxy} is a comma-separated list: {@code *} (no proxy at all), a host name that
 * matches itself and its subdomains ({@code example.com} and {@code .example.com} both match {@code
 * api.example.com}), an IP address, and any of these with {@code :port} to match that port only.
 *
 * <p>A proxy URL may carry {@code user:password@}; it becomes the proxy's {@code
 * Proxy-Authorization: Basic} header, sent to the proxy alone (on {@code CONNECT}, or on each
 * request of a plain-HTTP proxy), and never printed: {@link #toString} and every message show the
 * proxy without it.
 */
public final class Proxies {
  /** No proxy anywhere. */
  public static final Proxies NONE = new Proxies(null, null, List.of());

  /** One proxy: where it listens and its Basic credentials header, or null. */
  public record Via(String host, int port, String authorization) {
    InetSocketAddress address() {
      return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code host:port}, without credentials: what messages show. */
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final Via http;
  private final Via https;
  private final List<String> noProxy;

  private Proxies(Via http, Via https, List<String> noProxy) {
    this.http = http;
    this.https = https;
    this.noProxy = List.copyOf(noProxy);
  }

  /**
   * From the variables' values (null or blank: unset).
   *
   * @param variables the names the values came from, for messages: {@code http_proxy}, ...
   */
  public static Proxies of(
      String httpProxy, String httpsProxy, String noProxy, String[] variables) {
    Via h = parse(variables[0], httpProxy);
    Via s = parse(variables[1], httpsProxy);
    List<String> rules = new ArrayList<>();
    if (noProxy != null) {
      for (String rule : noProxy.split(",")) {
        String r = rule.trim().toLowerCase(Locale.ROOT);
        if (!r.isEmpty()) {
          rules.add(r);
        }
      }
    }
    return h == null && s == null ? NONE : new Proxies(h, s, rules);
  }

  private static Via parse(String variable, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    // curl takes a bare host:port as http://host:port.
    URI uri;
    try {
      uri = URI.create(v.contains("://") ? v : "http://" + v);
    } catch (IllegalArgumentException e) {
      throw badProxy(variable, null);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") || uri.getHost() == null) {
      throw badProxy(variable, uri.getHost() == null ? null : uri.getHost());
    }
    String auth = null;
    if (uri.getRawUserInfo() != null) {
      String[] userPass = uri.getRawUserInfo().split(":", 2);
      String user = URLDecoder.decode(userPass[0], StandardCharsets.UTF_8);
      String pass =
          userPass.length > 1 ? URLDecoder.decode(userPass[1], StandardCharsets.UTF_8) : "";
      auth =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }
    return new Via(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), auth);
  }

  private static GpuxException badProxy(String variable, String host) {
    // The value may hold a password: it is not repeated.
    return GpuxException.invalidInput(
        variable
            + " is not a usable proxy URL"
            + (host == null ? "" : " (host " + host + ")")
            + ": gpux needs an http:// proxy",
        "set " + variable + "=http://[user:password@]host:port, or unset it");
  }

  /** The proxy for a request to {@code uri}, or null to connect directly. */
  public Via forUri(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Via via = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
    if (via == null || bypassed(uri)) {
      return null;
    }
    return via;
  }

  private boolean bypassed(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    for (String rule : noProxy) {
      if (rule.equals("*")) {
        return true;
      }
      String name = rule;
      int rulePort = -1;
      int colon = rule.lastIndexOf(':');
      // "host:port", "1.2.3.4:80", "[::1]:80"; a bare IPv6 address has several colons.
      boolean hasPort =
          rule.startsWith("[") ? rule.contains("]:") : colon > 0 && rule.indexOf(':') == colon;
      if (hasPort && rule.substring(colon + 1).matches("\\d{1,5}")) {
        name = rule.substring(0, colon);
        rulePort = Integer.parseInt(rule.substring(colon + 1));
      }
      if (name.startsWith("[") && name.endsWith("]")) {
        name = name.substring(1, name.length() - 1);
      }
      if (name.startsWith(".")) {
        name = name.substring(1);
      }
      if (name.startsWith("*.")) {
        name = name.substring(2);
      }
      boolean hostMatches = host.equals(name) || host.endsWith("." + name);
      if (hostMatches && (rulePort < 0 || rulePort == port)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The JDK client's view of these rules. Unlike the JDK's default selector it has no built-in
   * exception for {@code localhost}: what {@code no_proxy} says is what happens, as with curl.
   */
  ProxySelector selector() {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        Via via = forUri(uri);
        return List.of(via == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, via.address()));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // The request fails with the error, which names the proxy.
      }
    };
  }

  public boolean any() {
    return http != null || https != null;
  }

  @Override
  public String toString() {
    return "Proxies[http=" + http + ", https=" + https + ", no_proxy=" + noProxy + "]";
  }
}
