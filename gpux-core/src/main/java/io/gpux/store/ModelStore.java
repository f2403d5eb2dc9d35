package io.gpux.store;

import io.gpux.ErrorCategory;
import io.gpux.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The content-addressed model store; see the package documentation for the layout and invariants.
 * Safe to use from several threads and several processes.
 */
public final class ModelStore implements AutoCloseable {
  /** Partial downloads untouched this long are stale and pruned. */
  static final Duration STALE_PARTIAL = Duration.ofHours(24);

  /**
   * Blobs younger than this are never pruned: a pull may be about to commit a manifest for them.
   */
  static final Duration PRUNE_GRACE = Duration.ofHours(1);

  private final Path home;
  private final StoreIndex index;
  private final Clock clock;

  private ModelStore(Path home, StoreIndex index, Clock clock) {
    this.home = home;
    this.index = index;
    this.clock = clock;
  }

  public static ModelStore open(Path home) {
    return open(home, Clock.systemUTC());
  }

  public static ModelStore open(Path home, Clock clock) {
    Path h = home.toAbsolutePath().normalize();
    try {
      for (String dir : new String[] {"blobs/sha256", "manifests", "snapshots", "tmp", "locks"}) {
        Files.createDirectories(h.resolve(dir));
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot create the store in " + h + ": " + e.getMessage(),
          "set GPUX_HOME to a writable folder");
    }
    boolean fresh = !Files.exists(h.resolve("index.db"));
    ModelStore store = new ModelStore(h, StoreIndex.open(h.resolve("index.db")), clock);
    if (fresh) {
      store.rebuildIndex(); // a new or deleted index.db: index the manifests that exist
    }
    return store;
  }

  public Path home() {
    return home;
  }

  public Path tempDir() {
    return home.resolve("tmp");
  }

  /**
   * Refuses a file path that could leave a model's folder ({@code ..}, absolute, backslash, control
   * characters); call it before fetching anything a registry lists.
   */
  public static String checkFilePath(String path) {
    return StorePaths.checkFilePath(path);
  }

  public boolean hasBlob(String sha256) {
    return Files.isRegularFile(blobPath(sha256));
  }

  public Path blobPath(String sha256) {
    return home.resolve("blobs/sha256").resolve(StorePaths.checkDigest(sha256));
  }

  /**
   * Moves a verified file into place as the blob {@code sha256}. The caller has checked the digest
   * (the transfer engine hashes while downloading, so hashing again here would double the cost of
   * every pull). If the blob exists already the file is simply deleted.
   */
  public void putBlob(Path verifiedFile, String sha256) {
    Path target = blobPath(sha256);
    try {
      if (Files.exists(target)) {
        Files.deleteIfExists(verifiedFile);
        return;
      }
      moveAtomically(verifiedFile, target);
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot store blob " + sha256 + ": " + e.getMessage(),
          "check free space and GPUX_HOME's permissions",
          e);
    }
  }

  /**
   * Records a version. Every blob must be present; the manifest is immutable, so committing the
   * same content again is a no-op and different content for the same version is an error.
   */
  public VersionManifest commit(VersionManifest m) {
    for (ManifestFile f : m.files()) {
      StorePaths.checkFilePath(f.path());
      if (!hasBlob(f.sha256())) {
        throw new GpuxException(
            ErrorCategory.INTERNAL,
            "cannot record "
                + m.reference()
                + ": blob "
                + f.sha256()
                + " ("
                + f.path()
                + ") is not in the store",
            null);
      }
    }
    Path file = manifestFile(m.registry(), m.name(), m.version());
    try (StoreLock lock = lock("manifest:" + m.registry() + "/" + m.name())) {
      if (Files.exists(file)) {
        VersionManifest existing = read(file);
        if (!sameContent(existing, m)) {
          throw GpuxException.invalidInput(
              m.reference() + " is already in the store with different files",
              "stored versions are immutable: `gpux rm` it first, or pull with --force");
        }
        index.index(existing, relative(file));
        return existing;
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".manifest", ".tmp");
      Files.write(tmp, ManifestJson.write(m), StandardOpenOption.SYNC);
      moveAtomically(tmp, file);
      index.index(m, relative(file));
      return m;
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot write the manifest of " + m.reference() + ": " + e.getMessage(),
          "check free space",
          e);
    }
  }

  private static boolean sameContent(VersionManifest a, VersionManifest b) {
    return a.files().equals(b.files())
        && a.registry().equals(b.registry())
        && a.name().equals(b.name())
        && a.version().equals(b.version());
  }

  public Optional<VersionManifest> manifest(String registry, String name, String version) {
    Path file = manifestFile(registry, name, version);
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /** Versions of one model, newest pull first. */
  public List<VersionManifest> versions(String registry, String name) {
    return load(index.manifestPaths(registry, name));
  }

  /** Every stored version, grouped by model, newest pull first within a model. */
  public List<VersionManifest> list() {
    return load(index.manifestPaths(null, null));
  }

  /** Points {@code tag} (a branch, an alias) at a stored version; the move is kept in history. */
  public void tag(String registry, String name, String tag, String version) {
    if (manifest(registry, name, version).isEmpty()) {
      throw GpuxException.notFound(
          registry + ":" + name + "@" + version + " is not in the store", "pull it first");
    }
    index.tag(registry, name, tag, version, clock.instant());
  }

  public List<String> tagsOf(String registry, String name, String version) {
    return index.tagsOf(registry, name, version);
  }

  /** Where a tag pointed over time: {@code [version, moved_at, previous]} rows, oldest first. */
  public List<String[]> tagHistory(String registry, String name, String tag) {
    return index.tagHistory(registry, name, tag);
  }

  /** An exact version, else a tag, else {@code latest} (the newest pull). */
  public Optional<VersionManifest> resolve(String registry, String name, String versionOrTag) {
    if (versionOrTag != null) {
      Optional<VersionManifest> exact = manifest(registry, name, versionOrTag);
      if (exact.isPresent()) {
        return exact;
      }
      Optional<String> tagged = index.tagged(registry, name, versionOrTag);
      if (tagged.isPresent()) {
        return manifest(registry, name, tagged.get());
      }
      if (!versionOrTag.equals("latest")) {
        // A short commit sha, as people type them.
        if (versionOrTag.matches("[0-9a-f]{7,39}")) {
          List<VersionManifest> prefixed =
              versions(registry, name).stream()
                  .filter(v -> v.version().startsWith(versionOrTag))
                  .toList();
          if (prefixed.size() == 1) {
            return Optional.of(prefixed.get(0));
          }
        }
        return Optional.empty();
      }
    }
    List<VersionManifest> all = versions(registry, name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /**
   * Removes one version ({@code version} given) or all versions of a model, with their tags and
   * snapshots. Blobs stay until {@link #prune}, since other versions may share them.
   */
  public int remove(String registry, String name, String version) {
    List<VersionManifest> targets =
        version == null
            ? versions(registry, name)
            : manifest(registry, name, version).map(List::of).orElse(List.of());
    for (VersionManifest m : targets) {
      try {
        Files.deleteIfExists(manifestFile(m.registry(), m.name(), m.version()));
        deleteTree(snapshotDir(m));
      } catch (IOException e) {
        throw GpuxException.unavailable(
            "cannot remove " + m.reference() + ": " + e.getMessage(), null);
      }
      index.removeVersion(m.registry(), m.name(), m.version());
    }
    return targets.size();
  }

  /** Deletes blobs no manifest references and stale partial downloads. */
  public PruneReport prune(boolean dryRun) {
    Set<String> referenced = referencedBlobs();
    Instant now = clock.instant();
    List<String> blobs = new ArrayList<>();
    List<String> partials = new ArrayList<>();
    long bytes = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(home.resolve("blobs/sha256"))) {
      for (Path blob : dir) {
        String sha = blob.getFileName().toString();
        if (referenced.contains(sha) || age(blob, now).compareTo(PRUNE_GRACE) < 0) {
          continue;
        }
        blobs.add(sha);
        bytes += size(blob);
        if (!dryRun) {
          Files.deleteIfExists(blob);
        }
      }
      try (DirectoryStream<Path> tmp = Files.newDirectoryStream(tempDir())) {
        for (Path p : tmp) {
          if (Files.isRegularFile(p) && age(p, now).compareTo(STALE_PARTIAL) >= 0) {
            partials.add(p.getFileName().toString());
            bytes += size(p);
            if (!dryRun) {
              Files.deleteIfExists(p);
            }
          }
        }
      }
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot prune " + home + ": " + e.getMessage(), null);
    }
    return new PruneReport(dryRun, blobs, partials, bytes);
  }

  public DiskUsage diskUsage() {
    List<VersionManifest> all = list();
    Map<String, Integer> users = new HashMap<>();
    Map<String, Long> sizes = new HashMap<>();
    for (VersionManifest m : all) {
      for (String sha : new HashSet<>(m.files().stream().map(ManifestFile::sha256).toList())) {
        users.merge(sha, 1, Integer::sum);
      }
      m.files().forEach(f -> sizes.put(f.sha256(), f.size()));
    }
    List<DiskUsage.VersionUsage> versions = new ArrayList<>();
    for (VersionManifest m : all) {
      long unique = 0;
      long shared = 0;
      for (String sha : new HashSet<>(m.files().stream().map(ManifestFile::sha256).toList())) {
        if (users.get(sha) == 1) {
          unique += sizes.get(sha);
        } else {
          shared += sizes.get(sha);
        }
      }
      versions.add(new DiskUsage.VersionUsage(m.reference(), m.sizeBytes(), unique, shared));
    }
    long referenced = sizes.values().stream().mapToLong(Long::longValue).sum();
    return new DiskUsage(
        versions, folderSize(home.resolve("blobs/sha256")), referenced, folderSize(tempDir()));
  }

  /** Re-hashes every stored file; reports, never repairs. */
  public VerifyReport verify() {
    List<VerifyReport.Problem> problems = new ArrayList<>();
    Map<String, String> checked = new HashMap<>();
    int files = 0;
    List<VersionManifest> all = list();
    for (VersionManifest m : all) {
      for (ManifestFile f : m.files()) {
        files++;
        String result = checked.computeIfAbsent(f.sha256(), sha -> check(sha, f.size()));
        if (result != null) {
          problems.add(new VerifyReport.Problem(m.reference(), f.path(), f.sha256(), result));
        }
      }
    }
    return new VerifyReport(all.size(), files, problems);
  }

  private String check(String sha256, long size) {
    Path blob = blobPath(sha256);
    if (!Files.isRegularFile(blob)) {
      return "missing";
    }
    if (size(blob) != size) {
      return "size " + size(blob) + ", expected " + size;
    }
    String actual = sha256(blob);
    return actual.equals(sha256) ? null : "corrupt: its sha256 is now " + actual;
  }

  /**
   * A folder holding the version's files at their paths, as hard links to the blobs (a copy where
   * the file system has no hard links), so ONNX Runtime finds external data and tokenizer.json
   * beside the model. Built in a temporary folder and renamed, so it is complete or absent.
   */
  public Path materialize(VersionManifest m) {
    Path dir = snapshotDir(m);
    if (Files.isRegularFile(dir.resolve(".complete"))) {
      return dir;
    }
    try (StoreLock lock = lock("snapshot:" + m.reference())) {
      if (Files.isRegularFile(dir.resolve(".complete"))) {
        return dir;
      }
      Files.createDirectories(dir.getParent());
      Path tmp = Files.createTempDirectory(dir.getParent(), ".snapshot");
      for (ManifestFile f : m.files()) {
        Path target = tmp.resolve(StorePaths.checkFilePath(f.path()));
        Files.createDirectories(target.getParent());
        try {
          Files.createLink(target, blobPath(f.sha256()));
        } catch (UnsupportedOperationException | IOException e) {
          Files.copy(blobPath(f.sha256()), target);
        }
      }
      Files.createFile(tmp.resolve(".complete"));
      deleteTree(dir);
      moveAtomically(tmp, dir);
      return dir;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot lay out " + m.reference() + " in " + dir + ": " + e.getMessage(),
          "check free space; `gpux verify` checks the store");
    }
  }

  /** An exclusive lock on {@code key} across threads and processes. */
  public StoreLock lock(String key) {
    String name =
        HexFormat.of()
            .formatHex(digest().digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .substring(0, 32);
    return StoreLock.acquire(home.resolve("locks").resolve(name + ".lock"));
  }

  /** Re-indexes every manifest on disk (after index.db was lost or damaged). */
  public int rebuildIndex() {
    index.clear();
    int n = 0;
    try (Stream<Path> files = Files.walk(home.resolve("manifests"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        VersionManifest m = read(f);
        index.index(m, relative(f));
        n++;
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot read " + home.resolve("manifests") + ": " + e.getMessage(), null);
    }
    return n;
  }

  int schemaVersion() {
    return index.schemaVersion();
  }

  Path manifestFile(String registry, String name, String version) {
    return home.resolve("manifests")
        .resolve(StorePaths.segment(registry))
        .resolve(StorePaths.name(name))
        .resolve(StorePaths.segment(version) + ".json");
  }

  Path snapshotDir(VersionManifest m) {
    return home.resolve("snapshots")
        .resolve(StorePaths.segment(m.registry()))
        .resolve(StorePaths.name(m.name()))
        .resolve(StorePaths.segment(m.version()));
  }

  private Set<String> referencedBlobs() {
    Set<String> out = new HashSet<>();
    list().forEach(m -> m.files().forEach(f -> out.add(f.sha256())));
    return out;
  }

  private List<VersionManifest> load(List<String> relativePaths) {
    List<VersionManifest> out = new ArrayList<>();
    for (String p : relativePaths) {
      Path file = home.resolve(p);
      if (Files.isRegularFile(file)) {
        out.add(read(file));
      }
    }
    return out;
  }

  private VersionManifest read(Path file) {
    try {
      return ManifestJson.read(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      throw GpuxException.notFound("manifest " + file + " disappeared", null);
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read " + file + ": " + e.getMessage(), null);
    }
  }

  private String relative(Path file) {
    return home.relativize(file).toString().replace('\\', '/');
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Someone else put the same content first (blobs are named by content).
      deleteTree(from);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  private static Duration age(Path p, Instant now) throws IOException {
    return Duration.between(Files.getLastModifiedTime(p).toInstant(), now);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static long folderSize(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(ModelStore::size).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  static String sha256(Path file) {
    MessageDigest d = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        d.update(buffer, 0, n);
      }
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    index.close();
  }

  @Override
  public String toString() {
    return "ModelStore[" + home + "]";
  }
}
