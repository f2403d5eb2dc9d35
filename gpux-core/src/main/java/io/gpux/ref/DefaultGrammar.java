package io.gpux.ref;

/**
 * {@code name[:tag][@version]}: the Docker-like form most registries use (Hugging Face, W&amp;B)
 * and the form of references with no prefix. A tag is recognised only after the last {@code /} of
 * the name.
 */
final class DefaultGrammar implements ReferenceGrammar {
  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    String version = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      version = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (version.isEmpty()) {
        throw ReferenceSyntax.invalid(text, "has an empty version after '@'");
      }
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int tagColon = rest.indexOf(':', lastSlash + 1);
    if (tagColon >= 0) {
      tag = rest.substring(tagColon + 1);
      rest = rest.substring(0, tagColon);
      ReferenceSyntax.checkTag(text, tag, "tag");
    }
    ReferenceSyntax.checkName(text, rest);
    return new ModelRef(registry, rest, version, tag);
  }
}
