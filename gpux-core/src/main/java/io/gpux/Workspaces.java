package io.gpux;

import io.gpux.error.GpuxException;
import io.gpux.index.IndexDatabase;
import io.gpux.index.WorkspaceTables;
import io.gpux.store.ModelStore;
import io.gpux.workspace.Names;
import io.gpux.workspace.Workspace;
import io.gpux.workspace.WorkspaceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Workspaces ({@code gpux workspace}): create, choose ({@code use}), list, show, set a registry
 * setting, delete. Each workspace has its own stored versions (manifests), local names, pins, tag
 * history and collections over the one store; only the blobs are shared, so removing a version in
 * one workspace never touches another's copy (see {@link io.gpux.workspace}). Get it from {@link
 * Gpux#workspaces()}.
 *
 * <p>The workspace a process works in is {@link io.gpux.config.GpuxSettings#workspace()}; {@code
 * use} writes this user's choice under GPUX_HOME, not in the index, so that a team sharing an index
 * does not switch each other's workspace.
 */
public final class Workspaces {
  private final Resources resources;

  Workspaces(Resources resources) {
    this.resources = resources;
  }

  /** The workspace this process works in. */
  public String current() {
    return resources.settings.workspace();
  }

  private WorkspaceTables tables() {
    return new WorkspaceTables(db());
  }

  private IndexDatabase db() {
    ModelStore store = resources.store(false);
    return store.indexDatabase();
  }

  /** {@code gpux workspace create NAME}: a new, empty workspace. */
  public Workspace create(String name) {
    Names.check("workspace", name);
    WorkspaceTables t = tables();
    db().transaction(
            () -> {
              if (t.exists(name)) {
                throw GpuxException.invalidInput(
                    "workspace '" + name + "' already exists", "see `gpux workspace list`");
              }
              t.create(name, resources.settings.clock().instant());
            });
    return show(name);
  }

  /** {@code gpux workspace use NAME}: this user works in {@code name} from now on. */
  public Workspace use(String name) {
    Names.check("workspace", name);
    WorkspaceTables t = tables();
    if (!t.exists(name)) {
      throw Names.unknownWorkspace(name, t.names());
    }
    Path file = resources.settings.workspaceFile();
    try {
      Path tmp = file.resolveSibling("workspace.tmp");
      Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot record the workspace in " + file + ": " + e.getMessage(),
          "check GPUX_HOME's permissions");
    }
    return show(name);
  }

  /** Every workspace, by name. */
  public List<Workspace> list() {
    WorkspaceTables t = tables();
    String current = current();
    return t.all().stream()
        .map(
            r ->
                new Workspace(
                    r.name(),
                    r.createdAt(),
                    r.name().equals(current),
                    r.tags(),
                    r.collections(),
                    r.versions(),
                    t.settings(r.name())))
        .toList();
  }

  /** One workspace ({@code null}: the current one). */
  public Workspace show(String name) {
    String n = name == null ? current() : Names.check("workspace", name);
    List<Workspace> all = list();
    return all.stream()
        .filter(w -> w.name().equals(n))
        .findFirst()
        .orElseThrow(() -> Names.unknownWorkspace(n, all.stream().map(Workspace::name).toList()));
  }

  /**
   * {@code gpux workspace set KEY VALUE}: one registry setting of the current workspace (or of
   * {@code workspace}); an empty value clears it. Secrets are refused.
   */
  public Workspace set(String workspace, String key, String value) {
    String n = workspace == null ? current() : Names.check("workspace", workspace);
    String v = value == null || value.isBlank() ? null : value.trim();
    WorkspaceSettings.check(key, v);
    WorkspaceTables t = tables();
    if (!t.exists(n)) {
      throw Names.unknownWorkspace(n, t.names());
    }
    db().transaction(() -> t.set(n, key.toLowerCase(java.util.Locale.ROOT), v));
    return show(n);
  }

  /**
   * {@code gpux workspace delete NAME [--force]}: drops a workspace's versions (their manifests and
   * snapshots), local names, pins, history, collections and settings. A workspace that holds any of
   * them is refused without {@code force}; the default workspace is never deleted. The blobs only
   * it used stay on disk until {@code gpux prune}.
   */
  public Workspace delete(String name, boolean force) {
    Names.check("workspace", name);
    if (name.equals(WorkspaceTables.DEFAULT)) {
      throw GpuxException.invalidInput(
          "the default workspace cannot be deleted", "delete the workspaces you created");
    }
    Workspace w = show(name);
    if (!w.empty() && !force) {
      throw GpuxException.invalidInput(
          "workspace '"
              + name
              + "' is not empty ("
              + w.tags()
              + " local names, "
              + w.collections()
              + " collections, "
              + w.versions()
              + " versions)",
          "add --force to delete it with everything in it");
    }
    resources.store(false).dropWorkspace(name);
    Path file = resources.settings.workspaceFile();
    try {
      if (Files.exists(file) && Files.readString(file).trim().equals(name)) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot reset the workspace in " + file + ": " + e.getMessage(),
          "check GPUX_HOME's permissions");
    }
    return w;
  }
}
