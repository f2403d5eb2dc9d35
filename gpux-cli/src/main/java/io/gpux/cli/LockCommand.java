package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.lock.LockedModel;
import io.gpux.lock.Lockfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux lock}: write the exact versions and file digests of models to a lockfile. */
@Command(
    name = "lock",
    description = {
      "Write models' exact versions and file digests to a lockfile.",
      "Each REF is locked as the store has it (what `gpux run REF` runs), pulled first when the"
          + " store lacks it. The file is sorted and has no timestamps: the same models give the"
          + " same bytes. Restore it with `gpux sync FILE`."
    },
    footer = {
      "",
      "Examples:",
      "  gpux lock hf:acme/digits@main mlflow:fraud@champion",
      "  gpux lock -f models.txt -o gpux.lock    (models.txt: one reference a line, # comments)"
    })
final class LockCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      paramLabel = "REF",
      arity = "0..*",
      description = "Model references, e.g. hf:org/model@main, mlflow:fraud@champion.")
  List<String> references = new ArrayList<>();

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Also lock the references listed in FILE, one a line (# starts a comment).")
  Path file;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      defaultValue = Lockfile.FILE_NAME,
      description =
          "Where to write the lockfile (default: ${DEFAULT-VALUE}; - for standard output).")
  String output;

  @Option(names = "--json", description = "Print what was locked as JSON.")
  boolean json;

  @Override
  public Integer call() {
    List<String> refs = new ArrayList<>(references);
    if (file != null) {
      String text = Json.readFile(parent.workingDirectory.resolve(file), "reference list");
      for (String line : text.split("\n")) {
        String l = line.replaceFirst("#.*", "").strip();
        if (!l.isEmpty()) {
          refs.add(l);
        }
      }
    }
    if (refs.isEmpty()) {
      throw GpuxException.invalidInput(
          "nothing to lock", "give model references (gpux lock hf:org/model) or -f FILE");
    }
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      Lockfile lock = gpux.models().lock(refs, progress);
      String text = lock.write();
      if (output.equals("-")) {
        parent.out.print(text);
        parent.out.flush();
        return ExitCodes.OK;
      }
      Path target = parent.workingDirectory.resolve(output);
      Json.writeFile(target, text);
      if (json) {
        var o = Json.NODES.objectNode().put("lockfile", output);
        var models = o.putArray("models");
        for (LockedModel m : lock.models()) {
          models
              .addObject()
              .put("registry", m.registry())
              .put("name", m.name())
              .put("requested", m.requested())
              .put("version", m.version())
              .put("selection", m.selection())
              .put("files", m.files().size())
              .put("size_bytes", m.sizeBytes());
        }
        parent.out.println(Json.render(o, true));
        return ExitCodes.OK;
      }
      parent.out.printf(Locale.ROOT, "Locked %d model(s) in %s%n", lock.models().size(), output);
      for (LockedModel m : lock.models()) {
        parent.out.printf(
            Locale.ROOT,
            "  %s:%s%s -> %s (%d files, %s)%n",
            m.registry(),
            m.name(),
            m.requested() == null ? "" : " " + m.requested(),
            m.version(),
            m.files().size(),
            io.gpux.units.ByteSizes.human(m.sizeBytes()));
      }
      parent.out.println("Restore them anywhere with: gpux sync " + output);
      return ExitCodes.OK;
    }
  }
}
