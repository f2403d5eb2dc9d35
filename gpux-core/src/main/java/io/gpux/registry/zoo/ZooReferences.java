package io.gpux.registry.zoo;

import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;
import io.gpux.ref.ReferenceSyntax;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code zoo:NAME[@OPSET]}, with the zoo's display names written as typed ({@code zoo:MNIST},
 * {@code "zoo:Emotion FERPlus@8"}) or in their folder-safe form ({@code zoo:emotion-ferplus}).
 *
 * <p>The parsed name is the catalogue name's <em>key</em>: lower case, each run of characters other
 * than letters, digits, '.', '_' and '-' turned into '-', and runs of '-' into one. So the store
 * holds one copy whatever case a user typed ({@code onnx.hub} matches names case-insensitively),
 * and names with spaces and parentheses map onto folders safely. The version is an opset
 * ({@code @12}) or an exact version ({@code @12-5c688690f8ba}: the opset and the first 12 hex
 * digits of the file's sha256), which is what a pull records, so that a file changed upstream under
 * the same opset is a new version.
 */
final class ZooReferences implements ReferenceGrammar {
  private static final Pattern OTHER = Pattern.compile("[^a-z0-9._-]+");
  private static final Pattern VERSION = Pattern.compile("[0-9]{1,4}(-[0-9a-f]{12})?");

  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    String version = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      version = rest.substring(at + 1).toLowerCase(Locale.ROOT);
      rest = rest.substring(0, at);
      if (!VERSION.matcher(version).matches()) {
        throw io.gpux.error.GpuxException.invalidInput(
            "invalid model reference '" + text + "': '" + version + "' is not an opset",
            "write zoo:NAME or zoo:NAME@OPSET, e.g. zoo:MNIST@8; `gpux versions zoo:NAME`"
                + " lists the opsets");
      }
    }
    String key = key(rest);
    if (key.isEmpty()) {
      throw ReferenceSyntax.invalid(text, "has no model name");
    }
    ReferenceSyntax.checkName(text, key);
    return new ModelRef(registry, key, version, null);
  }

  /** The folder-safe, case-free form of a zoo model name. */
  static String key(String name) {
    String k =
        OTHER
            .matcher(name.trim().toLowerCase(Locale.ROOT))
            .replaceAll("-")
            .replaceAll("-{2,}", "-");
    while (k.startsWith("-")) {
      k = k.substring(1);
    }
    while (k.endsWith("-")) {
      k = k.substring(0, k.length() - 1);
    }
    return k;
  }
}
