package io.gpux.discover;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.ModelSummary;
import io.gpux.spelling.EditDistance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One list of task names for every registry, the Hugging Face task names as the base, and how each
 * registry states a model's task (its own task field, key=value tags, tag sets, descriptions). The
 * mapping is data, {@code tasks.json} beside this class, so a new spelling is one line there.
 */
public final class TaskVocabulary {
  private static final TaskVocabulary BUILT_IN = load();

  private final Set<String> tasks;
  private final Map<String, String> canonical;
  private final Map<String, RegistryRules> registries;
  private final List<Set<String>> mirrorOwners;

  /** How one registry states tasks. */
  record RegistryRules(
      boolean taskField,
      boolean serverSide,
      List<String> keys,
      List<String> text,
      List<Map.Entry<Set<String>, String>> rules) {}

  private TaskVocabulary(
      Set<String> tasks,
      Map<String, String> canonical,
      Map<String, RegistryRules> registries,
      List<Set<String>> mirrorOwners) {
    this.tasks = tasks;
    this.canonical = canonical;
    this.registries = registries;
    this.mirrorOwners = mirrorOwners;
  }

  /** The vocabulary shipped in {@code tasks.json}. */
  public static TaskVocabulary builtIn() {
    return BUILT_IN;
  }

  private static TaskVocabulary load() {
    try (InputStream in = TaskVocabulary.class.getResourceAsStream("tasks.json")) {
      if (in == null) {
        throw new IllegalStateException("tasks.json is missing from the classpath");
      }
      return parse(io.gpux.json.Json.mapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tasks.json", e);
    }
  }

  static TaskVocabulary parse(JsonNode root) {
    Set<String> tasks = new LinkedHashSet<>();
    Map<String, String> canonical = new HashMap<>();
    root.path("tasks")
        .fields()
        .forEachRemaining(
            e -> {
              String task = normalize(e.getKey());
              tasks.add(task);
              canonical.put(task, task);
              e.getValue().forEach(a -> canonical.putIfAbsent(normalize(a.asText()), task));
            });
    Map<String, RegistryRules> registries = new LinkedHashMap<>();
    root.path("registries")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode r = e.getValue();
              List<Map.Entry<Set<String>, String>> rules = new ArrayList<>();
              for (JsonNode rule : r.path("rules")) {
                Set<String> tags = new LinkedHashSet<>();
                rule.path("tags").forEach(t -> tags.add(normalize(t.asText())));
                rules.add(Map.entry(tags, normalize(rule.path("task").asText())));
              }
              registries.put(
                  e.getKey(),
                  new RegistryRules(
                      r.path("task_field").asBoolean(true),
                      r.path("server_side").asBoolean(false),
                      strings(r.path("keys")),
                      strings(r.path("text")),
                      rules));
            });
    List<Set<String>> owners = new ArrayList<>();
    for (JsonNode group : root.path("mirrors").path("owners")) {
      Set<String> g = new LinkedHashSet<>();
      group.forEach(o -> g.add(o.asText().toLowerCase(Locale.ROOT)));
      owners.add(g);
    }
    return new TaskVocabulary(tasks, canonical, registries, owners);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText().toLowerCase(Locale.ROOT)));
    return out;
  }

  /** Lower case, {@code _} and spaces read as {@code -}: {@code Text Classification} matches. */
  static String normalize(String s) {
    return s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "-").replaceAll("-{2,}", "-");
  }

  /** The task names, in the file's order. */
  public List<String> tasks() {
    return List.copyOf(tasks);
  }

  /** The task a name or alias means, or null when it is none of them. */
  public String lookup(String name) {
    return name == null || name.isBlank() ? null : canonical.get(normalize(name));
  }

  /**
   * The task {@code name} means, or an error naming the close task names (exit 2 in the CLI).
   *
   * @throws GpuxException INVALID_INPUT when it is no task name or alias
   */
  public String require(String name) {
    String task = lookup(name);
    if (task != null) {
      return task;
    }
    String n = normalize(name);
    List<String> close =
        tasks.stream()
            .filter(t -> t.contains(n) || EditDistance.between(n, t) <= Math.max(2, n.length() / 4))
            .sorted(Comparator.comparingInt(t -> EditDistance.between(n, t)))
            .limit(4)
            .toList();
    throw GpuxException.invalidInput(
        "unknown task '" + name + "'",
        close.isEmpty()
            ? "use a Hugging Face task name, e.g. text-classification or image-classification"
                + " (docs/discover.md lists them)"
            : "did you mean " + String.join(", ", close) + "?");
  }

  /** Whether {@code registry} takes these task names as they are, so the filter is sent to it. */
  public boolean serverSide(String registry) {
    RegistryRules r = registries.get(registry);
    return r != null && r.serverSide();
  }

  /**
   * The task of a search hit, in this vocabulary, from wherever its registry states it; or null.
   */
  public String taskOf(ModelSummary s) {
    RegistryRules r = registries.getOrDefault(s.registry(), DEFAULT_RULES);
    // 1. A key=value tag or figure that states the task (MLflow tags, OCI annotations).
    for (String tag : s.tags()) {
      int eq = tag.indexOf('=');
      if (eq > 0 && r.keys().contains(tag.substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
        String t = lookup(tag.substring(eq + 1));
        if (t != null) {
          return t;
        }
      }
    }
    for (String key : r.keys()) {
      if (s.extras().get(key) instanceof String v && lookup(v) != null) {
        return lookup(v);
      }
    }
    // 2. The registry's own task field, where it holds a task (not W&B's artifact type).
    if (r.taskField() && s.task() != null) {
      String t = lookup(s.task());
      if (t != null) {
        return t;
      }
      if (r.serverSide()) {
        return normalize(s.task()); // a base-vocabulary task this list does not name yet
      }
    }
    // 3. Sets of tags that together state a task (the zoo's "vision" + "classification").
    Set<String> tags = new LinkedHashSet<>();
    s.tags().forEach(t -> tags.add(normalize(t)));
    for (Map.Entry<Set<String>, String> rule : r.rules()) {
      if (tags.containsAll(rule.getKey())) {
        return rule.getValue();
      }
    }
    // 4. One tag that is a task name or alias (Hugging Face and Kaggle tag models so).
    for (String tag : tags) {
      String t = lookup(tag);
      if (t != null) {
        return t;
      }
    }
    // 5. A task named in free text (a W&B collection's description).
    for (String field : r.text()) {
      if (s.extras().get(field) instanceof String text) {
        String t = findIn(text);
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  /** The longest task name or alias written as words in {@code text}, as its task. */
  private String findIn(String text) {
    String words = "-" + normalize(text.replaceAll("[^\\p{Alnum}/]+", " ")) + "-";
    return canonical.entrySet().stream()
        .filter(e -> e.getKey().length() >= 3 && words.contains("-" + e.getKey() + "-"))
        .max(Comparator.comparingInt(e -> e.getKey().length()))
        .map(Map.Entry::getValue)
        .orElse(null);
  }

  /**
   * The owner under which {@code owner}'s models are the same models, for de-duplication: the first
   * owner of its mirror group, or itself.
   */
  String ownerFamily(String owner) {
    if (owner == null) {
      return null;
    }
    String o = owner.toLowerCase(Locale.ROOT);
    for (Set<String> group : mirrorOwners) {
      if (group.contains(o)) {
        return group.iterator().next();
      }
    }
    return o;
  }

  private static final RegistryRules DEFAULT_RULES =
      new RegistryRules(true, false, List.of("task"), List.of(), List.of());
}
