package io.gpux.testing.mlflow;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * In a full test run ({@code bin/test} sets {@code gpux.mlflow.prestart=true}), starts the build's
 * shared MLflow server and its fixture as soon as the first test JVM opens (gpux-testing's), so
 * that they get ready while Maven compiles and tests the modules before the first MLflow test: a
 * server start and the fixture take tens of seconds of mostly Python start-up, which otherwise sit
 * on the build's critical path. Elsewhere (an IDE, {@code -Dtest=...}, {@code bin/test --fast}) the
 * first MLflow test starts it, as before. A failure here is reported by that test.
 */
public final class MlflowPrestart implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!Boolean.getBoolean("gpux.mlflow.prestart")) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                MlflowServer.prestartShared();
              } catch (Throwable e) {
                // No environment, or no server: MlflowServer.shared() says so to the test.
              }
            },
            "mlflow-prestart");
    t.setDaemon(true);
    t.start();
  }
}
