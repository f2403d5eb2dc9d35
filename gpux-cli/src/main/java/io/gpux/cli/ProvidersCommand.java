package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.runtime.ProviderStatus;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux providers}: which execution providers this build has, in priority order. */
@Command(
    name = "providers",
    description = "List execution providers, in the order GPUX tries them.")
final class ProvidersCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<ProviderStatus> providers = gpux.providers();
      ProviderStatus best =
          providers.stream().filter(ProviderStatus::available).findFirst().orElseThrow();
      if (json) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("default", best.provider().ortName());
        ArrayNode list = root.putArray("providers");
        for (ProviderStatus p : providers) {
          list.addObject()
              .put("name", p.provider().shortName())
              .put("onnxruntime_name", p.provider().ortName())
              .put("available", p.available())
              .put("priority", p.priority())
              .put("description", p.description());
        }
        parent.out.println(Json.render(root, true));
        return ExitCodes.OK;
      }
      TextTable t =
          new TextTable("PRIORITY", "NAME", "AVAILABLE", "ONNX RUNTIME NAME", "DESCRIPTION");
      for (ProviderStatus p : providers) {
        t.row(
            p.priority() == 0 ? "-" : p.priority(),
            p.provider().shortName(),
            p.available() ? "yes" : "no",
            p.provider().ortName(),
            p.description());
      }
      t.print(parent.out, "");
      parent.out.println();
      parent.out.println(
          "Default: "
              + best.provider().shortName()
              + " (the first available; force one with --provider)");
      return ExitCodes.OK;
    }
  }
}
