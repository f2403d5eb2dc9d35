package io.gpux.config;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The settings file, {@code GPUX_HOME/config.yml}: settings this user keeps for every {@code gpux}
 * on this machine, each standing for an environment variable ({@code index.url} for {@code
 * GPUX_INDEX_URL}). The environment wins over the file, so a script or CI can override it, and a
 * variable set empty turns the file's value off.
 *
 * <p>It lives in {@code GPUX_HOME} beside what is this user's already (credentials, the workspace
 * {@code gpux workspace use} chose), so one variable moves all of it and a test's own GPUX_HOME
 * gets a file of its own. YAML, as gpux.yml is, with the keys either dotted ({@code index.url:
 * ...}) or nested ({@code index:} then {@code url: ...}). An unknown key or malformed YAML is an
 * error naming the file and the line, never a setting silently ignored.
 *
 * <p>Secrets: a password inside {@code index.url} is accepted only while the file is readable by
 * its owner alone (0600), as libpq demands of {@code ~/.pgpass}; {@link #write} creates it so.
 * Values are shown only through {@link #redact}.
 */
public final class SettingsFile {
  /** The file's name under GPUX_HOME. */
  public static final String NAME = "config.yml";

  /** Each key the file knows and the variable it stands for. */
  public static final Map<String, String> KEYS = Map.of("index.url", "GPUX_INDEX_URL");

  /**
   * The environment entry, {@code ORIGIN + variable}, that says a variable came from the file
   * ({@code "index.url in /home/u/.gpux/config.yml"}), so that messages name what to fix. No real
   * variable's name has a dot.
   */
  public static final String ORIGIN = "gpux.origin.";

  private static final Pattern PASSWORD = Pattern.compile("://[^:@/]*:[^@/]*@");

  private final Path file;
  private final Map<String, String> values;

  private SettingsFile(Path file, Map<String, String> values) {
    this.file = file;
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** The file of the store at {@code home}. */
  public static Path of(Path home) {
    return home.resolve(NAME);
  }

  public Path file() {
    return file;
  }

  /** The settings it holds, by key. */
  public Map<String, String> values() {
    return values;
  }

  public Optional<String> get(String key) {
    check(key);
    return Optional.ofNullable(values.get(key));
  }

  /** Reads {@code file}; a file that does not exist holds no settings. */
  public static SettingsFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new SettingsFile(file, Map.of());
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read the settings file " + file + ": " + e.getMessage(),
          "check its permissions, or remove it");
    }
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      // The problem only, never the context SnakeYAML quotes: that line may hold a password.
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw GpuxException.invalidInput(
          file + ":" + line + ": malformed YAML: " + oneLine(e.getProblem()),
          "fix the YAML at that line (key: value, indentation, quotes), or run gpux config set");
    } catch (YAMLException e) {
      throw GpuxException.invalidInput(
          file + ": malformed YAML", "fix the YAML, or remove the file and run gpux config set");
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root != null) {
      if (!(root instanceof MappingNode mapping)) {
        throw error(file, root, "the settings file must be a mapping (key: value)");
      }
      collect(file, mapping, "", values);
    }
    SettingsFile read = new SettingsFile(file, values);
    read.checkSecrets();
    return read;
  }

  private static void collect(
      Path file, MappingNode mapping, String prefix, Map<String, String> out) {
    for (NodeTuple t : mapping.getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode k)) {
        throw error(file, keyNode, "a key must be a name, e.g. index.url");
      }
      String key = prefix + k.getValue();
      Node value = t.getValueNode();
      if (value instanceof MappingNode nested) {
        collect(file, nested, key + ".", out);
        continue;
      }
      if (!KEYS.containsKey(key)) {
        throw error(file, keyNode, unknown(key).problem());
      }
      if (!(value instanceof ScalarNode s)) {
        throw error(file, value, key + " must be a single value, not a list");
      }
      if (s.getTag().equals(Tag.NULL)) {
        continue; // "index.url:" with nothing after it: not set
      }
      if (out.containsKey(key)) {
        throw error(file, keyNode, key + " is set twice");
      }
      out.put(key, s.getValue().trim());
    }
  }

  private void checkSecrets() {
    String url = values.get("index.url");
    if (url == null || !PASSWORD.matcher(url).find() || readableByOwnerOnly(file)) {
      return;
    }
    throw GpuxException.invalidInput(
        file
            + " holds a password in index.url but can be read by others than its owner; the"
            + " password was not used",
        "chmod 600 " + file + ", or keep the password in PGPASSWORD or ~/.pgpass");
  }

  private static boolean readableByOwnerOnly(Path file) {
    try {
      for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * {@code env} with the file's settings added for the variables it does not set (even to an empty
   * value: the environment wins), each marked with where it came from ({@link #ORIGIN}).
   */
  public Map<String, String> over(Map<String, String> env) {
    if (values.isEmpty()) {
      return env;
    }
    Map<String, String> merged = new java.util.HashMap<>(env);
    values.forEach(
        (key, value) -> {
          String variable = KEYS.get(key);
          if (!env.containsKey(variable)) {
            merged.put(variable, value);
            merged.put(ORIGIN + variable, key + " in " + file);
          }
        });
    return merged;
  }

  /**
   * These settings with {@code key} set to {@code value} (null: removed); {@link #write} keeps it.
   */
  public SettingsFile with(String key, String value) {
    check(key);
    Map<String, String> next = new TreeMap<>(values);
    if (value == null) {
      next.remove(key);
    } else {
      next.put(key, value);
    }
    return new SettingsFile(file, next);
  }

  /**
   * Writes the settings (one {@code key: value} line each, sorted; comments the file had are not
   * kept), replacing the file at once, readable by its owner only.
   */
  public void write() {
    StringBuilder text =
        new StringBuilder(
            "# GPUX settings (gpux config set KEY VALUE); the environment wins over them.\n");
    values.forEach((k, v) -> text.append(k).append(": ").append(quote(v)).append('\n'));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp =
          Files.createTempFile(
              file.toAbsolutePath().getParent(),
              ".config",
              ".tmp",
              PosixFilePermissions.asFileAttribute(
                  Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot write the settings file " + file + ": " + e.getMessage(),
          "check that GPUX_HOME is writable");
    }
  }

  /** A value as YAML keeps it: plain when that reads back the same, else double-quoted. */
  private static String quote(String v) {
    if (v.matches("[A-Za-z0-9_./:@%+=?&,-]+")
        && !v.matches("(?i)true|false|yes|no|null|~|on|off")
        && !v.matches("[0-9.+-].*")) {
      return v;
    }
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * One setting as it applies now.
   *
   * @param value its value, null when unset (show it through {@link #redact})
   * @param source where it came from: {@code "environment"}, the settings file's path, or null
   */
  public record Setting(String key, String variable, String value, String source) {}

  /**
   * Every setting the file knows, by key, as the environment {@code env} of a {@link GpuxSettings}
   * (the file already merged in by {@link #over}) has it.
   */
  public static java.util.List<Setting> effective(Map<String, String> env) {
    java.util.List<Setting> out = new java.util.ArrayList<>();
    new TreeMap<>(KEYS)
        .forEach(
            (key, variable) -> {
              String value = env.get(variable);
              String origin = env.get(ORIGIN + variable);
              String source =
                  value == null
                      ? null
                      : origin != null
                          ? origin.substring(origin.indexOf(" in ") + 4)
                          : "environment";
              out.add(new Setting(key, variable, value, source));
            });
    return out;
  }

  /** Checks a value before {@link #with} keeps it: what its variable would accept. */
  public static void checkValue(String key, String value) {
    check(key);
    if (key.equals("index.url") && !value.matches("(?:postgresql|postgres)://[^/\\s]+/[^/\\s]+")) {
      throw GpuxException.invalidInput(
          "index.url is not a PostgreSQL URL: " + redact(value),
          "write it as postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD or"
              + " ~/.pgpass); gpux config unset index.url goes back to the local index");
    }
  }

  /** {@code value} with any password of a URL in it cut out, as it may be shown. */
  public static String redact(String value) {
    return value.replaceAll("(://[^:@/]*):[^@/]*@", "$1:***@");
  }

  /** Throws the error for a key this file does not know. */
  public static void check(String key) {
    if (!KEYS.containsKey(key)) {
      throw unknown(key);
    }
  }

  private static GpuxException unknown(String key) {
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String k : new TreeMap<>(KEYS).keySet()) {
      int d = io.gpux.spelling.EditDistance.between(key, k);
      if (d < best) {
        best = d;
        closest = k;
      }
    }
    return GpuxException.invalidInput(
        "unknown setting '"
            + key
            + "'"
            + (closest != null && best <= 3 ? " (did you mean " + closest + "?)" : ""),
        "the settings are: " + String.join(", ", new TreeMap<>(KEYS).keySet()));
  }

  private static GpuxException error(Path file, Node node, String what) {
    int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    return GpuxException.invalidInput(
        file + ":" + line + ": " + what,
        "the settings are: " + String.join(", ", new TreeMap<>(KEYS).keySet()));
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
