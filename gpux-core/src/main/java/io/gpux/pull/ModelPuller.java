package io.gpux.pull;

import io.gpux.archive.Overlay;
import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Conversion;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelConverter;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registries;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.ResolvedModel;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.StoreLock;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.DownloadRequest;
import io.gpux.transfer.DownloadedFile;
import io.gpux.transfer.TransferEngine;
import io.gpux.transfer.TransferListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gpux pull}: registry → transfer engine → store.
 *
 * <p>Order matters for crash safety: the reference is resolved to an exact version; files whose
 * digest is already in the store are not fetched; the others download into the store's work folder
 * and are verified there; each verified file moves into the store atomically; only when every file
 * is in does the version's manifest get written. A pull that dies anywhere leaves no half model,
 * and the next pull resumes partial files. One pull per model at a time: a second process waits on
 * the model's lock, then finds the version already there.
 */
public final class ModelPuller {
  private final Registries registries;
  private final java.util.function.Supplier<ModelStore> openStore;
  private ModelStore store;
  private final TransferEngine transfer;
  private final Clock clock;
  private String pulledBy;
  private InFlightBlobs shared;
  private ModelConverter converter;

  /** The lineage key that records which GPUX pulled a version ({@code gpux lineage} shows it). */
  public static final String PULLED_BY = "gpux.version";

  public ModelPuller(
      Registries registries, ModelStore store, TransferEngine transfer, Clock clock) {
    this(registries, () -> store, transfer, clock);
  }

  /**
   * With a store that may still be opening (SQLite's native library, migrations): resolving the
   * reference against the registry does not need it, so the two overlap.
   */
  public ModelPuller(
      Registries registries,
      java.util.function.Supplier<ModelStore> store,
      TransferEngine transfer,
      Clock clock) {
    this.registries = registries;
    this.openStore = store;
    this.transfer = transfer;
    this.clock = clock;
  }

  /** Records {@code version} (GPUX's own) in the lineage of each version this puller commits. */
  public ModelPuller pulledBy(String version) {
    this.pulledBy = version;
    return this;
  }

  /**
   * Shares {@code inFlight} with the other pulls that run beside this one (a batch): a file with
   * the same sha256 is fetched by one of them only. Returns this.
   */
  public ModelPuller sharing(InFlightBlobs inFlight) {
    this.shared = inFlight;
    return this;
  }

  public PullResult pull(ModelRef ref, PullOptions options, TransferListener listener) {
    return pull(ref, options, listener, io.gpux.index.TagTables.PULLED);
  }

  /**
   * {@link #pull(ModelRef, PullOptions, TransferListener)}, recording {@code action} ({@code
   * pulled}, {@code updated}) in the history of the local name it moves.
   */
  public PullResult pull(
      ModelRef ref, PullOptions options, TransferListener listener, String action) {
    return pull(resolve(ref, options), options, listener, PullGuard.NONE, action);
  }

  /**
   * Asks the registry what a reference names now: the exact version and its files, metadata only
   * (no file bytes). A hostile or broken listing is refused here, before a single byte is fetched.
   */
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    String registryName = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    ResolvedModel model =
        registries.get(registryName).resolve(ref.withRegistry(registryName), options);
    model.files().forEach(f -> ModelStore.checkFilePath(f.path()));
    return model;
  }

  /**
   * Pulls a version {@link #resolve} returned; {@code guard} sees the registry's files with their
   * verified digests before the store takes them (a lockfile's check).
   */
  public PullResult pull(
      ResolvedModel model, PullOptions options, TransferListener listener, PullGuard guard) {
    return pull(model, options, listener, guard, io.gpux.index.TagTables.PULLED);
  }

  private PullResult pull(
      ResolvedModel model,
      PullOptions options,
      TransferListener listener,
      PullGuard guard,
      String action) {
    Registry registry = registries.get(model.registry());
    store = openStore.get();
    // A copy with another file selection (--variant, --include) is another stored version.
    String selection = options.selection();
    String stored = VersionManifest.storedVersion(model.version(), selection);
    try (StoreLock lock = store.lock(model.registry() + "/" + model.name())) {
      var existing = store.manifest(model.registry(), model.name(), stored);
      String origin = registry.origin(model.lineage());
      if (existing.isPresent()
          && origin != null
          && !origin.equals(registry.origin(existing.get().lineage()))) {
        // A workspace keeps one copy of registry:name@version (another workspace, pointed at
        // another server, keeps its own): replacing it with another origin's would run the wrong
        // model where the old one was named.
        String ref = model.registry() + ":" + model.name() + "/" + model.version();
        throw GpuxException.invalidInput(
            ref
                + " of "
                + origin
                + " cannot be pulled: workspace "
                + store.workspace()
                + " holds "
                + ref
                + " of "
                + registry.origin(existing.get().lineage()),
            "a workspace keeps one copy of each name and version: remove the other with `gpux rm "
                + ref
                + "`, or pull it in a workspace of its own (`gpux workspace create NAME`, then"
                + " `gpux workspace set` its endpoint there)");
      }
      // A version whose blob went missing (deleted after a crash damaged it) is fetched again.
      if (existing.isPresent()
          && !options.force()
          && existing.get().files().stream().allMatch(f -> store.hasBlob(f.sha256()))) {
        tagRequested(model, selection, action);
        long bytes = existing.get().files().stream().mapToLong(ManifestFile::size).sum();
        return new PullResult(existing.get(), true, 0, existing.get().files().size(), 0, bytes);
      }
      return fetch(registry, model, options, listener, selection, guard, action);
    }
  }

  private PullResult fetch(
      Registry registry,
      ResolvedModel model,
      PullOptions options,
      TransferListener listener,
      String selection,
      PullGuard guard,
      String action) {
    // Before a byte is fetched: a model that needs converting and no converter is refused now.
    ModelConverter converter = model.conversion() == null ? null : converter(model.conversion());
    List<DownloadRequest> requests = new ArrayList<>();
    Map<String, RemoteFile> reused = new LinkedHashMap<>();
    Map<String, String> known = options.force() ? Map.of() : knownByRegistryDigest(model);
    for (RemoteFile f : model.files()) {
      String sha256 = f.sha256();
      if (sha256 == null && f.registryDigest() != null) {
        sha256 = known.get(f.registryDigest() + " " + f.size());
      }
      if (!options.force() && sha256 != null && store.hasBlob(sha256)) {
        reused.put(
            f.path(), new RemoteFile(f.path(), f.size(), sha256, f.registryDigest(), f.download()));
        listener.skipped(f.path(), f.size());
      } else {
        requests.add(
            new DownloadRequest(
                f.path(),
                f.download(),
                f.size(),
                f.sha256(),
                f.registryDigest(),
                registry.accessHint()));
      }
    }
    Object pull = new Object();
    try {
      List<DownloadedFile> downloaded = download(pull, model, requests, reused, listener);
      return commit(
          registry, model, options, selection, guard, action, downloaded, reused, converter);
    } finally {
      if (shared != null) {
        shared.release(pull);
      }
    }
  }

  /**
   * Fetches {@code requests}; with other pulls beside this one, a file another pull is fetching is
   * waited for instead (after this pull's own files) and then taken from the store, or fetched here
   * when that pull failed.
   */
  private List<DownloadedFile> download(
      Object pull,
      ResolvedModel model,
      List<DownloadRequest> requests,
      Map<String, RemoteFile> reused,
      TransferListener listener) {
    Map<String, java.util.concurrent.CompletableFuture<Void>> elsewhere =
        shared == null
            ? Map.of()
            : shared.claim(
                pull,
                requests.stream()
                    .map(DownloadRequest::sha256)
                    .filter(java.util.Objects::nonNull)
                    .toList());
    List<DownloadRequest> mine = new ArrayList<>();
    List<DownloadRequest> waited = new ArrayList<>();
    for (DownloadRequest r : requests) {
      (r.sha256() != null && elsewhere.containsKey(r.sha256()) ? waited : mine).add(r);
    }
    List<DownloadedFile> downloaded =
        new ArrayList<>(transfer.download(mine, store.tempDir(), listener));
    List<DownloadRequest> again = new ArrayList<>();
    for (DownloadRequest r : waited) {
      elsewhere.get(r.sha256()).join();
      if (store.hasBlob(r.sha256())) {
        RemoteFile f =
            model.files().stream().filter(x -> x.path().equals(r.path())).findFirst().get();
        reused.put(
            f.path(),
            new RemoteFile(f.path(), f.size(), r.sha256(), f.registryDigest(), f.download()));
        listener.skipped(f.path(), f.size());
      } else {
        again.add(r);
      }
    }
    downloaded.addAll(transfer.download(again, store.tempDir(), listener));
    return downloaded;
  }

  private PullResult commit(
      Registry registry,
      ResolvedModel model,
      PullOptions options,
      String selection,
      PullGuard guard,
      String action,
      List<DownloadedFile> downloaded,
      Map<String, RemoteFile> reused,
      ModelConverter converter) {
    Map<String, DownloadedFile> byPath = new LinkedHashMap<>();
    downloaded.forEach(d -> byPath.put(d.path(), d));
    // Each file of the version: the bytes to move into the store (null when the store has them).
    Map<String, ManifestFile> files = new LinkedHashMap<>();
    Map<String, Path> toStore = new LinkedHashMap<>();
    long bytesDownloaded = 0;
    long bytesReused = 0;
    try (Overlay unpacked = new Overlay(store.tempDir(), unpackLimit(model), MAX_ENTRIES)) {
      boolean anyArchive = false;
      for (RemoteFile f : model.files()) {
        DownloadedFile d = byPath.get(f.path());
        // A file the store has: its sha256 as listed, or found by the registry's own digest.
        String storedSha = reused.containsKey(f.path()) ? reused.get(f.path()).sha256() : null;
        if (d != null) {
          bytesDownloaded += d.transferred();
        } else {
          bytesReused += f.size();
        }
        if (f.unpack() != null) {
          anyArchive = true;
          Path archive = d != null ? d.file() : store.blobPath(storedSha);
          unpack(unpacked, archive, f);
          continue;
        }
        String sha = d != null ? d.sha256() : storedSha;
        long size = d != null ? d.size() : f.size();
        // The digest checked: the listed one, or what the storage server declared with the bytes.
        String registryDigest =
            d != null && d.registryDigest() != null
                ? d.registryDigest()
                : f.registryDigest() == null || f.registryDigest().fromResponse()
                    ? null
                    : f.registryDigest().toString();
        files.put(f.path(), new ManifestFile(f.path(), size, sha, registryDigest));
        if (d != null) {
          toStore.put(f.path(), d.file());
        }
      }
      if (anyArchive) {
        for (Overlay.Entry e : unpacked.files().values()) {
          files.put(e.path(), new ManifestFile(e.path(), e.size(), e.sha256(), null));
          toStore.put(e.path(), e.file());
        }
      }
      // Before the store takes a byte: a refused version leaves no model and no new blob behind.
      guard.check(model, List.copyOf(files.values()));
      for (Map.Entry<String, Path> move : toStore.entrySet()) {
        String sha = files.get(move.getKey()).sha256();
        if (!store.hasBlob(sha)) {
          store.putBlob(move.getValue(), sha);
        }
      }
    }
    for (RemoteFile f : model.files()) {
      DownloadedFile d = byPath.get(f.path());
      if (f.unpack() != null && d != null) {
        deleteQuietly(d.file()); // the archive itself is not kept: its files are
      }
    }
    Map<String, Path> onDisk = new LinkedHashMap<>();
    for (ManifestFile f : files.values()) {
      onDisk.put(f.path(), store.blobPath(f.sha256()));
    }
    Map<String, String> lineage = new LinkedHashMap<>(model.lineage());
    if (converter != null) {
      convert(converter, model.conversion(), files, onDisk, lineage);
    }
    for (DerivedFile derived : registry.derive(model, onDisk)) {
      String sha = putDerived(derived);
      files.put(
          derived.path(), new ManifestFile(derived.path(), derived.content().length, sha, null));
      lineage.put("derived:" + derived.path(), derived.how());
    }
    List<ManifestFile> ordered = new ArrayList<>(files.values());
    if (selection != null) {
      lineage.put(VersionManifest.SELECTION, selection);
      if (options.variant() != null) {
        lineage.put("variant", options.variant());
      }
      if (!options.include().isEmpty()) {
        lineage.put("include", String.join(",", options.include()));
      }
      if (!options.exclude().isEmpty()) {
        lineage.put("exclude", String.join(",", options.exclude()));
      }
    }
    if (pulledBy != null) {
      lineage.put(PULLED_BY, pulledBy);
    }
    String stored = VersionManifest.storedVersion(model.version(), selection);
    VersionManifest manifest =
        new VersionManifest(
            VersionManifest.SCHEMA_VERSION,
            model.registry(),
            model.name(),
            stored,
            model.requested(),
            clock.instant(),
            model.source(),
            ordered,
            lineage);
    if (options.force()) {
      store.remove(model.registry(), model.name(), stored);
    }
    VersionManifest committed = store.commit(manifest);
    tagRequested(model, selection, action);
    return new PullResult(
        committed, false, downloaded.size(), reused.size(), bytesDownloaded, bytesReused);
  }

  /** Points the name asked for ({@code main}; {@code main+quantized} for a variant) at the copy. */
  private void tagRequested(ResolvedModel model, String selection, String action) {
    if (model.requested() != null && !model.requested().equals(model.version())) {
      store.tag(
          model.registry(),
          model.name(),
          VersionManifest.storedVersion(model.requested(), selection),
          VersionManifest.storedVersion(model.version(), selection),
          action);
    }
  }

  /**
   * The sha256 of files this model's stored versions already have, by the registry's own digest and
   * size ({@code md5:... 1234}): a registry that lists no sha256 (W&amp;B's MD5s, the Hub's git
   * blob sha1 for small files) can still name a file the store holds, so a new version fetches only
   * its new files. This is as safe as fetching: a download of such a file is verified against that
   * same registry digest and nothing stronger.
   */
  private Map<String, String> knownByRegistryDigest(ResolvedModel model) {
    if (model.files().stream().allMatch(f -> f.sha256() != null || f.registryDigest() == null)) {
      return Map.of();
    }
    Map<String, String> out = new java.util.HashMap<>();
    // Any workspace's copies: a registry digest with a size names content, whoever pulled it,
    // and the blobs are shared.
    for (VersionManifest v : store.everyWorkspaceVersions(model.registry(), model.name())) {
      for (ManifestFile f : v.files()) {
        if (f.registryDigest() != null) {
          out.putIfAbsent(f.registryDigest() + " " + f.size(), f.sha256());
        }
      }
    }
    return out;
  }

  /** Overrides the converter {@link java.util.ServiceLoader} finds (tests, embedders). */
  public ModelPuller converter(ModelConverter c) {
    this.converter = c;
    return this;
  }

  private ModelConverter converter(Conversion c) {
    if (converter != null && converter.converts(c)) {
      return converter;
    }
    return java.util.ServiceLoader.load(ModelConverter.class, ModelPuller.class.getClassLoader())
        .stream()
        .map(java.util.ServiceLoader.Provider::get)
        .filter(found -> found.converts(c))
        .findFirst()
        .orElseThrow(
            () ->
                GpuxException.unavailable(
                    c.reference()
                        + " is a "
                        + c.title()
                        + " model; converting it needs `gpux convert` (coming)",
                    c.alternatives() != null
                        ? c.alternatives()
                        : "pull an ONNX version of the model instead"));
  }

  /**
   * Hands the verified original files to the converter and adds what it makes to the version, as
   * derived files (the originals stay: the conversion can be checked against them again).
   */
  private void convert(
      ModelConverter c,
      Conversion conversion,
      Map<String, ManifestFile> files,
      Map<String, Path> onDisk,
      Map<String, String> lineage) {
    Path work;
    try {
      work = Files.createTempDirectory(store.tempDir(), "convert");
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot create a work folder in " + store.tempDir() + ": " + e.getMessage(),
          "check GPUX_HOME");
    }
    try {
      ModelConverter.Converted out = c.convert(conversion, Map.copyOf(onDisk), work);
      for (Map.Entry<String, Path> made : out.files().entrySet()) {
        String path = ModelStore.checkFilePath(made.getKey());
        String sha = Sha256.of(made.getValue());
        long size = Files.size(made.getValue());
        if (!store.hasBlob(sha)) {
          store.putBlob(made.getValue(), sha);
        }
        files.put(path, new ManifestFile(path, size, sha, null));
        onDisk.put(path, store.blobPath(sha));
        lineage.put("derived:" + path, "converted from " + conversion.title());
      }
      lineage.putAll(out.lineage());
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot store the converted model: " + e.getMessage(), "check GPUX_HOME");
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(ModelPuller::deleteQuietly);
    } catch (IOException ignored) {
      // A leftover in the work folder is removed by gpux prune.
    }
  }

  private String putDerived(DerivedFile derived) {
    try {
      String sha = Sha256.hex(derived.content());
      if (!store.hasBlob(sha)) {
        Path tmp = Files.createTempFile(store.tempDir(), "derived", ".tmp");
        Files.write(tmp, derived.content());
        store.putBlob(tmp, sha);
      }
      return sha;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot write " + derived.path() + " into the store: " + e.getMessage(),
          "check GPUX_HOME");
    }
  }

  /** At most this many entries in one version's archives. */
  static final int MAX_ENTRIES = 100_000;

  /**
   * What a version's archives may unpack to: the free space of the store's disk, and never more
   * than 200 times their own size (gzip reaches 1000:1 only on data made to, a model's weights
   * about 1.1:1), so a decompression bomb is stopped early.
   */
  private long unpackLimit(ResolvedModel model) {
    long archives = 0;
    for (RemoteFile f : model.files()) {
      if (f.unpack() != null) {
        archives += Math.max(0, f.size());
      }
    }
    long usable;
    try {
      usable = Files.getFileStore(store.tempDir()).getUsableSpace();
    } catch (IOException e) {
      usable = Long.MAX_VALUE;
    }
    long ratio = archives > Long.MAX_VALUE / 200 ? Long.MAX_VALUE : archives * 200;
    return Math.min(usable, Math.max(ratio, 1L << 30));
  }

  private static void unpack(Overlay overlay, Path archive, RemoteFile f) {
    RemoteFile.Unpack u = f.unpack();
    Overlay.Compression c =
        switch (u.format()) {
          case TAR -> Overlay.Compression.NONE;
          case TAR_GZIP -> Overlay.Compression.GZIP;
          case TAR_ZSTD -> Overlay.Compression.ZSTD;
        };
    try {
      overlay.add(archive, c, u.from(), u.whiteouts(), f.path());
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot unpack " + f.path() + ": " + e.getMessage(), "check GPUX_HOME's disk");
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover in the work folder is removed by gpux prune.
    }
  }
}
