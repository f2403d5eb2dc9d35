package io.gpux.registry.kaggle;

import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;
import io.gpux.ref.ReferenceSyntax;
import java.util.List;
import java.util.Locale;

/**
 * The reference forms of Kaggle Models and TensorFlow Hub:
 *
 * <ul>
 *   <li>{@code kaggle:OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]}, kagglehub's handle ({@code @N} is
 *       read as {@code /N} too); the stored name spells the framework as Kaggle's URLs do;
 *   <li>{@code https://www.kaggle.com/models/OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]} and the
 *       long page form {@code .../frameworks/F/variations/V/versions/N};
 *   <li>{@code tfhub:PUBLISHER/MODEL/...[/VERSION]} and {@code https://tfhub.dev/...}: a TF Hub
 *       handle, kept as the name {@code tfhub.dev/<handle>}; the registry follows tfhub.dev's
 *       redirect to learn the Kaggle variation, and {@code @N} pins that variation's version.
 * </ul>
 */
final class KaggleReferences implements ReferenceGrammar {
  static final String TFHUB_NAME = "tfhub.dev/";
  static final List<String> SCHEMES =
      List.of("https://tfhub.dev/", "https://www.kaggle.com/models/", "https://kaggle.com/models/");

  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    String p = prefix.toLowerCase(Locale.ROOT);
    if (p.startsWith("https://")) {
      rest = withoutQuery(rest);
      while (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
    }
    if (p.equals("tfhub:") || p.equals("https://tfhub.dev/")) {
      return tfhub(registry, rest, text);
    }
    if (p.startsWith("https://")) {
      rest = shortForm(rest);
    }
    String version = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      version = Integer.toString(KaggleHandle.version(rest.substring(at + 1), text));
      rest = rest.substring(0, at);
    }
    KaggleHandle h = KaggleHandle.parse(rest, text);
    if (h.version() > 0) {
      if (version != null) {
        throw KaggleHandle.invalid(
            text, "has two versions", "write the version once: /VERSION at the end");
      }
      version = Integer.toString(h.version());
    }
    return new ModelRef(registry, h.name(), version, null);
  }

  private static ModelRef tfhub(String registry, String rest, String text) {
    String version = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      version = Integer.toString(KaggleHandle.version(rest.substring(at + 1), text));
      rest = rest.substring(0, at);
    }
    if (rest.isEmpty()) {
      throw KaggleHandle.invalid(
          text,
          "has no TF Hub handle",
          "write tfhub:PUBLISHER/MODEL/VERSION as on tfhub.dev, e.g."
              + " tfhub:google/imagenet/mobilenet_v2_100_224/classification/5");
    }
    ReferenceSyntax.checkName(text, rest);
    return new ModelRef(registry, TFHUB_NAME + rest, version, null);
  }

  /** {@code o/m/frameworks/F/variations/V[/versions/N]} as {@code o/m/F/V[/N]}; others as given. */
  static String shortForm(String path) {
    String[] s = path.split("/", -1);
    if (s.length >= 6 && s[2].equals("frameworks") && s[4].equals("variations")) {
      String out = s[0] + "/" + s[1] + "/" + s[3] + "/" + s[5];
      if (s.length == 8 && s[6].equals("versions")) {
        return out + "/" + s[7];
      }
      return s.length == 6 ? out : path;
    }
    return path;
  }

  private static String withoutQuery(String s) {
    int q = s.indexOf('?');
    int hash = s.indexOf('#');
    int end = q >= 0 ? q : s.length();
    if (hash >= 0 && hash < end) {
      end = hash;
    }
    return s.substring(0, end);
  }

  @Override
  public String exact(String registry, String name, String version) {
    if (name.startsWith(TFHUB_NAME)) {
      return "tfhub:" + name.substring(TFHUB_NAME.length()) + "@" + version;
    }
    return registry + ":" + name + "/" + version;
  }
}
