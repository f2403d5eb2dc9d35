package io.gpux.registry.oci;

import io.gpux.ref.ReferenceGrammar;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RegistryProvider;
import java.util.List;

/** OCI registries: {@code oci://HOST[:PORT]/REPO:TAG} and {@code ...@sha256:DIGEST}. */
public final class OciProvider implements RegistryProvider {
  private static final ReferenceGrammar GRAMMAR = new OciReferences();

  @Override
  public String name() {
    return "oci";
  }

  @Override
  public List<String> uriSchemes() {
    return List.of(OciReferences.SCHEME);
  }

  @Override
  public ReferenceGrammar grammar() {
    return GRAMMAR;
  }

  @Override
  public String account(String text) {
    return OciReferences.account(text);
  }

  @Override
  public Registry create(RegistryContext context) {
    return new OciRegistry(context);
  }
}
