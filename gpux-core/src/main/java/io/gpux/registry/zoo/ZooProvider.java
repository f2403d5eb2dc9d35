package io.gpux.registry.zoo;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;

/** The ONNX Model Zoo: {@code zoo:NAME[@OPSET]}. */
public final class ZooProvider implements RegistryProvider {
  private static final ReferenceGrammar GRAMMAR = new ZooReferences();

  @Override
  public String name() {
    return "zoo";
  }

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  @Override
  public Registry create(RegistryContext context) {
    return new ZooRegistry(new ZooSource(context));
  }
}
