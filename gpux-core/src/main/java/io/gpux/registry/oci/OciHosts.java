package io.gpux.registry.oci;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Which registry hosts are reached over plain HTTP: loopback ({@code localhost}, {@code 127.0.0.1},
 * {@code [::1]}) and those in {@code GPUX_INSECURE_REGISTRIES} (by {@code host} or {@code
 * host:port}, as Docker's insecure registries); HTTPS everywhere else, with the transport's CA
 * settings.
 */
final class OciHosts {
  private final Set<String> insecure;

  OciHosts(Set<String> insecure) {
    this.insecure = Set.copyOf(insecure);
  }

  /**
   * {@code http(s)://HOST[:PORT]} for a {@code HOST[:PORT]} of a reference. Docker Hub is named
   * {@code docker.io} in references but serves the API at {@code registry-1.docker.io}, as docker
   * itself maps it.
   */
  URI base(String hostPort) {
    String h = DOCKER_HUB.contains(hostPort) ? "registry-1.docker.io" : hostPort;
    return URI.create((insecure(h) ? "http://" : "https://") + h);
  }

  /** The names of Docker Hub in references. */
  static final Set<String> DOCKER_HUB =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");

  boolean insecure(String hostPort) {
    String hp = hostPort.toLowerCase(Locale.ROOT);
    return loopback(hostOnly(hp)) || insecure.contains(hp) || insecure.contains(hostOnly(hp));
  }

  /** Whether a token realm's host (no port) may get a password over plain HTTP. */
  boolean insecureHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (loopback(h)) {
      return true;
    }
    for (String i : insecure) {
      if (hostOnly(i).equals(h)) {
        return true;
      }
    }
    return false;
  }

  private static boolean loopback(String host) {
    return host.equals("localhost")
        || host.equals("127.0.0.1")
        || host.equals("[::1]")
        || host.equals("::1");
  }

  private static String hostOnly(String hostPort) {
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      return end < 0 ? hostPort : hostPort.substring(0, end + 1);
    }
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }
}
