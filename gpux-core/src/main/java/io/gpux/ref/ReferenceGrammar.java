package io.gpux.ref;

/**
 * How one registry writes its references. The parser only splits off the prefix ({@code hf:},
 * {@code mlflow:}, or a URI scheme such as {@code models:/}) and hands the rest to the registry
 * that owns it, so each registry's syntax lives in its own plug-in and a new registry never edits
 * the parser.
 */
public interface ReferenceGrammar {
  /**
   * Parses what follows the prefix.
   *
   * @param registry the registry's canonical name, or null for a reference with no prefix
   * @param prefix what was split off: {@code hf:}, {@code models:/}, or empty for no prefix
   * @param rest the text after the prefix
   * @param text the whole reference, for messages
   * @throws io.gpux.error.GpuxException (invalid input) naming what is wrong and the form expected
   */
  ModelRef parse(String registry, String prefix, String rest, String text);

  /**
   * The reference to one exact version, in the form a user may paste back: {@code
   * hf:org/name@<commit>} by default.
   */
  default String exact(String registry, String name, String version) {
    return registry + ":" + name + "@" + version;
  }

  /**
   * {@code [registry:]name[@version][:tag]} with the safe-name rules of {@link ReferenceSyntax}.
   */
  ReferenceGrammar DEFAULT = new DefaultGrammar();
}
