package io.gpux.store;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.index.TagMove;
import io.gpux.store.ManifestJson.DamagedManifestException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The content-addressed model store; the package documentation describes the layout and its
 * invariants. Safe to use from several threads and several processes at once.
 *
 * <p>Registries pull into it in three steps: download each file into {@link #tempDir()} and verify
 * it, {@link #putBlob} it, then {@link #commit} the version's manifest once every blob is in.
 */
public final class ModelStore implements AutoCloseable {
  /** Temporary files untouched this long are abandoned downloads; prune deletes them. */
  static final Duration STALE_TEMPORARY = Duration.ofHours(24);

  /**
   * Unreferenced blobs and leftovers younger than this are never pruned: a pull may be about to
   * commit a manifest that uses them.
   */
  static final Duration PRUNE_GRACE = Duration.ofHours(1);

  private final StoreLayout layout;
  private final StoreIndex index;
  private final Manifests manifests;
  private final Blobs blobs;
  private final Clock clock;
  private List<String> damagedAfterRestart = List.of();

  private ModelStore(StoreLayout layout, StoreIndex index, Clock clock, WriteBack deferred) {
    this.layout = layout;
    this.index = index;
    this.manifests = new Manifests(layout);
    this.blobs = new Blobs(layout, deferred);
    this.clock = clock;
  }

  /** Opens (creating it if needed) the store in {@code home}. */
  public static ModelStore open(Path home) {
    return open(home, Clock.systemUTC());
  }

  /**
   * @param clock decides pull-independent times: tag moves and what prune finds stale
   */
  public static ModelStore open(Path home, Clock clock) {
    return open(home, clock, true);
  }

  /**
   * @param forceToDisk force each file to disk before it enters the store (see {@code
   *     GpuxSettings.forceToDisk}); otherwise, where the system gives a boot id, durability is
   *     checked after the fact ({@link WriteBack}). Manifests and the index are always forced.
   */
  public static ModelStore open(Path home, Clock clock, boolean forceToDisk) {
    return open(home, clock, forceToDisk, Map.of());
  }

  /**
   * As {@link #open(Path, Clock, boolean)}, with the index that {@code env} names: {@code
   * GPUX_INDEX_URL=postgresql://...} puts it on a team-shared PostgreSQL database (the blobs and
   * manifests stay under {@code home}); unset, it is {@code home}'s SQLite file.
   */
  public static ModelStore open(
      Path home, Clock clock, boolean forceToDisk, Map<String, String> env) {
    return open(home, clock, forceToDisk, env, io.gpux.index.WorkspaceTables.DEFAULT);
  }

  /**
   * {@link #open(Path, Clock, boolean)} seen from one workspace: local names, pins and tag history
   * are that workspace's, and a version removed here stays while another workspace uses it.
   */
  public static ModelStore open(Path home, Clock clock, boolean forceToDisk, String workspace) {
    return open(home, clock, forceToDisk, Map.of(), workspace);
  }

  /** The index {@code env} names, seen from {@code workspace}: both of the above at once. */
  public static ModelStore open(
      Path home, Clock clock, boolean forceToDisk, Map<String, String> env, String workspace) {
    return open(home, clock, forceToDisk, WriteBack.bootId(), env, workspace);
  }

  /** Whether blobs are forced to disk before they enter the store, given the setting. */
  public static boolean forcesToDisk(boolean forceRequested) {
    return forceRequested || WriteBack.bootId().isEmpty();
  }

  /** {@link #open(Path, Clock, boolean)} with the boot id given (tests simulate a restart). */
  static ModelStore open(Path home, Clock clock, boolean forceToDisk, Optional<String> bootId) {
    return open(home, clock, forceToDisk, bootId, Map.of(), io.gpux.index.WorkspaceTables.DEFAULT);
  }

  private static ModelStore open(
      Path home,
      Clock clock,
      boolean forceToDisk,
      Optional<String> bootId,
      Map<String, String> env,
      String workspace) {
    StoreLayout layout = new StoreLayout(home.toAbsolutePath().normalize(), workspace);
    try {
      for (String dir : StoreLayout.FOLDERS) {
        Files.createDirectories(layout.home().resolve(dir));
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot create the store in " + layout.home() + ": " + e.getMessage(),
          "set GPUX_HOME to a writable folder");
    }
    StoreIndex index = StoreIndex.open(layout.index(), env, workspace, layout.home());
    WriteBack writeBack = bootId.map(id -> new WriteBack(layout, id, clock)).orElse(null);
    ModelStore store = new ModelStore(layout, index, clock, forceToDisk ? null : writeBack);
    try {
      io.gpux.index.IndexDatabase.Opened how = index.opened();
      if (how.lost() || how.stale()) {
        store.rebuild(how.lost());
      }
      store.settleSharedManifests();
      if (writeBack != null) {
        store.recoverWriteBack(writeBack);
      }
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Settles or checks the blobs whose bytes were left to the kernel ({@link WriteBack}); cheap when
   * there are none, which is the rule.
   */
  private void recoverWriteBack(WriteBack writeBack) {
    try {
      try (DirectoryStream<Path> d = Files.newDirectoryStream(layout.writeback())) {
        if (!d.iterator().hasNext()) {
          return;
        }
      }
      try (StoreLock l = lock("store:writeback")) {
        damagedAfterRestart = List.copyOf(writeBack.recover());
      }
      if (!damagedAfterRestart.isEmpty()) {
        dropSnapshotsUsing(Set.copyOf(damagedAfterRestart));
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot check the store's recent writes in " + layout.writeback() + ": " + e.getMessage(),
          "check GPUX_HOME's permissions");
    }
  }

  /**
   * Snapshots are hard links to blobs, so a damaged blob's bytes are in every snapshot using it:
   * those go too, and are rebuilt from the blobs once the next pull has fetched them again.
   */
  private void dropSnapshotsUsing(Set<String> damaged) throws IOException {
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      for (Manifests.Stored st : manifests.scan().found()) {
        VersionManifest m = st.manifest();
        if (m.files().stream().anyMatch(f -> damaged.contains(f.sha256()))) {
          Disk.deleteTree(layout.in(st.workspace()).snapshot(m.registry(), m.name(), m.version()));
        }
      }
    }
  }

  /**
   * Blobs this opening found damaged by a crash (a power cut before the kernel wrote them) and
   * deleted; the versions using them report them missing until pulled again.
   */
  public List<String> damagedAfterRestart() {
    return damagedAfterRestart;
  }

  public Path home() {
    return layout.home();
  }

  /**
   * Where downloads and other temporary files go: on the blobs' file system, so that {@link
   * #putBlob} is a rename. {@link #prune} deletes what is untouched for a day, and at once a
   * partial download that no pull holds and none can resume ({@code transfer.PartialFiles}).
   */
  public Path tempDir() {
    return layout.tmp();
  }

  /**
   * Refuses a file path that could leave a model's folder ({@code ..}, absolute, backslash, control
   * characters, empty segments); call it before fetching anything a registry lists.
   */
  public static String checkFilePath(String path) {
    return StorePaths.checkFilePath(path);
  }

  public boolean hasBlob(String sha256) {
    return Files.isRegularFile(blobPath(sha256));
  }

  /** {@code blobs/sha256/<digest>}; refuses anything but 64 lowercase hex digits. */
  public Path blobPath(String sha256) {
    return layout.blob(sha256);
  }

  /**
   * Moves a verified file into place as the blob {@code sha256}.
   *
   * <p>The digest is trusted, not recomputed: the transfer engine hashes while it downloads, and
   * hashing again would double the cost of every pull ({@link #commit} checks sizes, {@link
   * #verify} re-hashes). An existing blob is replaced, atomically, because the new file has just
   * been verified while the old one may have rotted: that is how {@code pull --force} repairs a
   * corrupt blob. The file is forced to disk before the rename and made read-only after it, since
   * snapshots are hard links to it and a write through one would corrupt every version using it.
   *
   * @param verifiedFile a file, best in {@link #tempDir()} (elsewhere it is copied); it is consumed
   */
  public void putBlob(Path verifiedFile, String sha256) {
    blobs.put(verifiedFile, sha256);
  }

  /**
   * Records a version: checks it (safe paths, well-formed digests, every blob present with the
   * manifest's size), writes its manifest durably and atomically, and indexes it.
   *
   * <p>Manifests are immutable. Committing one whose files (paths, sizes, digests) equal the stored
   * one's is a no-op that returns the stored manifest, so the first pull's provenance ({@code
   * pulledAt}, {@code requested}) is kept; different files for the same version are an error.
   */
  public VersionManifest commit(VersionManifest m) {
    Objects.requireNonNull(m, "manifest");
    check(m);
    Path file = layout.manifest(m.registry(), m.name(), m.version());
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      for (ManifestFile f : m.files()) {
        blobs.checkPresent(m, f);
      }
      Optional<VersionManifest> existing = manifests.find(m.registry(), m.name(), m.version());
      if (existing.isPresent()) {
        if (!sameFiles(existing.get(), m)) {
          throw GpuxException.invalidInput(
              m.reference() + " is already in the store with different files",
              "stored versions are immutable: `gpux rm` it first, or pull with --force");
        }
        indexIfMissing(existing.get(), file);
        return existing.get();
      }
      if (Files.exists(file)) {
        throw GpuxException.invalidInput(
            "cannot record " + m.reference() + ": " + file + " holds another version's manifest",
            "names that differ only in case collide on this file system");
      }
      manifests.write(m);
      index.index(m, layout.relative(file));
      return m;
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot write the manifest of " + m.reference() + ": " + e.getMessage(),
          "check free space",
          e);
    }
  }

  private static void check(VersionManifest m) {
    if (m.schemaVersion() < 1 || m.schemaVersion() > VersionManifest.SCHEMA_VERSION) {
      throw GpuxException.invalidInput(
          "cannot record " + m.reference() + ": unknown schema version " + m.schemaVersion(),
          "use VersionManifest.SCHEMA_VERSION");
    }
    StorePaths.checkFilePaths(m.files());
    for (ManifestFile f : m.files()) {
      StorePaths.checkDigest(f.sha256());
      if (f.size() < 0) {
        throw GpuxException.invalidInput(
            "cannot record " + m.reference() + ": " + f.path() + " has a negative size", null);
      }
    }
  }

  private static boolean sameFiles(VersionManifest a, VersionManifest b) {
    return fileSet(a).equals(fileSet(b));
  }

  private static Set<List<Object>> fileSet(VersionManifest m) {
    Set<List<Object>> out = new LinkedHashSet<>();
    m.files().forEach(f -> out.add(List.of(f.path(), f.size(), f.sha256())));
    return out;
  }

  /**
   * The manifest of an exact version, if stored. A manifest on disk that the index lacks (a crash
   * between writing one and indexing it) is indexed on the way.
   */
  public Optional<VersionManifest> manifest(String registry, String name, String version) {
    Optional<VersionManifest> m = manifests.find(registry, name, version);
    m.ifPresent(v -> indexIfMissing(v, layout.manifest(registry, name, version)));
    return m;
  }

  private void indexIfMissing(VersionManifest m, Path file) {
    if (!index.contains(m.registry(), m.name(), m.version())) {
      index.index(m, layout.relative(file));
    }
  }

  /** The stored models as {@code [registry, name]}, sorted, from the index alone. */
  public List<List<String>> models() {
    return index.models();
  }

  /** Versions of one model, newest pull first. */
  public List<VersionManifest> versions(String registry, String name) {
    return load(index.manifestPaths(registry, name));
  }

  /**
   * The versions of one model that any workspace holds, newest pull first: for what is true of
   * content whoever pulled it (a registry digest and size name the same bytes), never to run or
   * name a version, which only this workspace's own copies do.
   */
  public List<VersionManifest> everyWorkspaceVersions(String registry, String name) {
    return load(index.manifestPathsEverywhere(registry, name));
  }

  /**
   * Every stored version, grouped by model, newest pull first within a model. A damaged manifest is
   * left out here ({@link #verify} reports it), so that one bad file does not hide the rest.
   */
  public List<VersionManifest> list() {
    return load(index.manifestPaths(null, null));
  }

  private List<VersionManifest> load(List<String> relativePaths) {
    List<VersionManifest> out = new ArrayList<>();
    for (String p : relativePaths) {
      try {
        out.add(ManifestJson.read(Files.readAllBytes(layout.home().resolve(p))));
      } catch (NoSuchFileException | DamagedManifestException e) {
        // Removed meanwhile, or damaged: not a usable version.
      } catch (IOException e) {
        throw GpuxException.unavailable("cannot read " + p + ": " + e.getMessage(), null);
      }
    }
    return out;
  }

  /**
   * Points {@code tag} (a branch, an alias, an OCI tag) at a stored version; each move is kept in
   * {@link #tagHistory}.
   */
  public void tag(String registry, String name, String tag, String version) {
    if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isISOControl)) {
      throw GpuxException.invalidInput(
          "refusing tag '" + StorePaths.printable(String.valueOf(tag)) + "'", null);
    }
    if (manifest(registry, name, version).isEmpty()) {
      throw GpuxException.notFound(
          registry + ":" + name + "@" + version + " is not in the store", "pull it first");
    }
    index.tag(registry, name, tag, version, clock.instant());
  }

  /**
   * {@link #tag} for a move with a reason ({@link io.gpux.index.TagTables#UPDATED}, {@link
   * io.gpux.index.TagTables#ROLLED_BACK}, ...) that {@code gpux history} shows.
   *
   * @return whether the tag moved (false: it pointed there already)
   */
  public boolean tag(String registry, String name, String tag, String version, String action) {
    checkTag(tag);
    if (manifest(registry, name, version).isEmpty()) {
      throw GpuxException.notFound(
          registry + ":" + name + "@" + version + " is not in the store", "pull it first");
    }
    return index.tag(registry, name, tag, version, clock.instant(), action);
  }

  private static void checkTag(String tag) {
    if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isISOControl)) {
      throw GpuxException.invalidInput(
          "refusing tag '" + StorePaths.printable(String.valueOf(tag)) + "'", null);
    }
  }

  /**
   * Pins a local name at a stored version (moving it there if needed): {@code gpux update} leaves a
   * pinned name alone. The pin is recorded in the tag's history.
   */
  public void pin(String registry, String name, String tag, String version) {
    checkTag(tag);
    if (manifest(registry, name, version).isEmpty()) {
      throw GpuxException.notFound(
          registry + ":" + name + "@" + version + " is not in the store", "pull it first");
    }
    index.pin(registry, name, tag, version, clock.instant());
  }

  /** Unpins a local name; returns whether it was pinned. */
  public boolean unpin(String registry, String name, String tag) {
    return index.unpin(registry, name, tag, clock.instant());
  }

  public boolean pinned(String registry, String name, String tag) {
    return index.pinned(registry, name, tag);
  }

  /**
   * The local names (tags) of one model, or of every model ({@code registry} null), each with its
   * version and pin; sorted by model and name.
   */
  public List<io.gpux.index.TagTables.TagRow> localNames(String registry, String name) {
    return index.localNames(registry, name);
  }

  /** The tags pointing at a version, sorted. */
  public List<String> tagsOf(String registry, String name, String version) {
    return index.tagsOf(registry, name, version);
  }

  /** Where a tag pointed over time, oldest move first. */
  public List<TagMove> tagHistory(String registry, String name, String tag) {
    return index.tagHistory(registry, name, tag);
  }

  /**
   * Keeps what {@code gpux batch benchmark} measured (see {@link io.gpux.index.BenchmarkTables}).
   */
  public void recordBenchmark(io.gpux.index.BenchmarkTables.BenchmarkRow row) {
    index.recordBenchmark(row);
  }

  /**
   * What {@code gpux batch benchmark} measured of {@code model} (null: every model), oldest first.
   */
  public List<io.gpux.index.BenchmarkTables.BenchmarkRow> benchmarks(String model) {
    return index.benchmarks(model);
  }

  /** Keeps a registry's answer to a search (see {@link io.gpux.index.SearchCacheTables}). */
  public void cacheSearch(io.gpux.index.SearchCacheTables.CachedAnswer answer) {
    index.cacheSearch(answer);
  }

  /** The answer kept for {@code registry} and {@code queryKey}, however old. */
  public Optional<io.gpux.index.SearchCacheTables.CachedAnswer> cachedSearch(
      String registry, String queryKey) {
    return index.cachedSearch(registry, queryKey);
  }

  /** Every kept search answer, newest first. */
  public List<io.gpux.index.SearchCacheTables.CachedAnswer> cachedSearches() {
    return index.cachedSearches();
  }

  /** Keeps a latency {@code gpux recommend} measured (see {@link io.gpux.index.LatencyTables}). */
  public void recordLatency(io.gpux.index.LatencyTables.MeasuredLatency m) {
    index.recordLatency(m);
  }

  /** The latency of a model file measured on {@code machine}, if it was. */
  public Optional<io.gpux.index.LatencyTables.MeasuredLatency> latency(
      String modelDigest, io.gpux.index.LatencyTables.Fingerprint machine) {
    return index.latency(modelDigest, machine);
  }

  /** Every latency measured on {@code machine}, oldest first. */
  public List<io.gpux.index.LatencyTables.MeasuredLatency> latencies(
      io.gpux.index.LatencyTables.Fingerprint machine) {
    return index.latencies(machine);
  }

  /**
   * The version a text names: an exact version first, then a tag, then {@code latest} (or null) as
   * the newest pull, then a unique prefix of 7+ hex digits (a short commit sha). Only copies with
   * the registry's default file selection count for {@code latest}, a tag and a prefix: a {@code
   * --variant} copy is named by its exact version, or by {@code <tag>+<selection>}.
   */
  public Optional<VersionManifest> resolve(String registry, String name, String versionOrTag) {
    return resolve(registry, name, versionOrTag, null);
  }

  /**
   * {@link #resolve(String, String, String)} for the copies pulled with {@code selection} (null:
   * the default one).
   */
  public Optional<VersionManifest> resolve(
      String registry, String name, String versionOrTag, String selection) {
    java.util.function.Predicate<VersionManifest> selected =
        v -> java.util.Objects.equals(v.selection(), selection);
    if (versionOrTag == null || versionOrTag.equals("latest") && selection != null) {
      return versions(registry, name).stream().filter(selected).findFirst();
    }
    String key = VersionManifest.storedVersion(versionOrTag, selection);
    Optional<VersionManifest> exact = manifest(registry, name, key);
    if (exact.isPresent()) {
      return exact;
    }
    Optional<String> tagged = index.tagged(registry, name, key);
    if (tagged.isPresent()) {
      return manifest(registry, name, tagged.get());
    }
    if (versionOrTag.equals("latest")) {
      return versions(registry, name).stream().filter(selected).findFirst();
    }
    if (versionOrTag.matches("[0-9a-f]{7,63}")) {
      List<VersionManifest> prefixed =
          versions(registry, name).stream()
              .filter(selected)
              .filter(v -> v.registryVersion().startsWith(versionOrTag))
              .toList();
      if (prefixed.size() == 1) {
        return Optional.of(prefixed.get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * Removes one version ({@code version} given) or every version of a model (null), with their tags
   * and snapshots; damaged manifests of the model go too. Blobs stay until {@link #prune}, since
   * other versions may share them.
   *
   * @return how many versions were removed
   */
  public int remove(String registry, String name, String version) {
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      if (version != null) {
        return removeVersion(registry, name, version) ? 1 : 0;
      }
      // By manifest file: the index's versions plus whatever the model's folder holds, damaged
      // manifests included (null: a version that cannot be read from its file).
      Map<Path, String> targets = new LinkedHashMap<>();
      index
          .versions(registry, name)
          .forEach(v -> targets.put(layout.manifest(registry, name, v), v));
      Path folder = layout.modelManifests(registry, name);
      if (Files.isDirectory(folder)) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "@*.json")) {
          for (Path f : files) {
            if (!targets.containsKey(f)) {
              targets.put(f, versionIn(f, registry, name));
            }
          }
        }
      }
      int removed = 0;
      for (Map.Entry<Path, String> t : targets.entrySet()) {
        boolean gone =
            t.getValue() == null
                ? Files.deleteIfExists(t.getKey())
                : removeVersion(registry, name, t.getValue());
        removed += gone ? 1 : 0;
      }
      return removed;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot remove " + registry + ":" + name + ": " + e.getMessage(), null);
    }
  }

  /** The version a manifest file of this model holds, or null if it is not a sound one. */
  private String versionIn(Path manifest, String registry, String name) throws IOException {
    try {
      VersionManifest m = ManifestJson.read(Files.readAllBytes(manifest));
      boolean sound =
          m.registry().equals(registry)
              && m.name().equals(name)
              && layout.manifest(registry, name, m.version()).equals(manifest);
      return sound ? m.version() : null;
    } catch (DamagedManifestException | GpuxException e) {
      return null;
    }
  }

  /**
   * Removes this workspace's copy only: another workspace's copy of the same version is its own
   * manifest, and the blobs they share stay until no manifest of any workspace uses them ({@link
   * #prune}).
   */
  private boolean removeVersion(String registry, String name, String version) throws IOException {
    Path file = layout.manifest(registry, name, version);
    boolean existed = Files.deleteIfExists(file);
    Disk.syncDirectory(file.getParent());
    Disk.deleteTree(layout.snapshot(registry, name, version));
    boolean indexed = index.contains(registry, name, version);
    index.removeVersion(registry, name, version);
    return existed || indexed;
  }

  /** The workspace this store is seen from (its local names, pins, collections). */
  public String workspace() {
    return index.workspace();
  }

  /**
   * The index database, for the services that keep their own tables there (collections,
   * workspaces); their table classes scope themselves to {@link #workspace()}.
   */
  public io.gpux.index.IndexDatabase indexDatabase() {
    return index.database();
  }

  /**
   * The other workspaces that hold a version of a model ({@code version} null: any version of it),
   * sorted: what a "not in the store of workspace W" error names, since this workspace never sees
   * their copies.
   */
  public List<String> elsewhere(String registry, String name, String version) {
    return index.elsewhere(registry, name, version);
  }

  /**
   * Gives this workspace its own copy of a version another workspace holds, when {@code same} says
   * that copy is the one wanted (a lockfile's digests match it) and every blob is in: a new
   * manifest naming the same blobs, nothing fetched. Only content checked by digest may be taken
   * this way; a name and version alone say nothing across workspaces.
   *
   * @return the copy now in this workspace, or empty when no other workspace's copy fits
   */
  public Optional<VersionManifest> adopt(
      String registry,
      String name,
      String version,
      java.util.function.Predicate<VersionManifest> same) {
    for (VersionManifest other : everyWorkspaceVersions(registry, name)) {
      if (other.version().equals(version)
          && same.test(other)
          && other.files().stream().allMatch(f -> hasBlob(f.sha256()))) {
        return Optional.of(
            commit(
                new VersionManifest(
                    other.schemaVersion(),
                    other.registry(),
                    other.name(),
                    other.version(),
                    other.requested(),
                    clock.instant(),
                    other.source(),
                    other.files(),
                    other.lineage())));
      }
    }
    return Optional.empty();
  }

  /**
   * A not-found error for a model this workspace lacks, naming the workspaces that have it.
   *
   * @param reference the reference as the user gave it (with its registry)
   * @param version the exact version, if known (null: any)
   * @param hint what to do in this workspace
   */
  public GpuxException notStored(
      String reference, String registry, String name, String version, String hint) {
    List<String> others = registry == null ? List.of() : elsewhere(registry, name, version);
    String where =
        others.isEmpty()
            ? ""
            : "; workspace "
                + String.join(", ", others)
                + (others.size() == 1 ? " has it" : " have it");
    String also =
        others.isEmpty()
            ? ""
            : " (each workspace keeps its own copies: `gpux --workspace "
                + others.get(0)
                + " ...` works in that one)";
    return GpuxException.notFound(
        reference + " is not in the store of workspace " + workspace() + where,
        (hint == null ? "see `gpux list`" : hint) + also);
  }

  /**
   * Deletes a workspace's manifests and snapshots and its rows in the index (the caller has checked
   * it may go); its blobs stay until {@link #prune} finds no manifest of any workspace using them.
   */
  public void dropWorkspace(String ws) {
    if (ws.equals(StoreLayout.DEFAULT)) {
      throw GpuxException.invalidInput("the default workspace cannot be deleted", null);
    }
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      // Rows first: a crash after them leaves files that the next rebuild would give back to the
      // workspace, which is recreated then; files first would leave rows naming no file.
      index.deleteWorkspace(ws);
      Disk.deleteTree(layout.manifests(ws).getParent());
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot delete the files of workspace " + ws + ": " + e.getMessage(),
          "check GPUX_HOME's permissions");
    }
  }

  /**
   * Gives each workspace its own copy of the manifests that a store from before V11 shared, once
   * per store folder: V11 gave every workspace that had claimed a shared version its own row, and
   * the files follow here. Every copy is written first, then the shared files that {@code default}
   * does not hold itself go, then the rows name the copies, then {@link StoreLayout#settled()}
   * records that this folder is done; a crash anywhere in between is finished by the next open.
   * Keyed by the folder, not by the index, because a team's PostgreSQL index is migrated once while
   * each machine has its own manifests to copy. Costs one file check once done.
   */
  private void settleSharedManifests() {
    if (Files.exists(layout.settled())) {
      return;
    }
    record Copy(String ws, String registry, String name, String version, Path own, boolean moved) {}
    StoreLayout shared = layout.in(StoreLayout.DEFAULT);
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      List<Copy> copies = new ArrayList<>();
      for (List<String> row : index.versionsOutsideDefault()) {
        Path own = layout.in(row.get(0)).manifest(row.get(1), row.get(2), row.get(3));
        Path from = shared.manifest(row.get(1), row.get(2), row.get(3));
        if (!Files.exists(own) && Files.exists(from)) {
          Files.createDirectories(own.getParent());
          Disk.write(own, Files.readAllBytes(from));
        }
        copies.add(
            new Copy(
                row.get(0),
                row.get(1),
                row.get(2),
                row.get(3),
                own,
                !layout.relative(own).equals(row.get(4))));
      }
      // On this machine a shared file that default does not hold is no version of default's
      // (another machine on the same index may have moved the rows already).
      for (Copy c : copies) {
        if (Files.exists(c.own())
            && !index.contains(StoreLayout.DEFAULT, c.registry(), c.name(), c.version())) {
          Files.deleteIfExists(shared.manifest(c.registry(), c.name(), c.version()));
          Disk.deleteTree(shared.snapshot(c.registry(), c.name(), c.version()));
        }
      }
      for (Copy c : copies) {
        if (c.moved()) {
          index.moveManifest(c.ws(), c.registry(), c.name(), c.version(), layout.relative(c.own()));
        }
      }
      Disk.write(layout.settled(), "V11\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot give the workspaces their own manifests in "
              + layout.home()
              + ": "
              + e.getMessage(),
          "check GPUX_HOME's permissions and free space");
    }
  }

  /**
   * Deletes blobs no manifest references (older than an hour, so a running pull is safe), temporary
   * files untouched for a day (abandoned downloads; a partial download that no pull holds and none
   * can resume goes at once), leftovers of interrupted writes and empty folders. Refuses to run
   * while a manifest is damaged, since its blobs are unknown.
   */
  public PruneReport prune(boolean dryRun) {
    return prune(dryRun, false);
  }

  /**
   * As {@link #prune(boolean)}; with {@code now}, unreferenced blobs and leftovers go whatever
   * their age. The store stays consistent (a commit checks its blobs under the same lock), but a
   * pull running meanwhile may lose blobs it has stored and not yet recorded, and fail.
   */
  public PruneReport prune(boolean dryRun, boolean now) {
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      return new Pruner(
              layout,
              manifests,
              clock,
              now ? Duration.ZERO : PRUNE_GRACE,
              STALE_TEMPORARY,
              Set.copyOf(index.workspaceNames()))
          .prune(dryRun);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot prune " + layout.home() + ": " + e.getMessage(), null);
    }
  }

  /** Bytes per version (unique to it vs shared with other versions) and for the whole store. */
  public DiskUsage diskUsage() {
    Manifests.Scan scan = manifests.scan();
    Map<String, List<VersionManifest>> byWorkspace = new java.util.TreeMap<>();
    for (List<Manifests.Stored> list : List.of(scan.found(), scan.misplaced())) {
      for (Manifests.Stored s : list) {
        byWorkspace.computeIfAbsent(s.workspace(), k -> new ArrayList<>()).add(s.manifest());
      }
    }
    byWorkspace
        .values()
        .forEach(
            all ->
                all.sort(
                    Comparator.comparing(VersionManifest::registry)
                        .thenComparing(VersionManifest::name)
                        .thenComparing(VersionManifest::pulledAt, Comparator.reverseOrder())
                        .thenComparing(VersionManifest::version)));
    return DiskUsage.of(workspace(), byWorkspace, blobs.sizes(), Disk.size(layout.tmp()));
  }

  /**
   * Re-hashes every blob this workspace's manifests reference and reports each missing or corrupt
   * file, per version, and each damaged manifest. Reports only: it never repairs or deletes
   * anything.
   */
  public VerifyReport verify() {
    // This workspace's versions only: another's are not in its store, as for every other command.
    return new Verifier(layout).verify(manifests.scanOwn());
  }

  /**
   * A folder with the version's files at their relative paths, as hard links to the blobs (copies
   * where the file system cannot link): {@code snapshots/<registry>/<name>/@<version>/}.
   * Idempotent; built in a temporary folder and renamed, so it is complete or absent.
   */
  public Path materialize(VersionManifest m) {
    return new Snapshots(layout).materialize(m);
  }

  /**
   * An exclusive lock on {@code key}, across the threads of this process and across processes
   * ({@code locks/<sha256 of key>.lock}); blocks until it is free. Reentrant.
   */
  public StoreLock lock(String key) {
    return StoreLock.acquire(layout.lockFile(key));
  }

  /**
   * Rewrites the index's versions from the manifests on disk (after index.db was lost or damaged,
   * or to pick up manifests it missed); tags of versions that are gone are dropped. Manifests found
   * where an older layout put them are moved to where they belong.
   *
   * @return how many versions are indexed
   */
  public int rebuildIndex() {
    return rebuild(false);
  }

  private int rebuild(boolean recoverTags) {
    try (StoreLock gc = lock(StoreLayout.GC_LOCK)) {
      Manifests.Scan scan = manifests.scan();
      // Each workspace's manifests by path: a manifest's folder says whose it is.
      Map<String, Map<String, VersionManifest>> byWorkspace = new LinkedHashMap<>();
      Map<String, VersionManifest> byPath = new LinkedHashMap<>();
      for (Manifests.Stored s : scan.found()) {
        byWorkspace
            .computeIfAbsent(s.workspace(), k -> new LinkedHashMap<>())
            .put(layout.relative(s.file()), s.manifest());
        byPath.put(layout.relative(s.file()), s.manifest());
      }
      for (Manifests.Stored s : scan.misplaced()) {
        VersionManifest m = s.manifest();
        Path home = layout.in(s.workspace()).manifest(m.registry(), m.name(), m.version());
        VersionManifest there = byPath.get(layout.relative(home));
        if (there == null) {
          Files.createDirectories(home.getParent());
          Disk.move(s.file(), home);
          byPath.put(layout.relative(home), m);
          byWorkspace
              .computeIfAbsent(s.workspace(), k -> new LinkedHashMap<>())
              .put(layout.relative(home), m);
        } else if (sameFiles(there, m)) {
          Files.deleteIfExists(s.file()); // A duplicate of the version's own manifest.
        }
      }
      index.replaceAll(byWorkspace, recoverTags, clock.instant());
      return byPath.size();
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot rebuild the index of " + layout.home() + ": " + e.getMessage(), null);
    }
  }

  int schemaVersion() {
    return index.schemaVersion();
  }

  StoreLayout layout() {
    return layout;
  }

  @Override
  public void close() {
    index.close();
  }

  @Override
  public String toString() {
    return "ModelStore[" + layout.home() + "]";
  }
}
