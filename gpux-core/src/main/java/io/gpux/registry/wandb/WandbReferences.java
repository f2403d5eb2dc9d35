package io.gpux.registry.wandb;

import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;

/**
 * W&amp;B references are Docker-shaped ({@code wandb:entity/project/artifact:alias}); an exact
 * version is written as W&amp;B writes it, {@code :v3}, not {@code @v3}.
 */
final class WandbReferences implements ReferenceGrammar {
  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    return ReferenceGrammar.DEFAULT.parse(registry, prefix, rest, text);
  }

  @Override
  public String exact(String registry, String name, String version) {
    return registry + ":" + name + ":" + version;
  }
}
