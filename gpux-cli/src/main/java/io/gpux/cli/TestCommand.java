package io.gpux.cli;

import io.gpux.Conformance;
import io.gpux.Gpux;
import io.gpux.conformance.DataSetResult;
import io.gpux.conformance.FolderResult;
import io.gpux.conformance.OutputCheck;
import io.gpux.conformance.Tolerance;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux test}: run a model's test data sets on this machine and compare the outputs. */
@Command(
    name = "test",
    description =
        "Run test data sets (model.onnx beside test_data_set_*/input_N.pb, output_N.pb) on this"
            + " machine's provider and compare with the expected outputs.",
    footer = {
      "",
      "A pass: |actual - expected| <= atol + rtol * |expected| for every element",
      "(numpy's assert_allclose, ONNX's backend tests' defaults). Exit 0 when all pass, 1 when",
      "one fails.",
      "Examples:",
      "  gpux test zoo:mnist --with-test-data",
      "  gpux test ./mnist-12 ./resnet50 --json",
      "  gpux test .venv/lib/python3.11/site-packages/onnx/backend/test/data/node"
    })
final class TestCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      arity = "1..*",
      paramLabel = "REF|DIR",
      description = "Test folders (or folders above them), or registry references (zoo:NAME).")
  List<String> targets;

  @Option(
      names = "--with-test-data",
      description = "Fetch a registry model's test data (the zoo's model_with_data archive).")
  boolean withTestData;

  @Option(
      names = "--rtol",
      paramLabel = "R",
      defaultValue = "1e-3",
      description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
  double rtol;

  @Option(
      names = "--atol",
      paramLabel = "A",
      defaultValue = "1e-7",
      description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
  double atol;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() {
    Tolerance tolerance = new Tolerance(rtol, atol);
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      List<FolderResult> results =
          gpux.conformance()
              .test(
                  targets,
                  new Conformance.Options(runtime.options(), tolerance, withTestData),
                  progress);
      long passed = results.stream().filter(FolderResult::passed).count();
      if (json) {
        print(results, tolerance, passed);
      } else {
        for (FolderResult r : results) {
          parent.out.println(line(r));
        }
        if (results.size() > 1) {
          parent.out.printf(
              Locale.ROOT,
              "%d of %d passed, %d failed (rtol %s, atol %s)%n",
              passed,
              results.size(),
              results.size() - passed,
              rtol,
              atol);
        }
      }
      return passed == results.size()
          ? ExitCodes.OK
          : io.gpux.error.ErrorCategory.RUNTIME_FAILURE.exitCode();
    }
  }

  private String line(FolderResult r) {
    String where =
        parent
            .workingDirectory
            .toAbsolutePath()
            .normalize()
            .relativize(r.folder().toAbsolutePath().normalize())
            .toString();
    if (where.startsWith("..")) {
      where = r.folder().toString();
    }
    if (!r.passed()) {
      return "FAIL " + where + ": " + r.reason();
    }
    double abs = 0;
    double rel = 0;
    int sets = r.dataSets().size();
    for (DataSetResult d : r.dataSets()) {
      for (OutputCheck o : d.outputs()) {
        abs = Math.max(abs, o.maxAbsolute());
        rel = Math.max(rel, o.maxRelative());
      }
    }
    return String.format(
        Locale.ROOT,
        "PASS %s: %d data set%s on %s, max abs diff %.3g, max rel diff %.3g",
        where,
        sets,
        sets == 1 ? "" : "s",
        r.provider(),
        abs,
        rel);
  }

  private void print(List<FolderResult> results, Tolerance tolerance, long passed) {
    var root = Json.NODES.objectNode();
    root.put("rtol", tolerance.rtol()).put("atol", tolerance.atol());
    root.put("passed", passed).put("failed", results.size() - passed);
    var folders = root.putArray("results");
    for (FolderResult r : results) {
      var f = folders.addObject();
      f.put("folder", r.folder().toString()).put("passed", r.passed());
      f.put("provider", r.provider()).put("error", r.error());
      var sets = f.putArray("data_sets");
      for (DataSetResult d : r.dataSets()) {
        var s = sets.addObject().put("name", d.name()).put("passed", d.passed());
        s.put("error", d.error());
        var outs = s.putArray("outputs");
        for (OutputCheck o : d.outputs()) {
          var oj = outs.addObject().put("name", o.name()).put("passed", o.passed());
          number(oj, "max_abs_diff", o.maxAbsolute());
          number(oj, "max_rel_diff", o.maxRelative());
          oj.put("mismatched", o.mismatched()).put("elements", o.elements());
          oj.put("problem", o.problem());
        }
      }
    }
    parent.out.println(Json.render(root, true));
  }

  /** JSON has no NaN or infinity: those are null (not compared) or a string. */
  private static void number(com.fasterxml.jackson.databind.node.ObjectNode o, String k, double v) {
    if (Double.isNaN(v)) {
      o.putNull(k);
    } else if (Double.isInfinite(v)) {
      o.put(k, "inf");
    } else {
      o.put(k, v);
    }
  }
}
