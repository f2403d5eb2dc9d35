package io.gpux.registry.mlflow;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.util.Map;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The MLflow plug-in against a real MLflow server behind the basic-auth app. */
// Its methods run side by side (each has its own store): after the shared server is ready they are
// the build's critical path, and they mostly wait on the server and on ONNX Runtime.
@Execution(ExecutionMode.CONCURRENT)
@Slow
class MlflowRegistryContractTest extends RegistryContract {
  @Override
  protected Map<String, String> startServer() throws Exception {
    return SharedMlflow.env();
  }

  @Override
  protected void stopServer() {
    // The build's shared server: it stops with the build.
  }

  @Override
  protected String existingReference() {
    return "mlflow:adder@champion";
  }

  @Override
  protected String missingReference() {
    return "mlflow:no-such-model";
  }

  @Override
  protected String secret() {
    return MlflowServer.ADMIN_PASSWORD;
  }
}
