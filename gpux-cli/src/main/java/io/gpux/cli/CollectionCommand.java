package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.collection.CollectionItem;
import io.gpux.collection.ModelCollection;
import io.gpux.lock.Lockfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gpux collection}: named lists of models from any registry, per workspace. */
@Command(
    name = "collection",
    description = "Named lists of models from any registry, in the current workspace.",
    subcommands = {
      CollectionCommand.Create.class,
      CollectionCommand.Add.class,
      CollectionCommand.Remove.class,
      CollectionCommand.ListCollections.class,
      CollectionCommand.Show.class,
      CollectionCommand.Rename.class,
      CollectionCommand.Delete.class,
      CollectionCommand.Pull.class,
      CollectionCommand.Lock.class,
      CollectionCommand.Import.class
    },
    footer = {
      "",
      "Adding pins each model's exact version; --follow keeps the movable name, which",
      "`gpux outdated --collection` and `gpux update --collection` track.",
      "Examples:",
      "  gpux collection create vision --description \"image models\"",
      "  gpux collection add vision hf:org/a mlflow:clf/3 --note baseline",
      "  gpux collection pull vision",
      "  gpux batch run --collection vision --input data.jsonl -o results.jsonl",
      "See docs/collections.md."
    })
final class CollectionCommand implements Runnable {
  @ParentCommand GpuxCommand parent;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(parent.out);
  }

  static ObjectNode json(ModelCollection c) {
    ObjectNode o =
        Json.NODES
            .objectNode()
            .put("workspace", c.workspace())
            .put("name", c.name())
            .put("description", c.description())
            .put("source", c.source())
            .put("created_at", c.createdAt().toString())
            .put("updated_at", c.updatedAt().toString())
            .put("size", c.size());
    var items = o.putArray("items");
    for (CollectionItem i : c.items()) {
      item(items.addObject(), i);
    }
    return o;
  }

  static ObjectNode item(ObjectNode o, CollectionItem i) {
    return o.put("ref", i.reference())
        .put("registry", i.registry())
        .put("name", i.name())
        .put("version", i.version())
        .put("follow", i.follow())
        .put("requested", i.requested())
        .put("note", i.note())
        .put("added_at", i.addedAt().toString());
  }

  @Command(name = "create", description = "Create an empty collection.")
  static final class Create implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "NAME", description = "letters, digits, -, _ and .")
    String name;

    @Option(names = "--description", paramLabel = "D", description = "What it is for.")
    String description;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        ModelCollection made = gpux.collections().create(name, description);
        c.parent.out.println(
            "Created collection " + made.name() + " in workspace " + made.workspace());
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "add",
      description = {
        "Add models to a collection, each pinned at its exact version (the stored one, else",
        "what the registry names now); --follow keeps the movable name instead."
      })
  static final class Add implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(index = "0", paramLabel = "NAME", description = "The collection.")
    String name;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "REF",
        description = "e.g. hf:org/model, mlflow:fraud@champion")
    List<String> references;

    @Option(names = "--note", paramLabel = "N", description = "A note on these models.")
    String note;

    @Option(
        names = "--follow",
        description = "Keep the movable name (a branch, alias, tag) rather than the exact version.")
    boolean follow;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        for (CollectionItem i : gpux.collections().add(name, references, note, follow)) {
          c.parent.out.println(
              "Added " + i.reference() + (i.follow() ? " (follows)" : " (pinned)") + " to " + name);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "remove", description = "Remove models from a collection (the store keeps them).")
  static final class Remove implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(index = "0", paramLabel = "NAME", description = "The collection.")
    String name;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "REF",
        description = "As added or as shown; without a version, every item of that model.")
    List<String> references;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        for (CollectionItem i : gpux.collections().remove(name, references)) {
          c.parent.out.println("Removed " + i.reference() + " from " + name);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "list", description = "List the collections of the current workspace.")
  static final class ListCollections implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        List<ModelCollection> all = gpux.collections().list();
        if (json) {
          var o = Json.NODES.objectNode();
          o.put("workspace", gpux.workspaces().current());
          var arr = o.putArray("collections");
          all.forEach(x -> arr.add(CollectionCommand.json(x).without("items")));
          c.parent.out.println(Json.render(o, true));
        } else if (all.isEmpty()) {
          c.parent.out.println(
              "No collections in workspace "
                  + gpux.workspaces().current()
                  + "; create one with `gpux collection create NAME`.");
        } else {
          TextTable t = new TextTable("NAME", "MODELS", "DESCRIPTION");
          for (ModelCollection x : all) {
            t.row(
                x.name(), String.valueOf(x.size()), x.description() == null ? "" : x.description());
          }
          t.print(c.parent.out, "");
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "show", description = "Show a collection's models.")
  static final class Show implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "NAME", description = "The collection.")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        ModelCollection x = gpux.collections().show(name);
        if (json) {
          c.parent.out.println(Json.render(CollectionCommand.json(x), true));
          return ExitCodes.OK;
        }
        c.parent.out.println(
            x.name()
                + (x.description() == null ? "" : ": " + x.description())
                + " ("
                + x.size()
                + " models, workspace "
                + x.workspace()
                + (x.source() == null ? "" : ", from " + x.source())
                + ")");
        if (!x.items().isEmpty()) {
          TextTable t = new TextTable("REFERENCE", "VERSION", "NOTE");
          for (CollectionItem i : x.items()) {
            t.row(
                i.reference(),
                i.follow() ? "follows" : i.version(),
                i.note() == null ? "" : i.note());
          }
          t.print(c.parent.out, "");
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "rename", description = "Rename a collection.")
  static final class Rename implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(index = "0", paramLabel = "OLD")
    String from;

    @Parameters(index = "1", paramLabel = "NEW")
    String to;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        gpux.collections().rename(from, to);
        c.parent.out.println("Renamed collection " + from + " to " + to);
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete", description = "Delete a collection (the store keeps its models).")
  static final class Delete implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        ModelCollection gone = gpux.collections().delete(name);
        c.parent.out.println("Deleted collection " + gone.name() + " (" + gone.size() + " models)");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "pull", description = "Pull every model of a collection (a batch pull).")
  static final class Pull implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = {"-j", "--jobs"},
        paramLabel = "N",
        description = "Models in flight at once.")
    int jobs = BatchPullOptions.DEFAULT_JOBS;

    @Option(names = "--json", description = "Print the result as JSON (as gpux batch pull).")
    boolean json;

    @Override
    public Integer call() {
      GpuxCommand root = c.parent;
      try (Gpux gpux = root.gpux()) {
        int size = gpux.collections().show(name).size();
        BatchProgress progress =
            new BatchProgress(
                json ? new java.io.PrintWriter(java.io.Writer.nullWriter()) : root.err,
                !json && System.console() != null,
                size);
        BatchPullReport report;
        try {
          report = gpux.collections().pull(name, new BatchPullOptions(jobs, false), progress);
        } finally {
          progress.close();
        }
        if (json) {
          root.out.println(Json.render(BatchPullCommand.json(report), true));
        } else {
          root.out.printf(
              Locale.ROOT,
              "%s: %d models, %d pulled, %d current, %d failed%n",
              name,
              report.models().size(),
              report.count(io.gpux.batch.ModelOutcome.Status.PULLED),
              report.count(io.gpux.batch.ModelOutcome.Status.CURRENT),
              report.count(io.gpux.batch.ModelOutcome.Status.FAILED));
          for (var f : report.failures()) {
            root.out.println("  " + f.model().text() + ": " + f.error());
          }
        }
        return report.succeeded() ? ExitCodes.OK : 1;
      }
    }
  }

  @Command(name = "lock", description = "Write a lockfile of a collection's models.")
  static final class Lock implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        defaultValue = Lockfile.FILE_NAME,
        description = "Where to write it (default: ${DEFAULT-VALUE}; - for standard output).")
    String output;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        Lockfile lock =
            gpux.collections()
                .lock(name, new ProgressRenderer(c.parent.err, System.console() != null));
        if (output.equals("-")) {
          c.parent.out.print(lock.write());
          c.parent.out.flush();
          return ExitCodes.OK;
        }
        Path target = c.parent.workingDirectory.resolve(output);
        Json.writeFile(target, lock.write());
        c.parent.out.printf(
            Locale.ROOT, "Locked %d model(s) of %s in %s%n", lock.models().size(), name, output);
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "import",
      description = "Import a registry's collection (hf:collections/OWNER/SLUG) as a collection.")
  static final class Import implements Callable<Integer> {
    @ParentCommand CollectionCommand c;

    @Parameters(paramLabel = "SOURCE", description = "e.g. hf:collections/OWNER/SLUG")
    String source;

    @Option(names = "--name", paramLabel = "NAME", description = "Its name (default: the slug).")
    String name;

    @Option(names = "--follow", description = "Keep each model's movable name.")
    boolean follow;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        ModelCollection x = gpux.collections().importFrom(source, name, follow);
        c.parent.out.println(
            "Imported " + source + " as collection " + x.name() + " (" + x.size() + " models)");
        return ExitCodes.OK;
      }
    }
  }
}
