package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.registry.PushResult;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux push}: upload a model folder, a project or a stored model as a new version. */
@Command(
    name = "push",
    description = "Push a model folder, project or stored model to a registry as a new version.",
    footer = {
      "",
      "Examples:",
      "  gpux push ./my-model mlflow:fraud-detector --alias champion",
      "  gpux push hf:org/model mlflow:org-model",
      "  gpux push ./my-model oci://ghcr.io/acme/my-model:v1 --annotation team=fraud",
      "Environment: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN,",
      "MLFLOW_EXPERIMENT_ID (where the logged model goes; default 0);",
      "GPUX_OCI_USERNAME/PASSWORD, gpux login oci://HOST or Docker's config.json for OCI."
    })
final class PushCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "A folder, project or reference.")
  String source;

  @Parameters(index = "1", paramLabel = "TARGET", description = "e.g. mlflow:fraud-detector")
  String target;

  @Option(names = "--alias", paramLabel = "ALIAS", description = "Point ALIAS at the new version.")
  String alias;

  @Option(
      names = "--annotation",
      paramLabel = "KEY=VALUE",
      description = "Annotate the pushed manifest (OCI registries); repeatable.")
  java.util.Map<String, String> annotations = new java.util.LinkedHashMap<>();

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      PushResult r = gpux.models().push(source, target, alias, annotations);
      if (json) {
        var o = Json.NODES.objectNode();
        o.put("registry", r.registry())
            .put("name", r.name())
            .put("version", r.version())
            .put("reference", r.reference())
            .put("source", r.source())
            .put("files", r.files())
            .put("bytes", r.bytes());
        if (alias != null) {
          o.put("alias", alias);
        }
        parent.out.println(Json.render(o, true));
        return ExitCodes.OK;
      }
      parent.out.printf(
          Locale.ROOT,
          "Pushed %s: %d files, %s%s%n",
          r.reference(),
          r.files(),
          io.gpux.units.ByteSizes.human(r.bytes()),
          alias == null ? "" : " (alias " + alias + ")");
      parent.out.println("Pull it: gpux pull " + r.reference());
      return ExitCodes.OK;
    }
  }
}
