package io.gpux.transfer;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JVM's default SSL context, created on first use. The JDK HTTP client builds its context when
 * the client is built, and the default one loads the CA certificates and the TLS provider: about
 * 0.15 s of a command's start, wasted on a registry reached over plain HTTP (a local MLflow server,
 * a mirror on the LAN). With this context that cost is paid by the first HTTPS connection only.
 */
final class LazySslContext extends SSLContext {
  private LazySslContext(Supplier<SSLContext> make) {
    super(new Spi(make), null, "Default");
  }

  /** A context that becomes {@link SSLContext#getDefault()} when first used for a connection. */
  static SSLContext ofDefault() {
    return of(LazySslContext::jvmDefault);
  }

  /** A context that becomes {@code make}'s when first used; {@code make} runs once. */
  static SSLContext of(Supplier<SSLContext> make) {
    return new LazySslContext(make);
  }

  private static SSLContext jvmDefault() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default TLS context: " + e, e);
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final Supplier<SSLContext> make;
    private SSLContext delegate;

    Spi(Supplier<SSLContext> make) {
      this.make = make;
    }

    private synchronized SSLContext delegate() {
      if (delegate == null) {
        delegate = make.get();
      }
      return delegate;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws java.security.KeyManagementException {
      // As the JDK's own default context answers: it initialises itself.
      throw new java.security.KeyManagementException(
          "the default SSL context is initialised automatically");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return delegate().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return delegate().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return delegate().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate().getSupportedSSLParameters();
    }
  }
}
