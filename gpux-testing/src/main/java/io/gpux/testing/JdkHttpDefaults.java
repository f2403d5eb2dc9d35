package io.gpux.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Sets, before any test runs, the JDK HTTP client property that {@code io.gpux.transfer.
 * HttpTransport} sets when it loads: {@code jdk.http.auth.tunneling.disabledSchemes} empty, so a
 * proxy's Basic credentials go with {@code CONNECT}. The JDK client reads it once, when its first
 * client is built; in gpux that is always through {@code HttpTransport}, but a test JVM runs many
 * classes, and one that builds a bare JDK client first would fix the JDK's default for the rest.
 */
public final class JdkHttpDefaults implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
  }
}
