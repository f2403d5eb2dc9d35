package io.gpux.transfer;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Per-host TLS trust, for registries whose clients allow it (MLflow's {@code
 * MLFLOW_TRACKING_SERVER_CERT_PATH} and {@code MLFLOW_TRACKING_INSECURE_TLS}): a host may trust an
 * extra CA or certificate file, or skip verification. Every other host gets the JVM's default
 * verification, so relaxing one registry never weakens another.
 */
public final class TlsTrust {
  /**
   * How one host is verified: {@code insecure}, or also trusting the certificates in a file; and
   * the client certificate (PEM: certificate and key) to show it when it asks for one, or null.
   */
  public record HostRule(boolean insecure, Path extraCertificates, Path clientCertificate) {
    public HostRule(boolean insecure, Path extraCertificates) {
      this(insecure, extraCertificates, null);
    }
  }

  private TlsTrust() {}

  /** An SSL context applying {@code rules} (host, lower case → rule); null when there are none. */
  public static SSLContext context(Map<String, HostRule> rules) {
    if (rules.isEmpty()) {
      return null;
    }
    try {
      X509ExtendedTrustManager system = trustManager(null);
      Map<String, X509ExtendedTrustManager> byHost = new java.util.HashMap<>();
      rules.forEach(
          (host, rule) -> {
            if (!rule.insecure() && rule.extraCertificates() != null) {
              byHost.put(host, trustManager(rule.extraCertificates()));
            }
          });
      Map<String, Path> clientCerts = new java.util.LinkedHashMap<>();
      rules.forEach(
          (host, rule) -> {
            if (rule.clientCertificate() != null) {
              clientCerts.put(host, rule.clientCertificate());
            }
          });
      javax.net.ssl.X509ExtendedKeyManager keys = ClientCertificates.keyManager(clientCerts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          keys == null ? null : new javax.net.ssl.KeyManager[] {keys},
          new javax.net.ssl.TrustManager[] {new PerHost(system, byHost, rules)},
          null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The default trust anchors, plus the certificates of {@code extra} when given. */
  private static X509ExtendedTrustManager trustManager(Path extra) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (extra == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        TrustManagerFactory defaults =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        int i = 0;
        for (var tm : defaults.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            for (X509Certificate c : x.getAcceptedIssuers()) {
              ks.setCertificateEntry("default-" + i++, c);
            }
          }
        }
        try (InputStream in = Files.newInputStream(extra)) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("extra-" + i++, c);
          }
        }
        tmf.init(ks);
      }
      for (var tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509 trust manager");
    } catch (IOException | GeneralSecurityException e) {
      throw GpuxException.invalidInput(
          "cannot read the certificates in " + extra + ": " + e.getMessage(),
          "give a PEM file of the server's certificate or its CA");
    }
  }

  /** Chooses the verification by the peer's host name. */
  private static final class PerHost extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager system;
    private final Map<String, X509ExtendedTrustManager> byHost;
    private final Map<String, HostRule> rules;

    PerHost(
        X509ExtendedTrustManager system,
        Map<String, X509ExtendedTrustManager> byHost,
        Map<String, HostRule> rules) {
      this.system = system;
      this.byHost = byHost;
      this.rules = rules;
    }

    private static String host(String peer) {
      return peer == null ? "" : peer.toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      String host = host(engine == null ? null : engine.getPeerHost());
      HostRule rule = rules.get(host);
      if (rule != null && rule.insecure()) {
        return; // MLFLOW_TRACKING_INSECURE_TLS: no chain, no host name check, for this host only.
      }
      byHost.getOrDefault(host, system).checkServerTrusted(chain, authType, engine);
    }

    /** The blocking-socket path (large downloads, {@link SocketFetch}) gets the same rules. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      String peer =
          socket instanceof javax.net.ssl.SSLSocket ssl && ssl.getHandshakeSession() != null
              ? ssl.getHandshakeSession().getPeerHost()
              : null;
      String host = host(peer);
      HostRule rule = rules.get(host);
      if (rule != null && rule.insecure()) {
        return;
      }
      byHost.getOrDefault(host, system).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      system.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      system.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      system.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      system.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return system.getAcceptedIssuers();
    }
  }
}
