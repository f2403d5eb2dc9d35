package io.gpux.registry;

import io.gpux.error.GpuxException;
import io.gpux.transfer.HttpTransport;
import java.net.URI;
import java.util.Locale;

/**
 * A registry's URL from its variable ({@code HF_ENDPOINT}, {@code MLFLOW_TRACKING_URI}, {@code
 * WANDB_BASE_URL}), checked once, where it is read: an {@code http(s)://host[:port][/path]} URL, or
 * a one-line error naming the variable and the form it needs.
 *
 * <p>User info in the URL ({@code http://user:password@host}) is refused rather than used: it would
 * end up in messages, in the stored models' source and in the index, and every registry has its own
 * variable for credentials, which the hint names. The refusal never repeats the password.
 */
public final class Endpoints {
  private Endpoints() {}

  /**
   * {@link #parse} of {@code variable} from the registry's environment, or of {@code fallback} (the
   * public service) when it is unset.
   */
  public static String fromEnv(
      RegistryContext context, String variable, String fallback, String credentials) {
    return parse(context.http(), variable, context.env(variable, fallback), fallback, credentials);
  }

  /**
   * The URL without a trailing slash; registered with {@code http} so that errors reaching it name
   * {@code variable}.
   *
   * @param credentials how this registry takes credentials instead ("set HF_TOKEN ...")
   */
  public static String parse(
      HttpTransport http, String variable, String value, String example, String credentials) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (java.net.URISyntaxException e) {
      throw notAUrl(variable, value, example);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getRawUserInfo() != null
        || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      throw GpuxException.invalidInput(
          variable
              + " holds a user name or password ("
              + redact(value)
              + "): gpux does not take credentials from a URL",
          "remove them from " + variable + "; " + credentials);
    }
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw notAUrl(variable, value, example);
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    if (http != null) {
      http.nameEndpoint(uri, variable);
    }
    return text;
  }

  private static GpuxException notAUrl(String variable, String value, String example) {
    return GpuxException.invalidInput(
        variable + "=" + redact(value) + " is not an http(s) URL",
        "set " + variable + " to http(s)://host[:port], e.g. " + example);
  }

  /** The value with anything that may be user info replaced, and control characters escaped. */
  static String redact(String value) {
    String v = value;
    int at = v.lastIndexOf('@');
    if (at >= 0) {
      int scheme = v.indexOf("://");
      v = (scheme >= 0 && scheme < at ? v.substring(0, scheme + 3) : "") + "***" + v.substring(at);
    }
    StringBuilder sb = new StringBuilder();
    for (char c : v.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
