package io.gpux.registry.mlflow;

import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;

/**
 * The MLflow Model Registry: {@code mlflow:name/3}, {@code mlflow:name@alias}, {@code models:/...},
 * {@code runs:/...} on the server of {@code MLFLOW_TRACKING_URI}.
 */
public final class MlflowRegistryProvider implements RegistryProvider {
  @Override
  public String name() {
    return "mlflow";
  }

  @Override
  public Registry create(RegistryContext context) {
    return new MlflowRegistry(new MlflowApi(context));
  }
}
