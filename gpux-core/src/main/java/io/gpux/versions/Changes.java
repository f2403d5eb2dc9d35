package io.gpux.versions;

import io.gpux.registry.RemoteFile;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What differs between a stored version and the one a registry's name points to now, by path,
 * compared by the strongest digest both sides have (sha256, then the registry's own digest), else
 * by size.
 *
 * @param changed files whose digest (or size) differs
 * @param unknown files on both sides that cannot be compared: the registry lists no digest and the
 *     sizes are equal (MLflow lists sizes only), so whether they changed is known only once fetched
 * @param bytesDelta the remote version's size minus the stored one's, over files whose size both
 *     know
 */
public record Changes(
    List<String> added,
    List<String> removed,
    List<String> changed,
    List<String> unknown,
    long bytesDelta) {

  public Changes {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    unknown = List.copyOf(unknown);
  }

  public static final Changes NONE = new Changes(List.of(), List.of(), List.of(), List.of(), 0);

  /**
   * Whether the ONNX signature (inputs, outputs) changed: false when no {@code .onnx} file changed
   * (the signature lives there), null when one did: telling needs its bytes, and a check downloads
   * none.
   */
  public Boolean signatureChanged() {
    for (List<String> paths : List.of(added, removed, changed, unknown)) {
      if (paths.stream().anyMatch(p -> p.endsWith(".onnx"))) {
        return null;
      }
    }
    return false;
  }

  public boolean any() {
    return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty() || bytesDelta != 0;
  }

  /**
   * Compares {@code local} with {@code remote}. Files the pull derived (a generated gpux.yml) are
   * the store's, not the registry's, and are left out unless the registry lists the path too.
   */
  public static Changes between(VersionManifest local, List<RemoteFile> remote) {
    Map<String, RemoteFile> there = new LinkedHashMap<>();
    remote.forEach(f -> there.put(f.path(), f));
    Map<String, ManifestFile> here = new LinkedHashMap<>();
    for (ManifestFile f : local.files()) {
      boolean derived = local.lineage().containsKey("derived:" + f.path());
      if (!derived || there.containsKey(f.path())) {
        here.put(f.path(), f);
      }
    }
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    long delta = 0;
    for (RemoteFile r : there.values()) {
      ManifestFile l = here.get(r.path());
      if (l == null) {
        added.add(r.path());
        delta += Math.max(0, r.size());
        continue;
      }
      if (r.size() >= 0) {
        delta += r.size() - l.size();
      }
      Boolean same = same(l, r);
      if (same == null) {
        unknown.add(r.path());
      } else if (!same) {
        changed.add(r.path());
      }
    }
    for (ManifestFile l : here.values()) {
      if (!there.containsKey(l.path())) {
        removed.add(l.path());
        delta -= l.size();
      }
    }
    return new Changes(added, removed, changed, unknown, delta);
  }

  /** Whether two files hold the same bytes; null when nothing tells. */
  private static Boolean same(ManifestFile l, RemoteFile r) {
    if (r.sha256() != null) {
      return r.sha256().equals(l.sha256());
    }
    if (r.registryDigest() != null && l.registryDigest() != null) {
      String d = r.registryDigest().toString();
      if (sameAlgorithm(d, l.registryDigest())) {
        return d.equals(l.registryDigest());
      }
    }
    if (r.size() >= 0 && r.size() != l.size()) {
      return false;
    }
    return null;
  }

  private static boolean sameAlgorithm(String a, String b) {
    return Objects.equals(a.substring(0, a.indexOf(':') + 1), b.substring(0, b.indexOf(':') + 1));
  }
}
