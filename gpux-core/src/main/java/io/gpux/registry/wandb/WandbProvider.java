package io.gpux.registry.wandb;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;

/** Weights &amp; Biases artifacts and registries: {@code wandb:entity/project/artifact:alias}. */
public final class WandbProvider implements RegistryProvider {
  @Override
  public String name() {
    return "wandb";
  }

  private static final ReferenceGrammar GRAMMAR = new WandbReferences();

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  @Override
  public Registry create(RegistryContext context) {
    return new WandbRegistry(new WandbGraphql(context));
  }
}
