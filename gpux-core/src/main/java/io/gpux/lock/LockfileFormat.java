package io.gpux.lock;

import io.gpux.error.GpuxException;
import io.gpux.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The text of a lockfile: YAML, because people read and review it, written by hand here so the
 * bytes are stable (fixed key order, every string double-quoted in JSON's escapes, which YAML reads
 * the same way, one file per line so a changed file is a one-line diff):
 *
 * <pre>
 * lockfile: 1
 * models:
 *   - registry: "hf"
 *     name: "acme/digits"
 *     requested: "main"
 *     version: "6c1f...40 hex"
 *     source: "https://huggingface.co/acme/digits"
 *     files:
 *       - {path: "config.json", size: 612, sha256: "9a0b..."}
 * </pre>
 *
 * Reading is strict (unknown keys, a digest that is not 64 hex digits, an unsafe path are errors
 * naming the line), since a lockfile that restores something other than what it says is worse than
 * none.
 */
final class LockfileFormat {
  private static final Set<String> TOP = Set.of("lockfile", "models");
  private static final Set<String> MODEL =
      Set.of(
          "registry",
          "name",
          "requested",
          "version",
          "variant",
          "include",
          "exclude",
          "source",
          "files");
  private static final Set<String> FILE = Set.of("path", "size", "sha256");
  private static final String HINT = "regenerate it with `gpux lock REF... -o FILE`";

  private LockfileFormat() {}

  static String write(Lockfile lock) {
    StringBuilder out = new StringBuilder();
    out.append("# Exact model versions and file digests, written by `gpux lock`.\n");
    out.append("# Restore them with `gpux sync FILE`; see docs/lockfiles.md.\n");
    out.append("lockfile: ").append(Lockfile.FORMAT).append('\n');
    if (lock.models().isEmpty()) {
      return out.append("models: []\n").toString();
    }
    out.append("models:\n");
    for (LockedModel m : lock.models()) {
      out.append("  - registry: ").append(quote(m.registry())).append('\n');
      field(out, "name", m.name());
      field(out, "requested", m.requested());
      field(out, "version", m.version());
      field(out, "variant", m.variant());
      list(out, "include", m.include());
      list(out, "exclude", m.exclude());
      field(out, "source", m.source());
      if (m.files().isEmpty()) {
        out.append("    files: []\n");
        continue;
      }
      out.append("    files:\n");
      for (LockedFile f : m.files()) {
        out.append("      - {path: ")
            .append(quote(f.path()))
            .append(", size: ")
            .append(f.size())
            .append(", sha256: ")
            .append(quote(f.sha256()))
            .append("}\n");
      }
    }
    return out.toString();
  }

  private static void field(StringBuilder out, String key, String value) {
    if (value != null) {
      out.append("    ").append(key).append(": ").append(quote(value)).append('\n');
    }
  }

  private static void list(StringBuilder out, String key, List<String> values) {
    if (!values.isEmpty()) {
      out.append("    ").append(key).append(": [");
      for (int i = 0; i < values.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
      }
      out.append("]\n");
    }
  }

  /** A JSON string literal: YAML's double-quoted scalars take JSON's escapes as they are. */
  private static String quote(String s) {
    try {
      return io.gpux.json.Json.mapper().writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Lockfile read(String text, String file) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(options).compose(new java.io.StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw bad(file, line, "is not valid YAML (" + oneLine(e.getProblem()) + ")");
    } catch (YAMLException e) {
      throw bad(file, 0, "is not valid YAML (" + oneLine(e.getMessage()) + ")");
    }
    if (!(root instanceof MappingNode top)) {
      throw bad(file, 1, "is not a lockfile: it has no 'lockfile: 1' and 'models:'");
    }
    Map<String, Node> fields = fields(file, top, TOP, "");
    Node format = fields.get("lockfile");
    if (format == null) {
      throw bad(file, 1, "is not a lockfile: 'lockfile: " + Lockfile.FORMAT + "' is missing");
    }
    String v = scalar(file, format, "lockfile");
    if (!v.matches("\\d{1,6}")) {
      throw bad(file, line(format), "'lockfile' must be a number, got '" + v + "'");
    }
    if (Integer.parseInt(v) > Lockfile.FORMAT) {
      throw GpuxException.invalidInput(
          file + ": written by a newer GPUX (lockfile format " + v + ")",
          "upgrade GPUX to read it");
    }
    Node models = fields.get("models");
    if (models == null) {
      throw bad(file, line(top), "'models:' is missing");
    }
    if (!(models instanceof SequenceNode seq)) {
      throw bad(file, line(models), "'models' must be a list");
    }
    List<LockedModel> out = new ArrayList<>();
    int i = 0;
    for (Node item : seq.getValue()) {
      out.add(model(file, item, "models[" + i++ + "]"));
    }
    return new Lockfile(out);
  }

  private static LockedModel model(String file, Node node, String where) {
    if (!(node instanceof MappingNode mapping)) {
      throw bad(
          file, line(node), where + " must be a mapping (registry:, name:, version:, files:)");
    }
    Map<String, Node> f = fields(file, mapping, MODEL, where + ".");
    String registry = required(file, mapping, f, "registry", where);
    String name = required(file, mapping, f, "name", where);
    String version = required(file, mapping, f, "version", where);
    Node filesNode = f.get("files");
    if (filesNode == null) {
      throw bad(file, line(mapping), where + ".files is missing");
    }
    if (!(filesNode instanceof SequenceNode filesSeq)) {
      throw bad(file, line(filesNode), where + ".files must be a list");
    }
    List<LockedFile> files = new ArrayList<>();
    java.util.Set<String> paths = new java.util.HashSet<>();
    int i = 0;
    for (Node item : filesSeq.getValue()) {
      LockedFile lf = file(file, item, where + ".files[" + i++ + "]");
      if (!paths.add(lf.path())) {
        throw bad(file, line(item), "'" + lf.path() + "' is listed twice in " + where + ".files");
      }
      files.add(lf);
    }
    return new LockedModel(
        registry,
        name,
        optional(file, f, "requested"),
        version,
        optional(file, f, "variant"),
        strings(file, f.get("include"), where + ".include"),
        strings(file, f.get("exclude"), where + ".exclude"),
        optional(file, f, "source"),
        files,
        line(mapping));
  }

  private static LockedFile file(String file, Node node, String where) {
    if (!(node instanceof MappingNode mapping)) {
      throw bad(file, line(node), where + " must be {path: ..., size: ..., sha256: ...}");
    }
    Map<String, Node> f = fields(file, mapping, FILE, where + ".");
    String path = required(file, mapping, f, "path", where);
    try {
      ModelStore.checkFilePath(path);
    } catch (GpuxException e) {
      throw bad(file, line(f.get("path")), where + ".path: " + e.problem());
    }
    String size = required(file, mapping, f, "size", where);
    if (!size.matches("\\d{1,18}")) {
      throw bad(
          file, line(f.get("size")), where + ".size must be a whole number, got '" + size + "'");
    }
    String sha = required(file, mapping, f, "sha256", where);
    if (!sha.matches("[0-9a-f]{64}")) {
      throw bad(
          file,
          line(f.get("sha256")),
          where + ".sha256 of " + path + " is not a sha256 digest (64 lowercase hex digits)");
    }
    return new LockedFile(path, Long.parseLong(size), sha);
  }

  private static Map<String, Node> fields(
      String file, MappingNode mapping, Set<String> known, String prefix) {
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw bad(file, line(t.getKeyNode()), "a key must be a plain word");
      }
      if (!known.contains(k.getValue())) {
        throw bad(
            file,
            line(k),
            "unknown field '"
                + prefix
                + k.getValue()
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
      if (out.put(k.getValue(), t.getValueNode()) != null) {
        throw bad(file, line(k), "'" + prefix + k.getValue() + "' is given twice");
      }
    }
    return out;
  }

  private static String required(
      String file, Node parent, Map<String, Node> f, String key, String where) {
    Node n = f.get(key);
    if (n == null) {
      throw bad(file, line(parent), where + "." + key + " is missing");
    }
    String v = scalar(file, n, where + "." + key);
    if (v.isEmpty()) {
      throw bad(file, line(n), where + "." + key + " is empty");
    }
    return v;
  }

  private static String optional(String file, Map<String, Node> f, String key) {
    Node n = f.get(key);
    return n == null ? null : scalar(file, n, key);
  }

  private static List<String> strings(String file, Node n, String where) {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof SequenceNode seq)) {
      throw bad(file, line(n), where + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      out.add(scalar(file, item, where));
    }
    return out;
  }

  private static String scalar(String file, Node n, String where) {
    if (!(n instanceof ScalarNode s)) {
      throw bad(file, line(n), where + " must be a single value");
    }
    return s.getValue();
  }

  private static int line(Node n) {
    return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }

  private static GpuxException bad(String file, int line, String problem) {
    return GpuxException.invalidInput(
        file + (line > 0 ? ":" + line : "") + ": " + problem, "fix that line, or " + HINT);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
