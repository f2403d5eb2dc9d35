package io.gpux.testing.wandb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An artifact collection: a sequence (the versions a project logged) or a portfolio (a registry
 * collection, or a legacy model-registry one, whose members link to versions of sequences). Each
 * member has its own version index; {@code latest} always names the newest member.
 */
public final class WandbCollection {
  final String id;
  final String entity;
  final String project;
  final String name;
  final String type;
  final boolean portfolio;
  final Instant created;
  final List<WandbVersion> members = new ArrayList<>();
  final Map<String, Integer> aliases = new LinkedHashMap<>();
  volatile String description = "";

  WandbCollection(
      String id, String entity, String project, String name, String type, boolean portfolio) {
    this.id = id;
    this.entity = entity;
    this.project = project;
    this.name = name;
    this.type = type;
    this.portfolio = portfolio;
    this.created = Instant.parse("2026-01-01T00:00:00Z");
  }

  public String name() {
    return name;
  }

  /** Sets the collection's description (where W&amp;B users often state the task). */
  public WandbCollection description(String text) {
    this.description = text;
    return this;
  }

  public String entity() {
    return entity;
  }

  public String project() {
    return project;
  }

  synchronized int add(WandbVersion v, List<String> newAliases) {
    members.add(v);
    int index = members.size() - 1;
    for (String a : newAliases) {
      aliases.put(a, index);
    }
    return index;
  }

  /** Moves an alias to the member with this index. */
  public synchronized WandbCollection alias(String alias, int index) {
    aliases.put(alias, index);
    return this;
  }

  synchronized List<String> aliasesOf(int index) {
    List<String> out = new ArrayList<>();
    if (index == members.size() - 1) {
      out.add("latest");
    }
    aliases.forEach(
        (a, i) -> {
          if (i == index && !a.equals("latest")) {
            out.add(a);
          }
        });
    return out;
  }

  /** The member an alias or {@code vN} names. */
  synchronized Optional<Integer> find(String alias) {
    if (alias.matches("v[0-9]+")) {
      int i = Integer.parseInt(alias.substring(1));
      return i < members.size() ? Optional.of(i) : Optional.empty();
    }
    if (alias.equals("latest")) {
      return members.isEmpty() ? Optional.empty() : Optional.of(members.size() - 1);
    }
    return Optional.ofNullable(aliases.get(alias));
  }

  synchronized List<WandbVersion> members() {
    return List.copyOf(members);
  }
}
