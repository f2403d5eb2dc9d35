package io.gpux.lock;

import io.gpux.error.GpuxException;
import io.gpux.pull.ModelPuller;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Registries;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.ResolvedModel;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code gpux sync FILE}: brings exactly the locked bytes into the store. Two passes, so a bad
 * lockfile changes nothing: first every model is checked (against the stored version when the store
 * has it, else against the registry's listing of the exact version, metadata only); then what the
 * store lacks is fetched, each pull's guard refusing any byte that is not the locked one before the
 * store takes it. Finally each locked movable name points at its locked version.
 */
public final class LockRestorer {
  private final Registries registries;
  private final Supplier<ModelStore> store;
  private final ModelPuller puller;
  private final boolean offline;

  public LockRestorer(
      Registries registries, Supplier<ModelStore> store, ModelPuller puller, boolean offline) {
    this.registries = registries;
    this.store = store;
    this.puller = puller;
    this.offline = offline;
  }

  /**
   * @param file names the lockfile in errors ({@code gpux.lock:12: ...})
   */
  public SyncReport restore(Lockfile lock, String file, TransferListener listener) {
    List<Plan> plans = new ArrayList<>();
    for (LockedModel m : lock.models()) {
      plans.add(plan(m, file));
    }
    List<SyncReport.Restored> out = new ArrayList<>();
    for (Plan p : plans) {
      LockedModel m = p.model();
      String exact = registries.exactReference(m.registry(), m.name(), m.version());
      if (p.resolved() == null) {
        tag(m);
        out.add(new SyncReport.Restored(m, exact, true, 0, 0));
        continue;
      }
      PullResult r =
          puller.pull(
              p.resolved(),
              m.options(),
              listener,
              (model, files) -> {
                String diff = firstDifference(m.files(), files);
                if (diff != null) {
                  throw changedUpstream(file, m, diff);
                }
              });
      tag(m);
      out.add(
          new SyncReport.Restored(
              m, exact, r.alreadyPresent(), r.filesDownloaded(), r.bytesDownloaded()));
    }
    return new SyncReport(out);
  }

  /** A model checked: null {@code resolved} when the store has every locked byte. */
  private record Plan(LockedModel model, ResolvedModel resolved) {}

  private Plan plan(LockedModel m, String file) {
    if (!registries.canonicalNames().contains(m.registry())) {
      throw GpuxException.invalidInput(
          file + ":" + m.line() + ": unknown registry '" + m.registry() + "'",
          "installed registries: " + String.join(", ", registries.canonicalNames()));
    }
    ModelStore s = store.get();
    Optional<VersionManifest> stored = s.manifest(m.registry(), m.name(), m.storedVersion());
    if (stored.isPresent()) {
      // Exact versions do not change; a stored one came verified from the registry, so a lock
      // that disagrees with it was edited (or damaged), and nothing is fetched on its word.
      String diff = firstDifference(m.files(), LockedModel.registryFiles(stored.get()));
      if (diff != null) {
        throw GpuxException.invalidInput(
            where(file, m) + diff + " (the store has that version as the registry served it)",
            "the lockfile was edited or damaged: regenerate it with `gpux lock "
                + registries.exactReference(m.registry(), m.name(), m.version())
                + "`");
      }
      if (stored.get().files().stream().allMatch(f -> s.hasBlob(f.sha256()))) {
        return new Plan(m, null);
      }
    }
    if (stored.isEmpty()
        && s.adopt(
                m.registry(),
                m.name(),
                m.storedVersion(),
                other -> firstDifference(m.files(), LockedModel.registryFiles(other)) == null)
            .isPresent()) {
      // Another workspace holds exactly the locked bytes (checked by digest): this workspace
      // gets its own manifest of them, offline too.
      return new Plan(m, null);
    }
    if (offline) {
      throw GpuxException.unavailable(
          where(file, m) + "not in the store, and GPUX_OFFLINE=1 is set",
          "unset GPUX_OFFLINE to fetch it");
    }
    ModelRef ref =
        registries.parser().parse(registries.exactReference(m.registry(), m.name(), m.version()));
    ResolvedModel resolved;
    try {
      resolved = puller.resolve(ref, m.options());
    } catch (GpuxException e) {
      if (e.category() == io.gpux.error.ErrorCategory.NOT_FOUND) {
        throw GpuxException.notFound(
            where(file, m)
                + "the registry no longer has version "
                + m.version()
                + ": "
                + e.problem(),
            "restore it upstream, or lock a version the registry has: `gpux lock "
                + m.registry()
                + ":"
                + m.name()
                + "`");
      }
      throw e;
    }
    String diff = firstDifferenceListed(m.files(), resolved.files());
    if (diff != null) {
      throw changedUpstream(file, m, diff);
    }
    if (m.requested() != null) {
      // Stored as pulled by its locked name (main, champion), which the pull also points at it.
      resolved =
          new ResolvedModel(
              resolved.registry(),
              resolved.name(),
              resolved.version(),
              m.requested(),
              resolved.source(),
              resolved.files(),
              resolved.lineage());
    }
    return new Plan(m, resolved);
  }

  private GpuxException changedUpstream(String file, LockedModel m, String diff) {
    return GpuxException.notFound(
        where(file, m) + "the registry no longer has the locked files: " + diff,
        "restore the file upstream, or lock what the registry has now: `gpux lock "
            + m.registry()
            + ":"
            + m.name()
            + (m.requested() == null ? "@" + m.version() : "@" + m.requested())
            + "`");
  }

  private static String where(String file, LockedModel m) {
    return file
        + (m.line() > 0 ? ":" + m.line() : "")
        + ": "
        + m.registry()
        + ":"
        + m.name()
        + " "
        + m.version()
        + ": ";
  }

  /** The first way {@code actual} differs from the locked files, or null when they are equal. */
  static String firstDifference(List<LockedFile> locked, List<ManifestFile> actual) {
    Map<String, ManifestFile> byPath = new LinkedHashMap<>();
    actual.forEach(f -> byPath.put(f.path(), f));
    for (LockedFile l : locked) {
      ManifestFile a = byPath.remove(l.path());
      if (a == null) {
        return l.path() + " is locked but missing";
      }
      if (a.size() != l.size()) {
        return l.path() + " is locked with " + l.size() + " bytes but has " + a.size();
      }
      if (!a.sha256().equals(l.sha256())) {
        return l.path()
            + " is locked with sha256 "
            + l.sha256().substring(0, 12)
            + "... but has "
            + a.sha256().substring(0, 12)
            + "...";
      }
    }
    return byPath.isEmpty() ? null : byPath.keySet().iterator().next() + " is there but not locked";
  }

  /** {@link #firstDifference} against a listing, comparing what the registry states. */
  static String firstDifferenceListed(List<LockedFile> locked, List<RemoteFile> listed) {
    if (listed.stream().anyMatch(f -> f.unpack() != null)) {
      // An archive (an OCI tar layer) lists no files until it is unpacked: the pull's guard
      // compares what it unpacks with the lock before the store takes a byte.
      return null;
    }
    Map<String, RemoteFile> byPath = new LinkedHashMap<>();
    listed.forEach(f -> byPath.put(f.path(), f));
    for (LockedFile l : locked) {
      RemoteFile r = byPath.remove(l.path());
      if (r == null) {
        return l.path() + " is locked but the registry does not list it";
      }
      if (r.size() >= 0 && r.size() != l.size()) {
        return l.path() + " is locked with " + l.size() + " bytes but the registry has " + r.size();
      }
      if (r.sha256() != null && !r.sha256().equals(l.sha256())) {
        return l.path()
            + " is locked with sha256 "
            + l.sha256().substring(0, 12)
            + "... but the registry has "
            + r.sha256().substring(0, 12)
            + "...";
      }
    }
    return byPath.isEmpty()
        ? null
        : byPath.keySet().iterator().next() + " is in the registry but not locked";
  }

  /** Points the locked movable name at the locked version, as a pull by that name would. */
  private void tag(LockedModel m) {
    if (m.requested() == null) {
      return;
    }
    ModelStore s = store.get();
    String tag = VersionManifest.storedVersion(m.requested(), m.selection());
    if (!s.tagsOf(m.registry(), m.name(), m.storedVersion()).contains(tag)) {
      s.tag(m.registry(), m.name(), tag, m.storedVersion());
    }
  }
}
