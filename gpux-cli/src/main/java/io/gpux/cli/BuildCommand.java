package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.build.BuildReport;
import io.gpux.build.ProjectBuilder;
import io.gpux.build.SignatureIssue;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux build}: validate a project and record how it will run. */
@Command(
    name = "build",
    description = {
      "Validate a project and record how it will run.",
      "Checks gpux.yml, loads the model, compares the declared inputs and outputs with the model's"
          + " signature, chooses a provider and writes .gpux/build.json. A registry reference as"
          + " model.source (hf:org/name@rev, mlflow:fraud@champion) is pulled and locked in"
          + " gpux.lock beside gpux.yml."
    })
final class BuildCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "PATH",
      description = "Project folder or gpux.yml (default: the current folder).")
  String path;

  @Option(names = "--json", description = "Print the build record as JSON.")
  boolean json;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      BuildReport r = gpux.build(path, runtime.options());
      io.gpux.lock.LockedModel locked = gpux.lockedSource(path);
      if (json) {
        var o = ProjectBuilder.toJson(r, Gpux.version());
        if (locked != null) {
          o.putObject("locked")
              .put("registry", locked.registry())
              .put("name", locked.name())
              .put("requested", locked.requested())
              .put("version", locked.version());
        }
        parent.out.println(Json.render(o, true));
      } else {
        print(r);
        if (locked != null) {
          parent.out.println(
              "Locked "
                  + locked.registry()
                  + ":"
                  + locked.name()
                  + (locked.requested() == null ? "" : " " + locked.requested())
                  + " -> "
                  + locked.version()
                  + " in gpux.lock (`gpux sync` restores it elsewhere)");
        }
      }
      return r.ok() ? ExitCodes.OK : ExitCodes.USAGE;
    }
  }

  private void print(BuildReport r) {
    var out = parent.out;
    r.configWarnings().forEach(w -> parent.warn(String.valueOf(w)));
    out.printf(Locale.ROOT, "Building %s %s%n", r.name(), r.version());
    out.printf(
        Locale.ROOT,
        "  model     %s (%s, sha256 %s)%n",
        r.modelFile(),
        io.gpux.units.ByteSizes.human(r.modelBytes()),
        r.modelSha256().substring(0, 12));
    out.printf(
        Locale.ROOT,
        "  onnx      IR %d, opset %d, producer %s%n",
        r.model().irVersion(),
        r.model().defaultOpset(),
        (r.model().producerName() + " " + r.model().producerVersion()).trim());
    out.printf(Locale.ROOT, "  %s%n", r.provider().summary());
    out.println();
    Signatures.print(out, "Inputs", r.inputs());
    Signatures.print(out, "Outputs", r.outputs());
    // Warnings and errors alike go to standard error: standard output is the build's report.
    for (SignatureIssue i : r.issues()) {
      parent.err.println("gpux: " + i);
    }
    if (r.ok()) {
      out.println("Build OK: wrote " + r.buildFile());
    } else {
      long errors =
          r.issues().stream().filter(i -> i.severity() == SignatureIssue.Severity.ERROR).count();
      // Through the error reporter, as every other failure: its hint, its troubleshooting entry,
      // and one JSON object under --log-format json.
      throw io.gpux.error.GpuxException.invalidInput(
          "build failed: " + errors + " difference(s) between gpux.yml and the model",
          "make gpux.yml's inputs/outputs match the model (see `gpux inspect "
              + r.modelFile()
              + "`)");
    }
  }
}
