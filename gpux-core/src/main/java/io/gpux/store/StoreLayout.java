package io.gpux.store;

import io.gpux.digest.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each thing lives under the store's home, seen from one workspace; see the package
 * documentation.
 *
 * <p>Manifests and snapshots are scoped to a workspace, blobs are not. The workspace {@code
 * default} keeps {@code manifests/} and {@code snapshots/}, where every store before workspaces had
 * them, so that an existing store needs no file moved; another workspace {@code W} has {@code
 * workspaces/W/manifests/} and {@code workspaces/W/snapshots/}. A manifest's folder says which
 * workspace it belongs to, so a lost index is rebuilt with every version in its workspace.
 *
 * @param workspace the workspace whose manifests and snapshots {@link #manifest} and {@link
 *     #snapshot} name
 */
record StoreLayout(Path home, String workspace) {
  static final String DEFAULT = io.gpux.index.WorkspaceTables.DEFAULT;

  /** The rule for workspace names (see {@code workspace.Names}): each is a safe folder name. */
  private static final java.util.regex.Pattern WORKSPACE =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  static final String[] FOLDERS = {
    "blobs/sha256", "manifests", "snapshots", "tmp", "locks", "writeback", "workspaces"
  };

  /**
   * Taken by whatever decides which blobs are in use (commit, remove, prune) and by whatever
   * creates folders that prune may find empty, so that prune never deletes a blob or folder that is
   * about to be used.
   */
  static final String GC_LOCK = "store:gc";

  /** The layout seen from the workspace {@code default}. */
  StoreLayout(Path home) {
    this(home, DEFAULT);
  }

  /** The same store seen from another workspace. */
  StoreLayout in(String otherWorkspace) {
    return new StoreLayout(home, otherWorkspace);
  }

  Path blobs() {
    return home.resolve("blobs/sha256");
  }

  Path blob(String sha256) {
    return blobs().resolve(StorePaths.checkDigest(sha256));
  }

  /** {@code workspaces/}: the manifests and snapshots of every workspace but the default one. */
  Path workspaces() {
    return home.resolve("workspaces");
  }

  /** The folder of a workspace other than the default one (its name is a safe folder name). */
  private Path workspaceFolder(String ws) {
    if (!WORKSPACE.matcher(ws).matches()) {
      throw io.gpux.error.GpuxException.invalidInput(
          "'" + StorePaths.printable(ws) + "' is not a valid workspace name", null);
    }
    return workspaces().resolve(ws);
  }

  /** This workspace's manifests. */
  Path manifests() {
    return manifests(workspace);
  }

  Path manifests(String ws) {
    return ws.equals(DEFAULT)
        ? home.resolve("manifests")
        : workspaceFolder(ws).resolve("manifests");
  }

  Path manifest(String registry, String name, String version) {
    return manifests()
        .resolve(StorePaths.registry(registry))
        .resolve(StorePaths.name(name))
        .resolve(StorePaths.version(version) + ".json");
  }

  /** The folder holding the manifests of every version of one model (and nothing else's). */
  Path modelManifests(String registry, String name) {
    return manifests().resolve(StorePaths.registry(registry)).resolve(StorePaths.name(name));
  }

  /** This workspace's snapshots. */
  Path snapshots() {
    return snapshots(workspace);
  }

  Path snapshots(String ws) {
    return ws.equals(DEFAULT)
        ? home.resolve("snapshots")
        : workspaceFolder(ws).resolve("snapshots");
  }

  Path snapshot(String registry, String name, String version) {
    return snapshots()
        .resolve(StorePaths.registry(registry))
        .resolve(StorePaths.name(name))
        .resolve(StorePaths.version(version));
  }

  /**
   * Every workspace that has a folder here: {@code default} first, then those under {@code
   * workspaces/} by name. Whatever else sits there (a stray file, a name no workspace can have) is
   * not a workspace.
   */
  List<String> workspacesOnDisk() throws IOException {
    List<String> out = new ArrayList<>();
    out.add(DEFAULT);
    if (!Files.isDirectory(workspaces())) {
      return out;
    }
    List<String> others = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(workspaces())) {
      for (Path p : d) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p) && WORKSPACE.matcher(n).matches() && !n.equals(DEFAULT)) {
          others.add(n);
        }
      }
    }
    others.sort(null);
    out.addAll(others);
    return out;
  }

  /**
   * Written once this folder's manifests were split among the workspaces after V11 (see {@code
   * ModelStore.settleSharedManifests}); a dot file, which is no workspace.
   */
  Path settled() {
    return workspaces().resolve(".v11-manifests");
  }

  Path tmp() {
    return home.resolve("tmp");
  }

  /** One small record per blob whose bytes may not be on disk yet ({@link WriteBack}). */
  Path writeback() {
    return home.resolve("writeback");
  }

  Path locks() {
    return home.resolve("locks");
  }

  /** The lock file of a key: named by its hash, so that any text is a safe key. */
  Path lockFile(String key) {
    return locks().resolve(Sha256.hex(key.getBytes(StandardCharsets.UTF_8)) + ".lock");
  }

  Path index() {
    return home.resolve("index.db");
  }

  String relative(Path p) {
    return home.relativize(p).toString().replace('\\', '/');
  }
}
