package io.gpux.registry.hf;

import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;
import java.util.List;

/** The Hugging Face Hub: {@code hf:org/name[@revision]}. */
public final class HfRegistryProvider implements RegistryProvider {
  @Override
  public String name() {
    return "hf";
  }

  @Override
  public List<String> aliases() {
    return List.of("huggingface");
  }

  @Override
  public String defaultName() {
    return "main";
  }

  @Override
  public Registry create(RegistryContext context) {
    return new HfRegistry(new HfApi(context));
  }
}
