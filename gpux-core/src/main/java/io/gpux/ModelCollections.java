package io.gpux;

import io.gpux.batch.BatchListener;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.batch.ModelList;
import io.gpux.collection.CollectionItem;
import io.gpux.collection.ModelCollection;
import io.gpux.error.GpuxException;
import io.gpux.index.CollectionTables;
import io.gpux.index.IndexDatabase;
import io.gpux.lock.Lockfile;
import io.gpux.ref.ModelRef;
import io.gpux.registry.CollectionSource;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registries;
import io.gpux.registry.ResolvedModel;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import io.gpux.workspace.Names;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collections ({@code gpux collection}): named lists of model references from any registry, in the
 * current workspace. Adding pins each model's exact version (the stored one, else what the registry
 * names now, asked without downloading); {@code follow} keeps the movable name instead. A
 * collection is a batch's list ({@link #pull}, and {@code --collection} on the batch commands), a
 * lockfile ({@link #lock}), or imported from a registry's own collections ({@link #importFrom}).
 * Every change is one transaction: a bad reference among several changes nothing. Get it from
 * {@link Gpux#collections()}.
 */
public final class ModelCollections {
  private final Resources resources;
  private final Models models;
  private final Batch batch;

  ModelCollections(Resources resources, Models models, Batch batch) {
    this.resources = resources;
    this.models = models;
    this.batch = batch;
  }

  private ModelStore store() {
    return resources.store();
  }

  private IndexDatabase db() {
    return store().indexDatabase();
  }

  private CollectionTables tables() {
    ModelStore s = store();
    return new CollectionTables(s.indexDatabase(), s.workspace());
  }

  private Instant now() {
    return resources.settings.clock().instant();
  }

  /** {@code gpux collection create NAME [--description D]}. */
  public ModelCollection create(String name, String description) {
    return create(name, description, null);
  }

  private ModelCollection create(String name, String description, String source) {
    Names.check("collection", name);
    CollectionTables t = tables();
    db().transaction(
            () -> {
              if (t.get(name).isPresent()) {
                throw GpuxException.invalidInput(
                    "collection '" + name + "' already exists in workspace '" + workspace() + "'",
                    "add to it with `gpux collection add "
                        + name
                        + " REF...`, or pick another name");
              }
              t.create(name, description, source, now());
            });
    return show(name);
  }

  private String workspace() {
    return store().workspace();
  }

  /**
   * {@code gpux collection add NAME REF... [--note N] [--follow]}: each reference pinned at its
   * exact version, or followed by its movable name; a reference already there gets the new note.
   *
   * @return the items as added
   */
  public List<CollectionItem> add(
      String name, List<String> references, String note, boolean follow) {
    CollectionTables t = tables();
    existing(t, name);
    if (references.isEmpty()) {
      throw GpuxException.invalidInput(
          "no models to add to '" + name + "'", "e.g. gpux collection add " + name + " hf:org/a");
    }
    // Every reference resolved before anything is written: one bad reference changes nothing.
    List<CollectionItem> items = new ArrayList<>();
    for (String text : references) {
      items.add(item(text, note, follow));
    }
    Instant now = now();
    db().transaction(
            () -> {
              for (CollectionItem i : items) {
                t.put(name, row(i), now);
              }
            });
    return items;
  }

  private static CollectionTables.ItemRow row(CollectionItem i) {
    return new CollectionTables.ItemRow(
        i.reference(),
        0,
        i.registry(),
        i.name(),
        i.version(),
        i.follow(),
        i.requested(),
        i.note(),
        i.addedAt());
  }

  private CollectionItem item(String text, String note, boolean follow) {
    ModelRef ref = models.reference(text);
    String registry = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    String requested = ref.registry() == null ? registry + ":" + text : text;
    if (follow) {
      return new CollectionItem(
          requested, registry, ref.name(), null, true, requested, note, now());
    }
    VersionManifest stored = models.findStored(ref.withRegistry(registry));
    String version;
    if (stored != null) {
      version = stored.version();
    } else if (resources.settings.offline()) {
      throw GpuxException.unavailable(
          text
              + " is not in the store, and GPUX_OFFLINE=1 keeps GPUX from asking the registry"
              + " which version it names",
          "pull it first, or add it with --follow");
    } else {
      ResolvedModel resolved =
          resources
              .registries()
              .get(registry)
              .resolve(ref.withRegistry(registry), PullOptions.defaults());
      version = resolved.version();
    }
    String exact = resources.registries().exactReference(registry, ref.name(), version);
    return new CollectionItem(exact, registry, ref.name(), version, false, requested, note, now());
  }

  /**
   * {@code gpux collection remove NAME REF...}: the items each reference names (its exact or added
   * reference; a reference without a version names every item of that model). A reference that
   * names none is refused, and nothing is removed.
   */
  public List<CollectionItem> remove(String name, List<String> references) {
    CollectionTables t = tables();
    ModelCollection c = existing(t, name);
    Map<String, CollectionItem> gone = new LinkedHashMap<>();
    for (String text : references) {
      List<CollectionItem> named = named(c, text);
      if (named.isEmpty()) {
        throw GpuxException.invalidInput(
            text + " is not in collection '" + name + "'",
            "see `gpux collection show " + name + "`");
      }
      named.forEach(i -> gone.put(i.reference(), i));
    }
    Instant now = now();
    db().transaction(
            () -> {
              for (String ref : gone.keySet()) {
                t.remove(name, ref, now);
              }
            });
    return List.copyOf(gone.values());
  }

  private List<CollectionItem> named(ModelCollection c, String text) {
    List<CollectionItem> exact =
        c.items().stream()
            .filter(
                i ->
                    i.reference().equals(text)
                        || i.requested().equals(text)
                        || i.requested().equals(Registries.DEFAULT + ":" + text))
            .toList();
    if (!exact.isEmpty()) {
      return exact;
    }
    ModelRef ref;
    try {
      ref = models.reference(text);
    } catch (GpuxException notAReference) {
      return List.of();
    }
    String registry = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    return c.items().stream()
        .filter(i -> i.registry().equals(registry) && i.name().equals(ref.name()))
        .filter(
            i ->
                ref.qualifier() == null
                    || (i.version() != null && i.version().startsWith(ref.qualifier())))
        .toList();
  }

  /** {@code gpux collection list}: the workspace's collections (without their items), by name. */
  public List<ModelCollection> list() {
    String w = workspace();
    return tables().all().stream()
        .map(
            r ->
                new ModelCollection(
                    w,
                    r.name(),
                    r.description(),
                    r.source(),
                    r.createdAt(),
                    r.updatedAt(),
                    r.items(),
                    List.of()))
        .toList();
  }

  /** {@code gpux collection show NAME}: a collection with its items. */
  public ModelCollection show(String name) {
    return existing(tables(), name);
  }

  private ModelCollection existing(CollectionTables t, String name) {
    Names.check("collection", name);
    CollectionTables.CollectionRow r = t.get(name).orElseThrow(() -> unknown(t, name));
    List<CollectionItem> items =
        t.items(name).stream()
            .map(
                i ->
                    new CollectionItem(
                        i.reference(),
                        i.registry(),
                        i.name(),
                        i.version(),
                        i.follow(),
                        i.requested(),
                        i.note(),
                        i.addedAt()))
            .toList();
    return new ModelCollection(
        workspace(),
        r.name(),
        r.description(),
        r.source(),
        r.createdAt(),
        r.updatedAt(),
        r.items(),
        items);
  }

  private GpuxException unknown(CollectionTables t, String name) {
    List<String> known = t.all().stream().map(CollectionTables.CollectionRow::name).toList();
    String near = Names.closest(name, known);
    return GpuxException.invalidInput(
        "no collection '" + name + "' in workspace '" + workspace() + "'",
        near != null
            ? "did you mean " + near + "?"
            : known.isEmpty()
                ? "create it with `gpux collection create " + name + "`"
                : "collections: " + String.join(", ", known));
  }

  /** {@code gpux collection rename OLD NEW}. */
  public ModelCollection rename(String from, String to) {
    CollectionTables t = tables();
    existing(t, from);
    Names.check("collection", to);
    db().transaction(
            () -> {
              if (t.get(to).isPresent()) {
                throw GpuxException.invalidInput(
                    "collection '" + to + "' already exists in workspace '" + workspace() + "'",
                    "delete it first, or pick another name");
              }
              t.rename(from, to, now());
            });
    return show(to);
  }

  /** {@code gpux collection delete NAME}: the collection goes; the models stay in the store. */
  public ModelCollection delete(String name) {
    CollectionTables t = tables();
    ModelCollection c = existing(t, name);
    db().transaction(() -> t.delete(name));
    return c;
  }

  /** The items' references of a collection, in order (a batch's list, {@code --collection}). */
  public List<String> references(String name) {
    return show(name).references();
  }

  /**
   * The movable references of the items that follow one ({@code --follow}): what {@code gpux
   * outdated --collection} and {@code update --collection} track. A collection following none is
   * refused (an empty list would mean every stored model).
   */
  public List<String> followed(String name) {
    List<String> refs =
        show(name).items().stream()
            .filter(CollectionItem::follow)
            .map(CollectionItem::reference)
            .toList();
    if (refs.isEmpty()) {
      throw GpuxException.invalidInput(
          "collection '" + name + "' follows no movable names: its models are pinned",
          "add models with --follow (gpux collection add " + name + " REF --follow)");
    }
    return refs;
  }

  /**
   * A batch list of a collection's models, read as a list file named {@code collection NAME}, so a
   * batch's messages say where a model came from.
   */
  public ModelList.Builder addTo(ModelList.Builder list, String name) {
    return list.read(
        "collection " + name, new StringReader(String.join("\n", references(name)) + "\n"));
  }

  /** {@code gpux collection pull NAME}: a batch pull of every model of the collection. */
  public BatchPullReport pull(String name, BatchPullOptions options, BatchListener listener) {
    ModelList list = addTo(batch.list(), name).build().checked(false);
    return batch.pull(list, options, listener);
  }

  /**
   * {@code gpux collection lock NAME}: a lockfile of the collection's models, pulled if need be.
   */
  public Lockfile lock(String name, TransferListener listener) {
    return models.lock(references(name), listener);
  }

  /**
   * {@code gpux collection import hf:collections/OWNER/SLUG [--name N] [--follow]}: a registry's
   * collection as a new GPUX collection (named {@code name}, else after its slug) holding its
   * models (pinned, unless {@code follow}) with their notes.
   */
  public ModelCollection importFrom(String source, String name, boolean follow) {
    int colon = source.indexOf(':');
    if (colon < 1) {
      throw GpuxException.invalidInput(
          "'" + source + "' does not name a registry's collection",
          "e.g. gpux collection import hf:collections/OWNER/SLUG");
    }
    String registry = source.substring(0, colon);
    CollectionSource from =
        resources.registries().capability(registry, CollectionSource.class, "list collections");
    CollectionSource.RemoteCollection remote = from.collection(source.substring(colon + 1));
    String n = name != null ? name : source.substring(source.lastIndexOf('/') + 1);
    Names.check("collection", n);
    CollectionTables t = tables();
    if (t.get(n).isPresent()) {
      throw GpuxException.invalidInput(
          "collection '" + n + "' already exists in workspace '" + workspace() + "'",
          "name the import with --name NAME");
    }
    List<CollectionItem> items = new ArrayList<>();
    for (CollectionSource.Item i : remote.models()) {
      items.add(item(i.reference(), i.note(), follow));
    }
    String description =
        remote.description() == null || remote.description().isBlank()
            ? remote.title()
            : remote.title() + ": " + remote.description();
    Instant now = now();
    db().transaction(
            () -> {
              t.create(n, description, source, now);
              for (CollectionItem i : items) {
                t.put(n, row(i), now);
              }
            });
    return show(n);
  }
}
