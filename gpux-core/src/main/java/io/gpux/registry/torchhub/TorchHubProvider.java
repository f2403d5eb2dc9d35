package io.gpux.registry.torchhub;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;

/** PyTorch Hub: {@code torchhub:OWNER/REPO[:REF]/ENTRYPOINT[?NAME=VALUE&...]}. */
public final class TorchHubProvider implements RegistryProvider {
  private static final ReferenceGrammar GRAMMAR = new HubRef.Grammar();

  @Override
  public String name() {
    return TorchHubRegistry.NAME;
  }

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  /** torch.hub's default is main, else master: a bare reference follows the local name main. */
  @Override
  public String defaultName() {
    return "main";
  }

  @Override
  public Registry create(RegistryContext context) {
    return new TorchHubRegistry(context);
  }
}
