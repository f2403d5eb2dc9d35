package io.gpux.registry.oci;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code oci://HOST[:PORT]/REPO[/...][:TAG][@sha256:DIGEST]}. The model's name is {@code
 * HOST[:PORT]/REPO} (the host lower-cased), the tag defaults to {@code latest} when neither a tag
 * nor a digest is given, and the version is the digest. Repository names follow the distribution
 * spec's rule (lower case, {@code .}, {@code _}, {@code __} or dashes between parts), which also
 * keeps them safe as folders.
 */
final class OciReferences implements ReferenceGrammar {
  static final String SCHEME = "oci://";

  private static final Pattern HOST =
      Pattern.compile(
          "([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    String r = rest.startsWith("//") ? rest.substring(2) : rest;
    String digest = null;
    int at = r.indexOf('@');
    if (at >= 0) {
      digest = r.substring(at + 1);
      r = r.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw invalid(text, "has '" + digest + "' after '@', which is not sha256:<64 hex digits>");
      }
    }
    int slash = r.indexOf('/');
    if (slash <= 0 || slash == r.length() - 1) {
      throw invalid(text, "names no repository after the registry's host");
    }
    String host = r.substring(0, slash).toLowerCase(Locale.ROOT);
    String repo = r.substring(slash + 1);
    if (!HOST.matcher(host).matches()) {
      throw invalid(text, "has the host '" + host + "', which is not a host name[:port]");
    }
    String tag = null;
    int colon = repo.indexOf(':', repo.lastIndexOf('/') + 1);
    if (colon >= 0) {
      tag = repo.substring(colon + 1);
      repo = repo.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(
            text, "has the tag '" + tag + "' (letters, digits, '.', '_', '-'; 128 at most)");
      }
    }
    for (String part : repo.split("/", -1)) {
      if (!COMPONENT.matcher(part).matches()) {
        throw invalid(
            text,
            "has the repository part '"
                + part
                + "' (lower-case letters and digits, with '.', '_' or '-' between them)");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ModelRef(registry, host + "/" + repo, digest, tag);
  }

  @Override
  public String exact(String registry, String name, String version) {
    return SCHEME + name + "@" + version;
  }

  static GpuxException invalid(String text, String why) {
    return GpuxException.invalidInput(
        "invalid OCI reference '" + text + "': it " + why,
        "write oci://HOST[:PORT]/REPO[:TAG] or oci://HOST[:PORT]/REPO@sha256:DIGEST,"
            + " e.g. oci://ghcr.io/acme/classifier:v1");
  }

  /** The host of a model name {@code HOST[:PORT]/REPO}. */
  static String host(String name) {
    return name.substring(0, name.indexOf('/'));
  }

  /** The repository of a model name {@code HOST[:PORT]/REPO}. */
  static String repository(String name) {
    return name.substring(name.indexOf('/') + 1);
  }

  /** {@code oci://HOST} (lower-cased, checked) for {@code gpux login oci://HOST}, or null. */
  static String account(String text) {
    if (!text.startsWith(SCHEME)) {
      return null;
    }
    String host = text.substring(SCHEME.length()).toLowerCase(Locale.ROOT);
    while (host.endsWith("/")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!HOST.matcher(host).matches()) {
      throw GpuxException.invalidInput(
          "'" + text + "' is not oci://HOST[:PORT]",
          "log in to a registry host, e.g. gpux login oci://ghcr.io --username USER");
    }
    return SCHEME + host;
  }
}
