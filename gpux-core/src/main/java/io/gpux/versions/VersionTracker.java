package io.gpux.versions;

import io.gpux.error.GpuxException;
import io.gpux.index.TagMove;
import io.gpux.index.TagTables;
import io.gpux.index.TagTables.TagRow;
import io.gpux.pull.ModelPuller;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registries;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.Tracking;
import io.gpux.store.ModelStore;
import io.gpux.store.StoreLock;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code gpux outdated}, {@code update}, {@code pin}, {@code unpin}, {@code rollback} and {@code
 * history} over the store's local names (see the package documentation).
 *
 * <p>Every change to a local name happens under its model's store lock, the one a pull of the model
 * takes, after reading the name again: two processes updating one store at once each see what the
 * other did, and a name moves once.
 */
public final class VersionTracker {
  /**
   * Registry checks at once. The transport's per-host limit (8 connections) is what bounds the load
   * on one registry; this only keeps a check of many models from starting a thread each.
   */
  static final int CHECKS_AT_ONCE = 8;

  private final Registries registries;
  private final Supplier<ModelStore> openStore;
  private final Supplier<ModelPuller> puller;

  public VersionTracker(
      Registries registries, Supplier<ModelStore> store, Supplier<ModelPuller> puller) {
    this.registries = registries;
    this.openStore = store;
    this.puller = puller;
  }

  private ModelStore store() {
    return openStore.get();
  }

  // ---- outdated ---------------------------------------------------------------------------

  /**
   * Checks the local names {@code refs} name (every stored model when empty) against their
   * registries, concurrently; a registry that cannot be asked makes its models {@link
   * Status#UNREACHABLE} and the rest are still checked.
   */
  public List<ModelCheck> outdated(List<ModelRef> refs) {
    List<Target> targets = targets(refs);
    return parallel(targets, this::check);
  }

  /**
   * A local name (its index row: the manifest is read by the check, on the check's thread), or a
   * model pulled by exact versions only (name null; {@code exact} null for its newest version).
   */
  private record Target(String registry, String model, TagRow name, String exact) {}

  private List<Target> targets(List<ModelRef> refs) {
    Set<Target> out = new LinkedHashSet<>();
    ModelStore store = store();
    if (refs.isEmpty()) {
      // From the index alone: a hundred models cost two queries, not a hundred manifest reads.
      Map<List<String>, List<TagRow>> names = new LinkedHashMap<>();
      for (TagRow n : store.localNames(null, null)) {
        names.computeIfAbsent(List.of(n.registry(), n.name()), k -> new ArrayList<>()).add(n);
      }
      for (List<String> model : store.models()) {
        List<TagRow> named = names.getOrDefault(model, List.of());
        if (named.isEmpty()) {
          out.add(new Target(model.get(0), model.get(1), null, null));
        }
        named.forEach(n -> out.add(new Target(n.registry(), n.name(), n, null)));
      }
      return new ArrayList<>(out);
    }
    for (ModelRef ref : refs) {
      StoredModel m = storedModel(ref);
      List<TagRow> named = store.localNames(m.registry, m.name);
      if (ref.qualifier() == null && named.isEmpty()) {
        out.add(new Target(m.registry, m.name, null, null));
        continue;
      }
      if (ref.qualifier() == null) {
        named.forEach(n -> out.add(new Target(n.registry(), n.name(), n, null)));
        continue;
      }
      List<TagRow> matching =
          named.stream()
              .filter(
                  n -> n.tag().equals(ref.qualifier()) || n.tag().startsWith(ref.qualifier() + "+"))
              .toList();
      if (!matching.isEmpty()) {
        matching.forEach(n -> out.add(new Target(n.registry(), n.name(), n, null)));
        continue;
      }
      VersionManifest exact = store.resolve(m.registry, m.name, ref.qualifier()).orElse(null);
      if (exact == null) {
        throw notALocalName(ref, m, localNames(m.registry, m.name));
      }
      out.add(new Target(m.registry, m.name, null, exact.version()));
    }
    return new ArrayList<>(out);
  }

  private ModelCheck check(Target t) {
    ModelStore store = store();
    if (t.name == null) {
      String version =
          t.exact != null ? t.exact : store.versions(t.registry, t.model).get(0).version();
      return new ModelCheck(
          registries.exactReference(t.registry, t.model, version),
          t.registry,
          t.model,
          null,
          version,
          null,
          Status.EXACT,
          Changes.NONE,
          null);
    }
    VersionManifest local =
        store.manifest(t.name.registry(), t.name.name(), t.name.version()).orElse(null);
    LocalName n = localName(t.name, local);
    if (local == null) {
      return row(n, null, null, Status.UNREACHABLE, Changes.NONE, "not in the store any more");
    }
    if (n.pinned()) {
      return row(n, local, null, Status.PINNED, Changes.NONE, null);
    }
    try {
      Tracking tracking = tracking(n.registry());
      ModelRef movable = movable(tracking, n, local);
      RemoteHead head = tracking.head(movable, optionsOf(local), local.registryVersion());
      String remote = VersionManifest.storedVersion(head.version(), local.selection());
      if (remote.equals(local.version())) {
        return row(n, local, head.version(), Status.CURRENT, Changes.NONE, null);
      }
      Changes changes = head.files() == null ? Changes.NONE : Changes.between(local, head.files());
      return row(n, local, head.version(), Status.OUTDATED, changes, null);
    } catch (GpuxException e) {
      String why = e.problem() + (e.hint() == null ? "" : " (" + e.hint() + ")");
      return row(n, local, null, Status.UNREACHABLE, Changes.NONE, why);
    }
  }

  private static ModelCheck row(
      LocalName n,
      VersionManifest local,
      String remote,
      Status status,
      Changes changes,
      String error) {
    return new ModelCheck(
        n.reference(),
        n.registry(),
        n.name(),
        n.tag(),
        local == null ? n.version() : local.registryVersion(),
        remote,
        status,
        changes,
        error);
  }

  // ---- update -----------------------------------------------------------------------------

  /**
   * Moves the local names {@code refs} name ({@code all}: every one in the store) to what their
   * registries' names point to now, pulling only files whose digest the store lacks; the previous
   * version stays in the store. Pinned names are skipped. With {@code dryRun}, only checks.
   */
  public List<UpdateOutcome> update(
      List<ModelRef> refs, boolean dryRun, TransferListener listener) {
    List<Target> targets = targets(refs);
    // Pulls share the process's transfer engine (its per-host limits hold across them); a few at
    // once keep the wire busy while one model is hashed or committed.
    return parallel(targets, t -> updateOne(t, dryRun, listener));
  }

  private UpdateOutcome updateOne(Target t, boolean dryRun, TransferListener listener) {
    if (t.name == null) {
      return new UpdateOutcome(check(t), false, 0, 0, 0);
    }
    try (StoreLock lock = store().lock(t.registry + "/" + t.model)) {
      // Read again under the lock: another process may have updated or pinned it meanwhile.
      TagRow row =
          store().localNames(t.registry, t.model).stream()
              .filter(n -> n.tag().equals(t.name.tag()))
              .findFirst()
              .orElse(t.name);
      ModelCheck check = check(new Target(t.registry, t.model, row, null));
      if (check.status() != Status.OUTDATED || dryRun) {
        return new UpdateOutcome(check, false, 0, 0, 0);
      }
      VersionManifest local = store().manifest(row.registry(), row.name(), row.version()).get();
      LocalName now = localName(row, local);
      Tracking tracking = tracking(now.registry());
      PullResult pulled;
      try {
        pulled =
            puller
                .get()
                .pull(movable(tracking, now, local), optionsOf(local), listener, TagTables.UPDATED);
      } catch (GpuxException e) {
        String why = e.problem() + (e.hint() == null ? "" : " (" + e.hint() + ")");
        return new UpdateOutcome(
            check.after(check.remote(), Status.UNREACHABLE, why), false, 0, 0, 0);
      }
      VersionManifest got = pulled.manifest();
      ModelCheck moved = check.after(got.registryVersion(), Status.OUTDATED, null);
      return new UpdateOutcome(
          moved,
          !got.version().equals(local.version()),
          pulled.filesDownloaded(),
          pulled.filesReused(),
          pulled.bytesDownloaded());
    }
  }

  // ---- pin, unpin, rollback ---------------------------------------------------------------

  /** What {@link #pin} or {@link #rollback} did: the name, and where it pointed before. */
  public record Moved(LocalName name, String from, String to) {}

  /**
   * Pins a local name: at its current version, or at {@code version} (a stored version of the
   * model: exact, or a unique prefix of a commit). {@code ref}'s qualifier is either the local name
   * or, when the model has one local name, the version to pin it at.
   */
  public Moved pin(ModelRef ref, String version) {
    StoredModel m = storedModel(ref);
    List<LocalName> named = localNames(m.registry, m.name);
    LocalName name;
    String to = version;
    List<LocalName> matching = ref.qualifier() == null ? named : matching(named, ref.qualifier());
    if (ref.qualifier() != null && matching.isEmpty() && to == null) {
      // hf:org/m@<commit>: the model's one local name, pinned at that version.
      to = ref.qualifier();
      matching = named;
    }
    name = one(ref, m, matching, named, "pin");
    try (StoreLock lock = store().lock(m.registry + "/" + m.name)) {
      LocalName now = reread(name);
      VersionManifest target =
          to == null
              ? store().manifest(now.registry(), now.name(), now.version()).orElseThrow()
              : storedVersion(ref, m, now, to);
      store().pin(now.registry(), now.name(), now.tag(), target.version());
      return new Moved(reread(now), now.version(), target.version());
    }
  }

  /** Unpins a local name; returns it (an error when it was not pinned). */
  public LocalName unpin(ModelRef ref) {
    StoredModel m = storedModel(ref);
    List<LocalName> named = localNames(m.registry, m.name);
    List<LocalName> matching = ref.qualifier() == null ? named : matching(named, ref.qualifier());
    LocalName name = one(ref, m, matching, named, "unpin");
    try (StoreLock lock = store().lock(m.registry + "/" + m.name)) {
      if (!store().unpin(name.registry(), name.name(), name.tag())) {
        throw GpuxException.invalidInput(
            name.reference() + " is not pinned", "`gpux pin " + name.reference() + "` pins it");
      }
      return reread(name);
    }
  }

  /**
   * Moves a local name back to where it pointed before its last move, or to {@code version} (a
   * stored version of the model). Both versions stay in the store. A pinned name is refused.
   */
  public Moved rollback(ModelRef ref, String version) {
    StoredModel m = storedModel(ref);
    List<LocalName> named = localNames(m.registry, m.name);
    List<LocalName> matching = ref.qualifier() == null ? named : matching(named, ref.qualifier());
    LocalName name = one(ref, m, matching, named, "roll back");
    try (StoreLock lock = store().lock(m.registry + "/" + m.name)) {
      LocalName now = reread(name);
      if (now.pinned()) {
        throw GpuxException.invalidInput(
            now.reference() + " is pinned at " + shown(now.version()),
            "`gpux unpin "
                + now.reference()
                + "` first, or `gpux pin "
                + now.reference()
                + " --to VERSION` to move the pin");
      }
      VersionManifest target;
      if (version != null) {
        target = storedVersion(ref, m, now, version);
      } else {
        String previous = previous(now);
        if (previous == null) {
          throw GpuxException.invalidInput(
              now.reference()
                  + " has no previous version: it has pointed at "
                  + shown(now.version())
                  + " since it was pulled",
              "see `gpux history " + now.reference() + "`; `--to VERSION` names a stored one");
        }
        target = store().manifest(m.registry, m.name, previous).orElse(null);
        if (target == null) {
          throw GpuxException.notFound(
              now.reference()
                  + " pointed at "
                  + shown(previous)
                  + " before, but that version is no longer in the store",
              "pull it again (`gpux pull "
                  + registries.exactReference(m.registry, m.name, previous)
                  + "`), or give `--to VERSION`");
        }
      }
      store().tag(now.registry(), now.name(), now.tag(), target.version(), TagTables.ROLLED_BACK);
      return new Moved(reread(now), now.version(), target.version());
    }
  }

  /**
   * Where the name pointed before its newest move to where it is now; pins and unpins that did not
   * move it are skipped.
   */
  private String previous(LocalName n) {
    List<TagMove> moves = store().tagHistory(n.registry(), n.name(), n.tag());
    for (int i = moves.size() - 1; i >= 0; i--) {
      TagMove mv = moves.get(i);
      if (mv.version().equals(n.version())
          && mv.previousVersion() != null
          && !mv.previousVersion().equals(mv.version())) {
        return mv.previousVersion();
      }
    }
    return null;
  }

  // ---- history ----------------------------------------------------------------------------

  /**
   * The local timeline of the model {@code ref} names (of one local name when its qualifier names
   * one), oldest first: every move of its names with why, and its pulls by exact version.
   */
  public List<HistoryEntry> history(ModelRef ref) {
    StoredModel m = storedModel(ref);
    List<LocalName> named = localNames(m.registry, m.name);
    List<LocalName> matching = ref.qualifier() == null ? named : matching(named, ref.qualifier());
    if (ref.qualifier() != null && matching.isEmpty()) {
      throw notALocalName(ref, m, named);
    }
    List<HistoryEntry> out = new ArrayList<>();
    for (LocalName n : matching) {
      for (TagMove mv : store().tagHistory(n.registry(), n.name(), n.tag())) {
        out.add(
            new HistoryEntry(
                m.registry,
                m.name,
                n.tag(),
                mv.action(),
                mv.version(),
                mv.previousVersion(),
                mv.movedAt()));
      }
    }
    if (ref.qualifier() == null) {
      for (VersionManifest v : store().versions(m.registry, m.name)) {
        if (v.requested() == null || v.requested().equals(v.registryVersion())) {
          out.add(
              new HistoryEntry(
                  m.registry, m.name, null, TagTables.PULLED, v.version(), null, v.pulledAt()));
        }
      }
    }
    out.sort(Comparator.comparing(HistoryEntry::at)); // stable: a name's moves keep their order
    return out;
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** The local names of one model (or all), with how a user writes each. */
  public List<LocalName> localNames(String registry, String name) {
    List<LocalName> out = new ArrayList<>();
    ModelStore store = store();
    for (TagRow row : store.localNames(registry, name)) {
      out.add(
          localName(row, store.manifest(row.registry(), row.name(), row.version()).orElse(null)));
    }
    return out;
  }

  /** A tag row with how a user writes it, in its registry's grammar ({@code m}: its version). */
  private LocalName localName(TagRow row, VersionManifest m) {
    String reference = row.registry() + ":" + row.name() + "@" + row.tag();
    if (m != null
        && registries.has(row.registry())
        && registries.get(row.registry()) instanceof Tracking tracking) {
      reference = tracking.movable(row.name(), requested(row.tag(), m), m.lineage()).toString();
      if (m.selection() != null) {
        reference += " (" + m.selection() + ")";
      }
    }
    return new LocalName(
        row.registry(),
        row.name(),
        row.tag(),
        row.version(),
        row.pinned(),
        row.updatedAt(),
        reference);
  }

  private LocalName reread(LocalName n) {
    return localNames(n.registry(), n.name()).stream()
        .filter(x -> x.tag().equals(n.tag()))
        .findFirst()
        .orElse(n);
  }

  /** The registry's name a tag stands for: {@code main} for {@code main+quantized}. */
  private static String requested(String tag, VersionManifest m) {
    String s = m.selection();
    return s != null && tag.endsWith("+" + s)
        ? tag.substring(0, tag.length() - s.length() - 1)
        : tag;
  }

  private ModelRef movable(Tracking tracking, LocalName n, VersionManifest local) {
    return tracking.movable(n.name(), requested(n.tag(), local), local.lineage());
  }

  private Tracking tracking(String registry) {
    return registries.capability(registry, Tracking.class, "tell what a name points to now");
  }

  /** The file selection a stored copy was pulled with, so the check compares like with like. */
  static PullOptions optionsOf(VersionManifest m) {
    Map<String, String> l = m.lineage();
    return new PullOptions(
        split(l.get("include")), split(l.get("exclude")), l.get("variant"), false);
  }

  private static List<String> split(String csv) {
    return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
  }

  private static List<LocalName> matching(List<LocalName> named, String qualifier) {
    return named.stream()
        .filter(n -> n.tag().equals(qualifier) || n.tag().startsWith(qualifier + "+"))
        .toList();
  }

  private record StoredModel(String registry, String name) {}

  /** The stored model a reference names: its registry given, or found by name in the store. */
  private StoredModel storedModel(ModelRef ref) {
    ModelStore store = store();
    if (ref.registry() != null) {
      if (store.versions(ref.registry(), ref.name()).isEmpty()) {
        throw notStored(ref);
      }
      return new StoredModel(ref.registry(), ref.name());
    }
    Set<String> found = new LinkedHashSet<>();
    for (VersionManifest m : store.list()) {
      if (m.name().equals(ref.name())) {
        found.add(m.registry());
      }
    }
    if (found.isEmpty()) {
      throw notStored(ref);
    }
    if (found.size() > 1) {
      String first = found.iterator().next();
      throw GpuxException.invalidInput(
          "'"
              + ref.name()
              + "' is in the store from several registries ("
              + String.join(", ", found)
              + ")",
          "prefix it with the registry, e.g. " + first + ":" + ref.name());
    }
    return new StoredModel(found.iterator().next(), ref.name());
  }

  private GpuxException notStored(ModelRef ref) {
    String hint = "`gpux pull " + ref + "` first; `gpux list` shows the store";
    if (ref.registry() == null) {
      return GpuxException.notFound(
          ref + " is not in the store of workspace " + store().workspace(), hint);
    }
    return store().notStored(ref.toString(), ref.registry(), ref.name(), null, hint);
  }

  private static GpuxException notALocalName(ModelRef ref, StoredModel m, List<LocalName> named) {
    return GpuxException.notFound(
        "'"
            + ref.qualifier()
            + "' is neither a local name nor a stored version of "
            + m.registry
            + ":"
            + m.name,
        named.isEmpty()
            ? "it was pulled by exact versions only; `gpux history "
                + m.registry
                + ":"
                + m.name
                + "` lists them"
            : "its local names: "
                + String.join(", ", named.stream().map(LocalName::reference).toList()));
  }

  /** The one local name an operation applies to, or an error naming the choices. */
  private LocalName one(
      ModelRef ref, StoredModel m, List<LocalName> matching, List<LocalName> named, String doing) {
    if (named.isEmpty()) {
      throw GpuxException.invalidInput(
          m.registry
              + ":"
              + m.name
              + " was pulled by exact versions only: nothing moves it, so"
              + " there is nothing to "
              + doing,
          "pull it by a movable name (a branch, tag or alias) to " + doing + " that name");
    }
    if (matching.isEmpty()) {
      throw notALocalName(ref, m, named);
    }
    if (matching.size() > 1) {
      throw GpuxException.invalidInput(
          m.registry + ":" + m.name + " has several local names; say which to " + doing,
          "one of: " + String.join(", ", matching.stream().map(LocalName::reference).toList()));
    }
    return matching.get(0);
  }

  /**
   * A stored version of the model, in the local name's file selection, or an error listing them.
   */
  private VersionManifest storedVersion(ModelRef ref, StoredModel m, LocalName n, String version) {
    ModelStore store = store();
    String selection =
        store
            .manifest(n.registry(), n.name(), n.version())
            .map(VersionManifest::selection)
            .orElse(null);
    VersionManifest v = store.resolve(m.registry, m.name, version, selection).orElse(null);
    if (v == null) {
      List<String> have =
          store.versions(m.registry, m.name).stream()
              .filter(x -> Objects.equals(x.selection(), selection))
              .map(x -> shown(x.registryVersion()))
              .toList();
      throw GpuxException.notFound(
          "version '" + version + "' of " + m.registry + ":" + m.name + " is not in the store",
          "stored versions: "
              + String.join(", ", have)
              + "; `gpux pull "
              + registries.exactReference(m.registry, m.name, version)
              + "` fetches it first");
    }
    return v;
  }

  /** A commit sha shortened for messages, as git shows it; other versions whole. */
  static String shown(String version) {
    return version.matches("[0-9a-f]{40}") ? version.substring(0, 12) : version;
  }

  private static <T, R> List<R> parallel(List<T> items, Function<T, R> work) {
    if (items.size() <= 1) {
      return items.stream().map(work).toList();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(CHECKS_AT_ONCE, items.size()),
            r -> {
              Thread t = new Thread(r, "gpux-versions");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        out.add(join(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <R> R join(Future<R> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          io.gpux.error.ErrorCategory.INTERNAL, "interrupted while checking versions", null, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
