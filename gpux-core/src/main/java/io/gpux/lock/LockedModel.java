package io.gpux.lock;

import io.gpux.registry.PullOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One model of a lockfile.
 *
 * @param requested the movable name it was locked by (a branch, an alias, {@code latest}), or null
 *     when it was locked by its exact version
 * @param version the registry's exact version (a commit, a version number, {@code vN})
 * @param variant the file selection it was pulled with ({@code --variant}), or null
 * @param source where it came from, as a URL without credentials, or null
 * @param files the registry's files, sorted by path
 * @param line where the model starts in the lockfile it was read from (0 when made in memory)
 */
public record LockedModel(
    String registry,
    String name,
    String requested,
    String version,
    String variant,
    List<String> include,
    List<String> exclude,
    String source,
    List<LockedFile> files,
    int line) {

  public LockedModel {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    List<LockedFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(LockedFile::path));
    files = List.copyOf(sorted);
  }

  /**
   * The entry for a stored version: its registry files (not those GPUX derived), and the file
   * selection it was pulled with; {@code requested} is the movable name to record (or null).
   */
  public static LockedModel of(VersionManifest m, String requested) {
    List<LockedFile> files = new ArrayList<>();
    for (ManifestFile f : registryFiles(m)) {
      files.add(new LockedFile(f.path(), f.size(), f.sha256()));
    }
    String exact = m.registryVersion();
    return new LockedModel(
        m.registry(),
        m.name(),
        requested == null || requested.equals(exact) ? null : requested,
        exact,
        m.lineage().get("variant"),
        split(m.lineage().get("include")),
        split(m.lineage().get("exclude")),
        m.source(),
        files,
        0);
  }

  /** The files of a stored version that came from its registry (not the ones GPUX derived). */
  public static List<ManifestFile> registryFiles(VersionManifest m) {
    return m.files().stream().filter(f -> !m.lineage().containsKey("derived:" + f.path())).toList();
  }

  private static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
  }

  /** The pull options that select the same files again. */
  public PullOptions options() {
    return new PullOptions(include, exclude, variant, false);
  }

  /** The file selection's label ({@code quantized}, {@code files-1a2b3c4d}), or null. */
  public String selection() {
    return options().selection();
  }

  /** The version as the store keeps it: {@code version}, or {@code version+selection}. */
  public String storedVersion() {
    return VersionManifest.storedVersion(version, selection());
  }

  /** {@code registry:name}, with {@code +selection} for a non-default file selection: the key. */
  public String key() {
    String s = selection();
    return registry + ":" + name + (s == null ? "" : " (" + s + ")");
  }

  public long sizeBytes() {
    return files.stream().mapToLong(LockedFile::size).sum();
  }
}
