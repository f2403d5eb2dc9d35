package io.gpux.registry.torchhub;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A PyTorch Hub reference, {@code OWNER/REPO[:REF]/ENTRYPOINT[?NAME=VALUE&...]}.
 *
 * <p>As a {@link ModelRef}: the name is {@code OWNER/REPO/ENTRYPOINT} followed by the arguments in
 * their canonical form ({@code ?num_classes=10&weights=None}: sorted by name), because one
 * entrypoint built with other arguments is another model; the ref is the tag (a branch or git tag)
 * or, when it is a full commit sha, the version. A reference with no entrypoint ({@code
 * OWNER/REPO}, for {@code gpux versions}) has the name {@code OWNER/REPO}.
 *
 * @param ref the branch, tag or commit asked for, or null for torch.hub's default (main, else
 *     master)
 * @param entrypoint hubconf.py's function, or null
 * @param arguments the entrypoint's keyword arguments by name (sorted), values as written
 */
record HubRef(
    String owner, String repo, String ref, String entrypoint, Map<String, String> arguments) {
  static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/+-]+");
  static final String FORM = "torchhub:OWNER/REPO[:REF]/ENTRYPOINT[?NAME=VALUE&...]";

  HubRef {
    arguments = java.util.Collections.unmodifiableMap(new TreeMap<>(arguments));
  }

  /** The text after {@code torchhub:}. */
  static HubRef parse(String rest, String text) {
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String owner;
    String repo;
    String ref = null;
    String entry = null;
    int colon = rest.indexOf(':');
    String head = colon < 0 ? rest : rest.substring(0, colon);
    String[] parts = head.split("/", -1);
    if (colon >= 0) {
      if (parts.length != 2) {
        throw invalid(text, "'" + head + "' is not OWNER/REPO");
      }
      String tail = rest.substring(colon + 1);
      int slash = tail.lastIndexOf('/');
      ref = slash < 0 ? tail : tail.substring(0, slash);
      entry = slash < 0 ? null : tail.substring(slash + 1);
    } else if (parts.length == 3) {
      entry = parts[2];
    } else if (parts.length != 2) {
      throw invalid(text, "'" + head + "' is not OWNER/REPO/ENTRYPOINT");
    }
    owner = parts[0];
    repo = parts[1];
    for (String s : List.of(owner, repo)) {
      if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
        throw invalid(text, "'" + s + "' is not a GitHub owner or repository name");
      }
    }
    if (ref != null && (!REF.matcher(ref).matches() || ref.contains("..") || ref.endsWith("/"))) {
      throw invalid(text, "'" + ref + "' is not a git branch, tag or commit");
    }
    if (entry != null && !IDENTIFIER.matcher(entry).matches()) {
      throw invalid(text, "'" + entry + "' is not an entrypoint (a Python function name)");
    }
    Map<String, String> args = arguments(query, text);
    if (entry == null && !args.isEmpty()) {
      throw invalid(text, "has arguments but no entrypoint to pass them to");
    }
    return new HubRef(owner, repo, ref, entry, args);
  }

  private static Map<String, String> arguments(String query, String text) {
    Map<String, String> args = new TreeMap<>();
    if (query == null || query.isEmpty()) {
      return args;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : decode(pair.substring(0, eq));
      if (eq <= 0 || !IDENTIFIER.matcher(key).matches()) {
        throw invalid(text, "argument '" + pair + "' is not NAME=VALUE");
      }
      String value = decode(pair.substring(eq + 1));
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw invalid(text, "the value of " + key + " has a line break");
      }
      if (args.put(key, value) != null) {
        throw invalid(text, "names argument " + key + " twice");
      }
    }
    return args;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** This reference with more arguments ({@code --arg} on the command line). */
  HubRef withArguments(Map<String, String> more) {
    Map<String, String> all = new TreeMap<>(arguments);
    all.putAll(more);
    return new HubRef(owner, repo, ref, entrypoint, all);
  }

  static GpuxException invalid(String text, String why) {
    return GpuxException.invalidInput(
        "invalid model reference '" + text + "': " + why,
        "write "
            + FORM
            + ", e.g. torchhub:pytorch/vision:v0.29.2/resnet18?weights=None"
            + " (docs/registries/pytorch-hub.md)");
  }

  String repository() {
    return owner + "/" + repo;
  }

  /**
   * The arguments as the query string: {@code num_classes=10&weights=None}, values percent-encoded
   * where they need it (so {@code &} in a value survives), or empty.
   */
  String query() {
    List<String> pairs = new ArrayList<>();
    arguments.forEach(
        (k, v) ->
            pairs.add(
                k
                    + "="
                    + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
    return String.join("&", pairs);
  }

  /** The stored model's name: {@code OWNER/REPO/ENTRYPOINT[?ARGS]}, or {@code OWNER/REPO}. */
  String modelName() {
    if (entrypoint == null) {
      return repository();
    }
    return repository() + "/" + entrypoint + (arguments.isEmpty() ? "" : "?" + query());
  }

  ModelRef toModelRef(String registry) {
    boolean sha = ref != null && SHA.matcher(ref).matches();
    return new ModelRef(registry, modelName(), sha ? ref : null, sha ? null : ref);
  }

  /** Back from a {@link ModelRef} this grammar made (its name, tag or version). */
  static HubRef of(ModelRef ref) {
    String qualifier = ref.version() != null ? ref.version() : ref.tag();
    String name = ref.name();
    int q = name.indexOf('?');
    String path = q < 0 ? name : name.substring(0, q);
    String[] parts = path.split("/");
    String text =
        parts[0]
            + "/"
            + parts[1]
            + (qualifier == null ? "" : ":" + qualifier)
            + (parts.length > 2 ? "/" + parts[2] : "")
            + (q < 0 ? "" : name.substring(q));
    return parse(text, "torchhub:" + text);
  }

  /** The reference as a user writes it, with {@code ref} in place of this one's. */
  String text(String atRef) {
    return "torchhub:"
        + repository()
        + (atRef == null ? "" : ":" + atRef)
        + (entrypoint == null ? "" : "/" + entrypoint)
        + (arguments.isEmpty() ? "" : "?" + query());
  }

  /** The grammar: references are parsed here, in the plug-in that owns them. */
  static final class Grammar implements ReferenceGrammar {
    @Override
    public ModelRef parse(String registry, String prefix, String rest, String text) {
      return HubRef.parse(rest, text).toModelRef(registry);
    }

    @Override
    public String exact(String registry, String name, String version) {
      return of(new ModelRef(registry, name, null, null)).text(version);
    }
  }
}
