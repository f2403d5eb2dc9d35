package io.gpux.registry.kaggle;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;
import java.util.List;

/**
 * Kaggle Models ({@code kaggle:OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]}) and TensorFlow Hub
 * handles ({@code tfhub:...}, {@code https://tfhub.dev/...}), which tfhub.dev redirects to Kaggle.
 */
public final class KaggleProvider implements RegistryProvider {
  private static final ReferenceGrammar GRAMMAR = new KaggleReferences();

  @Override
  public String name() {
    return "kaggle";
  }

  @Override
  public List<String> aliases() {
    return List.of("tfhub");
  }

  @Override
  public List<String> uriSchemes() {
    return KaggleReferences.SCHEMES;
  }

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  @Override
  public Registry create(RegistryContext context) {
    return new KaggleRegistry(new KaggleApi(context));
  }
}
