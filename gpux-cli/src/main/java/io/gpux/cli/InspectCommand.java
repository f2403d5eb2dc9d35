package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.inspect.ModelDescription;
import io.gpux.project.TensorSpec;
import io.gpux.store.VersionManifest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux inspect}: what a model takes and gives, without running it. */
@Command(
    name = "inspect",
    description = "Show a model's inputs, outputs, opset, producer, size, metadata and provider.")
final class InspectCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "MODEL",
      description =
          "Project folder, gpux.yml, .onnx file or project name (default: the current folder).")
  String model;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      ModelDescription d = gpux.inspect(model, runtime.options());
      if (json) {
        parent.out.println(Json.render(d.toJson(), true));
      } else {
        print(d);
      }
      return ExitCodes.OK;
    }
  }

  private void print(ModelDescription d) {
    var out = parent.out;
    var m = d.model();
    d.project().warnings().forEach(w -> parent.warn(String.valueOf(w)));
    out.printf(
        Locale.ROOT, "Name:       %s %s%n", d.project().name(), d.project().config().version());
    if (d.project().config().description() != null) {
      out.printf(Locale.ROOT, "About:      %s%n", d.project().config().description());
    }
    out.printf(
        Locale.ROOT,
        "Config:     %s%n",
        d.project().configFile() == null ? "(none: bare ONNX file)" : d.project().configFile());
    out.printf(
        Locale.ROOT,
        "Model:      %s (%s)%n",
        d.modelFile(),
        io.gpux.units.ByteSizes.human(d.modelBytes()));
    out.printf(Locale.ROOT, "ONNX:       IR %d, opsets %s%n", m.irVersion(), opsets(m.opsets()));
    String producer = (m.producerName() + " " + m.producerVersion()).trim();
    out.printf(Locale.ROOT, "Producer:   %s%n", producer.isEmpty() ? "-" : producer);
    if (!m.externalDataFiles().isEmpty()) {
      out.printf(Locale.ROOT, "Ext. data:  %s%n", String.join(", ", m.externalDataFiles()));
    }
    out.printf(
        Locale.ROOT, "Provider:   %s%n", d.provider().summary().substring("provider: ".length()));
    out.printf(
        Locale.ROOT,
        "Tokenizer:  %s%n",
        d.project().tokenizerFile().map(Object::toString).orElse("-"));
    if (d.buildRecord() != null) {
      out.printf(
          Locale.ROOT,
          "Built:      %s on %s%n",
          d.buildRecord().path("built_at").asText(),
          d.buildRecord().path("provider").path("name").asText());
    }
    if (d.stored() != null) {
      printSource(out, d.stored());
    }
    if (d.conversion() != null) {
      ConvertCommand.printRecord(out, d.conversion());
    }
    if (!m.metadata().isEmpty()) {
      out.println("Metadata:");
      m.metadata().forEach((k, v) -> out.printf(Locale.ROOT, "  %s = %s%n", k, v));
    }
    out.println();
    Signatures.print(out, "Inputs", d.inputs(), s -> note(d, s.name()));
    Signatures.print(out, "Outputs", d.outputs(), s -> note(d, s.name()));
    out.flush();
  }

  /** Where a pulled model came from, and its lineage (the producing run, the registry's data). */
  private static void printSource(java.io.PrintWriter out, VersionManifest v) {
    String requested =
        v.requested() == null || v.requested().equals(v.version())
            ? ""
            : " (pulled as " + v.requested() + ")";
    out.printf(
        Locale.ROOT, "Source:     %s:%s %s%s%n", v.registry(), v.name(), v.version(), requested);
    if (v.source() != null) {
      out.printf(Locale.ROOT, "From:       %s%n", v.source());
    }
    out.printf(Locale.ROOT, "Pulled:     %s%n", v.pulledAt());
    if (!v.lineage().isEmpty()) {
      out.println("Lineage:");
      new java.util.TreeMap<>(v.lineage())
          .forEach((k, val) -> out.printf(Locale.ROOT, "  %s = %s%n", k, val));
    }
  }

  private static String note(ModelDescription d, String name) {
    TensorSpec spec = d.declared(name);
    if (spec == null || spec.labels() == null) {
      return "";
    }
    String labels = String.join(", ", spec.labels().subList(0, Math.min(6, spec.labels().size())));
    return " labels: "
        + labels
        + (spec.labels().size() > 6 ? ", ... (" + spec.labels().size() + ")" : "");
  }

  private static String opsets(Map<String, Long> opsets) {
    return opsets.entrySet().stream()
        .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
