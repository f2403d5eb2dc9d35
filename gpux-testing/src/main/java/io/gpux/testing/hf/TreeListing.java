package io.gpux.testing.hf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The items of {@code /api/models/{id}/tree/{rev}[/{path}]}: files as {@code RepoFile} reads them
 * ({@code oid} is the git blob id, {@code lfs.oid} the sha256) and folders as {@code
 * {"type":"directory"}}. Folders appear in recursive listings too, as on the Hub.
 */
final class TreeListing {
  private TreeListing() {}

  /** The listing, or null when {@code path} is not a folder of the commit. */
  static List<Object> of(
      FakeRepo repo, Commit commit, String path, boolean recursive, boolean expand) {
    String prefix = path.isEmpty() ? "" : path + "/";
    SortedMap<String, Object> items = new TreeMap<>();
    for (HubFile f : commit.files().values()) {
      if (!f.path().startsWith(prefix)) {
        continue;
      }
      String rel = f.path().substring(prefix.length());
      int slash = rel.indexOf('/');
      if (!recursive && slash >= 0) {
        String dir = prefix + rel.substring(0, slash);
        items.computeIfAbsent(dir, d -> folder(repo, commit, d, expand));
        continue;
      }
      for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
        String dir = prefix + rel.substring(0, i);
        items.computeIfAbsent(dir, d -> folder(repo, commit, d, expand));
      }
      items.put(f.path(), file(repo, commit, f, expand));
    }
    return items.isEmpty() && !path.isEmpty() ? null : new ArrayList<>(items.values());
  }

  private static Map<String, Object> file(FakeRepo repo, Commit commit, HubFile f, boolean expand) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "file");
    m.put("oid", f.blobId());
    m.put("size", f.size());
    m.put("path", f.path());
    if (f.lfs()) {
      Map<String, Object> lfs = new LinkedHashMap<>();
      lfs.put("oid", f.sha256());
      lfs.put("size", f.size());
      lfs.put("pointerSize", f.pointerSize());
      m.put("lfs", lfs);
    }
    if (expand) {
      m.put("lastCommit", lastCommit(repo, commit, f.path(), false));
      Map<String, Object> scan = new LinkedHashMap<>();
      scan.put("status", "safe");
      scan.put("avScan", Map.of("virusFound", false));
      scan.put("pickleImportScan", null);
      m.put("securityFileStatus", scan);
    }
    return m;
  }

  private static Map<String, Object> folder(
      FakeRepo repo, Commit commit, String dir, boolean expand) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "directory");
    m.put("oid", signature(commit, dir, true));
    m.put("size", 0);
    m.put("path", dir);
    if (expand) {
      m.put("lastCommit", lastCommit(repo, commit, dir, true));
    }
    return m;
  }

  /** The newest commit up to {@code commit} that changed the path, as {@code lastCommit}. */
  private static Map<String, Object> lastCommit(
      FakeRepo repo, Commit commit, String path, boolean dir) {
    Commit c = commit;
    while (c.parent() != null) {
      Commit parent = repo.commitAt(c.parent());
      if (!Objects.equals(signature(c, path, dir), signature(parent, path, dir))) {
        break;
      }
      c = parent;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.sha());
    m.put("title", c.title());
    m.put("date", ModelJson.date(c.date()));
    return m;
  }

  /** A file's blob id, or a folder's id derived from what it holds (null when absent). */
  private static String signature(Commit commit, String path, boolean dir) {
    if (!dir) {
      HubFile f = commit.files().get(path);
      return f == null ? null : f.blobId();
    }
    StringBuilder s = new StringBuilder("tree\n");
    boolean any = false;
    for (HubFile f : commit.files().tailMap(path + "/").values()) {
      if (!f.path().startsWith(path + "/")) {
        break;
      }
      s.append(f.path()).append(' ').append(f.blobId()).append('\n');
      any = true;
    }
    if (!any) {
      return null;
    }
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
