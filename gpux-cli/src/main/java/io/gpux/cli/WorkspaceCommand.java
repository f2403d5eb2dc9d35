package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.workspace.Workspace;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gpux workspace}: separate local names, pins, collections and settings. */
@Command(
    name = "workspace",
    description = "Workspaces: separate local names, pins, history, collections and settings.",
    subcommands = {
      WorkspaceCommand.Create.class,
      WorkspaceCommand.Use.class,
      WorkspaceCommand.ListWorkspaces.class,
      WorkspaceCommand.Show.class,
      WorkspaceCommand.Set.class,
      WorkspaceCommand.Delete.class
    },
    footer = {
      "",
      "The workspace: --workspace NAME, else GPUX_WORKSPACE, else `gpux workspace use`,",
      "else default. Each workspace keeps its own stored versions; only the files are",
      "shared, so `gpux rm` in one never removes what another uses.",
      "Examples:",
      "  gpux workspace create team-a",
      "  gpux workspace use team-a",
      "  gpux workspace set mlflow.tracking_uri http://mlflow.team-a:5000",
      "See docs/workspaces.md."
    })
final class WorkspaceCommand implements Runnable {
  @ParentCommand GpuxCommand parent;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(parent.out);
  }

  static ObjectNode json(Workspace w) {
    ObjectNode o =
        Json.NODES
            .objectNode()
            .put("name", w.name())
            .put("current", w.current())
            .put("created_at", w.createdAt().toString())
            .put("tags", w.tags())
            .put("collections", w.collections())
            .put("versions", w.versions());
    ObjectNode s = o.putObject("settings");
    w.settings().forEach(s::put);
    return o;
  }

  @Command(name = "create", description = "Create an empty workspace.")
  static final class Create implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Parameters(paramLabel = "NAME", description = "letters, digits, -, _ and .")
    String name;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        gpux.workspaces().create(name);
        w.parent.out.println(
            "Created workspace " + name + "; work in it with `gpux workspace use " + name + "`");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "use", description = "Work in a workspace from now on (this user, this machine).")
  static final class Use implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        gpux.workspaces().use(name);
        w.parent.out.println("Using workspace " + name);
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "list", description = "List the workspaces (* marks the current one).")
  static final class ListWorkspaces implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        List<Workspace> all = gpux.workspaces().list();
        if (json) {
          var o = Json.NODES.objectNode();
          var arr = o.putArray("workspaces");
          all.forEach(x -> arr.add(WorkspaceCommand.json(x)));
          w.parent.out.println(Json.render(o, true));
          return ExitCodes.OK;
        }
        TextTable t = new TextTable("", "NAME", "LOCAL NAMES", "COLLECTIONS", "VERSIONS");
        for (Workspace x : all) {
          t.row(
              x.current() ? "*" : "",
              x.name(),
              String.valueOf(x.tags()),
              String.valueOf(x.collections()),
              String.valueOf(x.versions()));
        }
        t.print(w.parent.out, "");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "show", description = "Show a workspace (default: the current one).")
  static final class Show implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Parameters(arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        Workspace x = gpux.workspaces().show(name);
        if (json) {
          w.parent.out.println(Json.render(WorkspaceCommand.json(x), true));
          return ExitCodes.OK;
        }
        w.parent.out.println(
            "Workspace "
                + x.name()
                + (x.current() ? " (current)" : "")
                + ": "
                + x.tags()
                + " local names, "
                + x.collections()
                + " collections, "
                + x.versions()
                + " versions");
        x.settings().forEach((k, v) -> w.parent.out.println("  " + k + " = " + v));
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "set",
      description = {
        "Set a registry setting of the current workspace (an empty VALUE clears it).",
        "Keys: hf.endpoint, mlflow.tracking_uri, mlflow.workspace, wandb.base_url,",
        "wandb.entity, kaggle.endpoint. Secrets are refused: use `gpux login`."
      })
  static final class Set implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        Workspace x = gpux.workspaces().set(null, key, value);
        w.parent.out.println(
            (value.isBlank() ? "Cleared " + key : "Set " + key + " = " + value.trim())
                + " in workspace "
                + x.name());
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete", description = "Delete a workspace and its names and collections.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand WorkspaceCommand w;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--force", description = "Delete it even when it is not empty.")
    boolean force;

    @Override
    public Integer call() {
      try (Gpux gpux = w.parent.gpux()) {
        gpux.workspaces().delete(name, force);
        w.parent.out.println("Deleted workspace " + name);
        return ExitCodes.OK;
      }
    }
  }
}
