package io.gpux.ref;

import java.util.Objects;

/**
 * A parsed model reference such as {@code hf:distilbert/distilbert-base-uncased@main}. See the
 * package documentation for the grammar.
 *
 * @param registry the registry's canonical name ({@code hf}, {@code mlflow}...), or null when the
 *     reference had no prefix
 * @param name the model's name within the registry, e.g. {@code org/model}
 * @param version what follows {@code @} (a revision, a version number, a digest), or null
 * @param tag what follows {@code :} after the name (an alias or tag), or null
 */
public record ModelRef(String registry, String name, String version, String tag) {

  public ModelRef {
    Objects.requireNonNull(name, "name");
  }

  public static ModelRef of(String registry, String name) {
    return new ModelRef(registry, name, null, null);
  }

  public ModelRef withRegistry(String r) {
    return new ModelRef(r, name, version, tag);
  }

  public ModelRef withVersion(String v) {
    return new ModelRef(registry, name, v, tag);
  }

  /** The version or tag asked for, or null when the registry's default (latest) is meant. */
  public String qualifier() {
    return version != null ? version : tag;
  }

  /** The canonical text; parsing it gives this reference back. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (registry != null) {
      sb.append(registry).append(':');
    }
    sb.append(name);
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (version != null) {
      sb.append('@').append(version);
    }
    return sb.toString();
  }
}
