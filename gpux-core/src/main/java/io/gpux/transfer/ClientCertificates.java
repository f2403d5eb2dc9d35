package io.gpux.transfer;

import io.gpux.error.GpuxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Client certificates for mutual TLS, one per host (MLflow's {@code
 * MLFLOW_TRACKING_CLIENT_CERT_PATH}): a PEM file with the certificate (and its chain) and the
 * unencrypted private key, the form Python's {@code requests} takes. A certificate is offered only
 * to the host it was given for, never to another server that asks for one.
 */
final class ClientCertificates {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private ClientCertificates() {}

  /** A key manager offering each host's certificate to that host only; null when none is set. */
  static X509ExtendedKeyManager keyManager(Map<String, Path> byHost) {
    if (byHost.isEmpty()) {
      return null;
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (Map.Entry<String, Path> e : byHost.entrySet()) {
        load(e.getValue(), store, e.getKey());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      for (var km : kmf.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) {
          return new PerHost(x);
        }
      }
      throw new IllegalStateException("no X509 key manager");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the client key store: " + e, e);
    }
  }

  /** Reads the certificate chain and key of {@code file} into {@code store} under {@code alias}. */
  static void load(Path file, KeyStore store, String alias) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw bad(file, "cannot read it: " + e.getMessage());
    }
    List<Certificate> chain = new ArrayList<>();
    PrivateKey key = null;
    Matcher m = PEM.matcher(text);
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
        switch (m.group(1)) {
          case "CERTIFICATE" -> chain.add(x509.generateCertificate(new ByteArrayInputStream(der)));
          case "PRIVATE KEY" -> key = pkcs8(der, file);
          case "RSA PRIVATE KEY" -> key = rsa(der);
          case "ENCRYPTED PRIVATE KEY" ->
              throw bad(file, "its private key is encrypted, which clients cannot use unattended");
          default ->
              throw bad(
                  file,
                  "it holds a '"
                      + m.group(1)
                      + "' block; convert the key with `openssl pkcs8 -topk8 -nocrypt`");
        }
      }
      if (chain.isEmpty() || key == null) {
        throw bad(file, "it needs both a CERTIFICATE and its PRIVATE KEY, in PEM");
      }
      store.setKeyEntry(alias, key, NO_PASSWORD, chain.toArray(new Certificate[0]));
    } catch (GeneralSecurityException e) {
      throw bad(file, e.getMessage());
    }
  }

  /** PKCS#8, whatever the algorithm. */
  private static PrivateKey pkcs8(byte[] der, Path file) {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw bad(file, "its PRIVATE KEY is of an algorithm gpux does not know (RSA, EC, EdDSA)");
  }

  /** PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, older openssl): wrapped into PKCS#8. */
  private static PrivateKey rsa(byte[] pkcs1) throws GeneralSecurityException {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = concat(tagLength(0x04, pkcs1.length), pkcs1);
    byte[] body = concat(concat(version, algorithm), octets);
    byte[] der = concat(tagLength(0x30, body.length), body);
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static byte[] tagLength(int tag, int length) {
    if (length < 0x80) {
      return new byte[] {(byte) tag, (byte) length};
    }
    int bytes = length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    byte[] out = new byte[2 + bytes];
    out[0] = (byte) tag;
    out[1] = (byte) (0x80 | bytes);
    for (int i = 0; i < bytes; i++) {
      out[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static GpuxException bad(Path file, String why) {
    return GpuxException.invalidInput(
        "cannot use the client certificate " + file + ": " + why,
        "give a PEM file with the certificate and its unencrypted private key"
            + " (cat cert.pem key.pem > client.pem)");
  }

  /** Offers the certificate stored under a host's name only when talking to that host. */
  private static final class PerHost extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    PerHost(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    private String aliasFor(String peer, String[] keyTypes, Principal[] issuers) {
      if (peer == null) {
        return null;
      }
      String host = peer.toLowerCase(Locale.ROOT);
      for (String type : keyTypes) {
        String[] aliases = keys.getClientAliases(type, issuers);
        if (aliases != null && java.util.Arrays.asList(aliases).contains(host)) {
          return host;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return aliasFor(engine == null ? null : engine.getPeerHost(), keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      String peer =
          socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
              ? ssl.getHandshakeSession().getPeerHost()
              : null;
      return aliasFor(peer, keyType, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null; // a client only
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
