package io.gpux.registry.mlflow;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;
import io.gpux.transfer.TlsTrust;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MLflow Model Registry: {@code mlflow:name/3}, {@code mlflow:name@alias}, {@code models:/...},
 * {@code runs:/...} on the server of {@code MLFLOW_TRACKING_URI}.
 */
public final class MlflowRegistryProvider implements RegistryProvider {
  @Override
  public String name() {
    return "mlflow";
  }

  /**
   * {@code MLFLOW_TRACKING_SERVER_CERT_PATH} (a PEM CA or certificate to trust as well), {@code
   * MLFLOW_TRACKING_CLIENT_CERT_PATH} (a PEM certificate and key to show when asked) and {@code
   * MLFLOW_TRACKING_INSECURE_TLS=true} (no verification), for the tracking server's host only.
   */
  @Override
  public Map<String, TlsTrust.HostRule> tls(Map<String, String> env) {
    String uri = env.get("MLFLOW_TRACKING_URI");
    if (uri == null || !uri.startsWith("https://")) {
      return Map.of();
    }
    String host;
    try {
      host = new URI(uri).getHost();
    } catch (java.net.URISyntaxException e) {
      return Map.of(); // the registry says what is wrong with the URL when it is used
    }
    boolean insecure =
        "true".equalsIgnoreCase(env.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", ""));
    Path cert = path(env.get("MLFLOW_TRACKING_SERVER_CERT_PATH"));
    Path clientCert = path(env.get("MLFLOW_TRACKING_CLIENT_CERT_PATH"));
    if (host == null || (!insecure && cert == null && clientCert == null)) {
      return Map.of();
    }
    return Map.of(host.toLowerCase(Locale.ROOT), new TlsTrust.HostRule(insecure, cert, clientCert));
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  @Override
  public List<String> uriSchemes() {
    return List.of(MlflowReferences.MODELS_URI, MlflowReferences.RUNS_URI);
  }

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  private static final ReferenceGrammar GRAMMAR = new MlflowReferences();

  @Override
  public Registry create(RegistryContext context) {
    return new MlflowRegistry(new MlflowApi(context));
  }
}
