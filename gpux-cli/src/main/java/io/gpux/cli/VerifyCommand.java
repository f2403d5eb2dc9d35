package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.VerifyReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux verify}: re-hash every stored file against its manifest. */
@Command(
    name = "verify",
    description = "Re-hash every stored file against its manifest; exit 3 when something is wrong.")
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      VerifyReport r = gpux.storage().verify();
      if (json) {
        var o =
            Json.NODES
                .objectNode()
                .put("versions", r.versions())
                .put("files", r.files())
                .put("clean", r.clean());
        var a = o.putArray("problems");
        r.problems()
            .forEach(
                p ->
                    a.addObject()
                        .put("reference", p.reference())
                        .put("path", p.path())
                        .put("sha256", p.sha256())
                        .put("problem", p.what()));
        parent.out.println(Json.render(o, true));
      } else {
        r.problems()
            .forEach(
                p ->
                    parent.err.println(
                        "gpux: " + p.reference() + " " + p.path() + ": " + p.what()));
        parent.out.println(
            r.clean()
                ? "OK: " + r.files() + " files of " + r.versions() + " versions match their digests"
                : r.problems().size()
                    + " problem(s); pull the affected versions again with --force");
      }
      return r.clean() ? ExitCodes.OK : 3;
    }
  }
}
