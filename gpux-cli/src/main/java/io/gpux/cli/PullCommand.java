package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.pull.PullResult;
import io.gpux.registry.PullOptions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux pull}: fetch a model version from a registry into the store. */
@Command(
    name = "pull",
    description = "Pull a model from a registry into the local store.",
    footer = {
      "",
      "References: hf:org/name[@revision] (Hugging Face; the default registry).",
      "  torchhub:OWNER/REPO[:REF]/ENTRYPOINT[?NAME=VALUE&...] (PyTorch Hub: runs the",
      "  repository's hubconf.py in GPUX's PyTorch environment, so only with --trust).",
      "Examples:",
      "  gpux pull hf:Xenova/distilbert-base-uncased-finetuned-sst-2-english",
      "  gpux pull hf:org/model@v1.0 --variant quantized",
      "  gpux pull hf:org/bert-model --convert (no ONNX file: export its Transformers weights)",
      "  gpux pull --locked gpux.lock",
      "  gpux pull torchhub:pytorch/vision:v0.29.2/resnet18 --arg weights=None",
      "Environment: HF_ENDPOINT, HF_TOKEN, GPUX_HOME, GPUX_OFFLINE=1."
    })
final class PullCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "REFERENCE",
      description = "[registry:]name[@version], e.g. hf:org/model@main")
  String reference;

  @Option(
      names = "--revision",
      paramLabel = "REV",
      description = "Version to pull (same as REFERENCE@REV).")
  String revision;

  @Option(
      names = "--variant",
      paramLabel = "NAME",
      description = "Model variant, e.g. quantized or fp16 (Hugging Face: onnx/model_NAME.onnx).")
  String variant;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      split = ",",
      description = "Also fetch files matching GLOB (repeatable).")
  List<String> include = List.of();

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      split = ",",
      description = "Never fetch files matching GLOB (repeatable).")
  List<String> exclude = List.of();

  @Option(
      names = "--force",
      description =
          "Download again even if the version is in the store (long form only: -f is --file in"
              + " gpux run).")
  boolean force;

  @Option(
      names = "--trust",
      description =
          "Trust the model's code to run: a PyTorch Hub repository's hubconf.py (remembered in"
              + " GPUX_HOME/torchhub/trusted_list), pickle weights (pytorch_model.bin) with"
              + " --convert.")
  boolean trust;

  @Option(
      names = "--arg",
      paramLabel = "NAME=VALUE",
      description =
          "A keyword argument of the PyTorch Hub entrypoint (repeatable), e.g. weights=None; the"
              + " same as ?NAME=VALUE in the reference.")
  List<String> args = List.of();

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(
      names = "--convert",
      description =
          "A model with no ONNX file (Hugging Face: Transformers weights) is exported to ONNX in"
              + " GPUX's Python environment and checked (see docs/convert.md).")
  boolean convert;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      description =
          "With --convert: the head to export (text-classification, token-classification,"
              + " fill-mask, text-generation, feature-extraction; default: from config.json).")
  String task;

  @Option(
      names = "--locked",
      paramLabel = "LOCKFILE",
      description =
          "Restore exactly the models of a lockfile instead (gpux.lock; same as `gpux sync`).")
  String locked;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (locked != null) {
      if (reference != null
          || revision != null
          || variant != null
          || force
          || trust
          || !args.isEmpty()
          || !include.isEmpty()
          || !exclude.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--locked restores what the lockfile names: give no REFERENCE or file options with it");
      }
      return SyncCommand.restore(parent, locked, json);
    }
    if (reference == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "missing REFERENCE (or --locked LOCKFILE)");
    }
    String ref = revision == null ? reference : reference + "@" + revision;
    if (!args.isEmpty()) {
      ref = withArguments(ref, args);
    }
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      if (!json) {
        parent.err.println("gpux: pulling " + ref);
      }
      if (task != null && !convert) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--task goes with --convert");
      }
      String checkedTask = task == null ? null : io.gpux.convert.ConvertOptions.checkTask(task);
      PullResult r =
          gpux.models()
              .pull(
                  ref,
                  new PullOptions(include, exclude, variant, force)
                      .withConversion(convert, trust, checkedTask),
                  progress);
      var m = r.manifest();
      if (json) {
        var o = Json.NODES.objectNode();
        o.put("registry", m.registry())
            .put("name", m.name())
            .put("version", m.registryVersion())
            .put("selection", m.selection())
            .put("stored_version", m.version())
            .put("requested", m.requested());
        o.put("already_present", r.alreadyPresent())
            .put("files_downloaded", r.filesDownloaded())
            .put("files_reused", r.filesReused());
        o.put("bytes_downloaded", r.bytesDownloaded()).put("bytes_reused", r.bytesReused());
        var files = o.putArray("files");
        m.files()
            .forEach(
                f ->
                    files
                        .addObject()
                        .put("path", f.path())
                        .put("size", f.size())
                        .put("sha256", f.sha256()));
        parent.out.println(Json.render(o, true));
        return ExitCodes.OK;
      }
      String ref2 = gpux.models().exactReference(m);
      if (r.alreadyPresent()) {
        parent.out.println("Up to date: " + ref2 + " is already in the store");
      } else {
        parent.out.printf(
            Locale.ROOT,
            "Pulled %s: %d files, %s downloaded, %s reused%n",
            ref2,
            m.files().size(),
            io.gpux.units.ByteSizes.human(r.bytesDownloaded()),
            io.gpux.units.ByteSizes.human(r.bytesReused()));
      }
      parent.out.println(
          "Run it: gpux run "
              + m.registry()
              + ":"
              + m.name()
              + " --input '{...}'   (see gpux inspect "
              + m.registry()
              + ":"
              + m.name()
              + ")");
      return ExitCodes.OK;
    }
  }

  /**
   * {@code --arg NAME=VALUE} as the reference's query string ({@code ?NAME=VALUE&...}, values
   * percent-encoded), which only PyTorch Hub references take.
   */
  private String withArguments(String ref, List<String> arguments) {
    if (!ref.regionMatches(true, 0, "torchhub:", 0, 9)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--arg passes PyTorch Hub entrypoint arguments: give a torchhub: reference with it");
    }
    StringBuilder sb = new StringBuilder(ref);
    for (String a : arguments) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--arg '" + a + "' is not NAME=VALUE, e.g. --arg weights=None");
      }
      sb.append(sb.indexOf("?") < 0 ? '?' : '&')
          .append(a, 0, eq)
          .append('=')
          .append(
              java.net.URLEncoder.encode(
                      a.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8)
                  .replace("+", "%20"));
    }
    return sb.toString();
  }
}
