package io.gpux.store;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.store.ManifestJson.DamagedManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The manifest files: the source of truth for which versions exist in which workspace and which
 * blobs they use. A manifest must sit where its own registry, name and version say, in its
 * workspace's folder; one found elsewhere (an older layout, a file copied in by hand) is reported
 * by {@link #scan} as misplaced. {@link #find} and {@link #write} work in the layout's workspace;
 * {@link #scan} sees every workspace, since blobs are shared by all of them.
 */
final class Manifests {
  private final StoreLayout layout;

  Manifests(StoreLayout layout) {
    this.layout = layout;
  }

  /** The stored manifest of one version, or empty; a damaged one is an error naming the file. */
  Optional<VersionManifest> find(String registry, String name, String version) {
    Path file = layout.manifest(registry, name, version);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read " + file + ": " + e.getMessage(), null);
    }
    VersionManifest m;
    try {
      m = ManifestJson.read(bytes);
    } catch (DamagedManifestException e) {
      throw damaged(registry + ":" + name + "@" + version, file, e.getMessage());
    }
    if (!m.registry().equals(registry) || !m.name().equals(name) || !m.version().equals(version)) {
      // Only on a case-insensitive file system can another version's manifest sit here.
      return Optional.empty();
    }
    return Optional.of(m);
  }

  static GpuxException damaged(String reference, Path file, String why) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "the manifest of " + reference + " (" + file + ") is damaged: " + why,
        "remove that version (gpux rm " + reference + ") and pull it again");
  }

  /** Writes a new manifest durably and atomically. */
  void write(VersionManifest m) throws IOException {
    Disk.write(layout.manifest(m.registry(), m.name(), m.version()), ManifestJson.write(m));
  }

  /** A manifest found on disk, in the folder of {@code workspace}. */
  record Stored(VersionManifest manifest, Path file, String workspace) {}

  /** A file under {@code manifests/} that is not a usable manifest, and why. */
  record Unreadable(Path file, String why) {}

  /**
   * Every manifest on disk, in path order.
   *
   * @param misplaced readable manifests that are not where their content says they belong
   */
  record Scan(List<Stored> found, List<Stored> misplaced, List<Unreadable> damaged) {}

  /** Every manifest of every workspace. */
  Scan scan() {
    List<String> workspaces;
    try {
      workspaces = layout.workspacesOnDisk();
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot list " + layout.workspaces() + ": " + e.getMessage(), "check GPUX_HOME");
    }
    List<Stored> found = new ArrayList<>();
    List<Stored> misplaced = new ArrayList<>();
    List<Unreadable> damaged = new ArrayList<>();
    for (String ws : workspaces) {
      scan(layout.in(ws), found, misplaced, damaged);
    }
    return new Scan(found, misplaced, damaged);
  }

  /** The manifests of one workspace only. */
  Scan scanOwn() {
    List<Stored> found = new ArrayList<>();
    List<Stored> misplaced = new ArrayList<>();
    List<Unreadable> damaged = new ArrayList<>();
    scan(layout, found, misplaced, damaged);
    return new Scan(found, misplaced, damaged);
  }

  private static void scan(
      StoreLayout in, List<Stored> found, List<Stored> misplaced, List<Unreadable> damaged) {
    List<Path> files;
    if (!Files.isDirectory(in.manifests())) {
      return;
    }
    try (Stream<Path> walk = Files.walk(in.manifests())) {
      files =
          walk.filter(p -> isManifestName(p.getFileName().toString()))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw GpuxException.unavailable(
          "cannot list " + in.manifests() + ": " + e.getMessage(), "check GPUX_HOME");
    }
    for (Path file : files) {
      try {
        VersionManifest m = ManifestJson.read(Files.readAllBytes(file));
        Path home = in.manifest(m.registry(), m.name(), m.version());
        (home.equals(file) ? found : misplaced).add(new Stored(m, file, in.workspace()));
      } catch (NoSuchFileException e) {
        // Removed while we looked: it is no longer a version.
      } catch (IOException e) {
        damaged.add(new Unreadable(file, "unreadable (" + e.getMessage() + ")"));
      } catch (DamagedManifestException | GpuxException e) {
        damaged.add(new Unreadable(file, e.getMessage()));
      }
    }
  }

  /** Manifests end in {@code .json}; temporary files of interrupted writes start with a dot. */
  static boolean isManifestName(String fileName) {
    return fileName.endsWith(".json") && !fileName.startsWith(".");
  }
}
