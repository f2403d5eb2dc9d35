package io.gpux.conformance;

import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.onnx.OnnxValueInfo;
import io.gpux.onnx.TensorData;
import io.gpux.onnx.TensorProtoReader;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.runtime.SessionFactory;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs test folders ({@link TestDataFolders}) on one machine's provider: the model loads once per
 * folder, each data set's {@code input_N.pb} feed the model's inputs (by the tensor's name when it
 * names one, else by position) and each {@code output_N.pb} is compared with the model's N-th
 * output. A folder that cannot load or a data set that cannot run is a failure with its reason,
 * never an exception: a summary over hundreds of folders reports every one.
 */
public final class ConformanceRunner {
  private final SessionFactory sessions;
  private final RuntimeOptions options;
  private final Tolerance tolerance;

  public ConformanceRunner(SessionFactory sessions, RuntimeOptions options, Tolerance tolerance) {
    this.sessions = sessions;
    this.options = options;
    this.tolerance = tolerance;
  }

  public FolderResult run(Path folder) {
    List<Path> sets = TestDataFolders.dataSets(folder);
    ModelSession session;
    try {
      String notTensor = notTensor(OnnxModelReader.read(folder.resolve("model.onnx")));
      if (notTensor != null) {
        return new FolderResult(folder, null, List.of(), notTensor);
      }
      session = sessions.open(folder.resolve("model.onnx"), options);
    } catch (GpuxException e) {
      return new FolderResult(folder, null, List.of(), e.problem());
    }
    try (session) {
      List<DataSetResult> results = new ArrayList<>();
      for (Path set : sets) {
        results.add(runSet(session, set));
      }
      return new FolderResult(folder, session.provider().chosen().toString(), results, null);
    }
  }

  /**
   * Why the model's interface is outside what gpux test compares: a sequence, map or optional input
   * or output (their data files are SequenceProto, MapProto, OptionalProto), or an element type
   * gpux does not run (float8, int4). Null when every value is a tensor gpux knows.
   */
  private static String notTensor(OnnxModelInfo info) {
    for (var kind : List.of(info.inputs(), info.outputs())) {
      for (OnnxValueInfo v : kind) {
        if (v.elementType() == null) {
          return (kind == info.inputs() ? "input '" : "output '")
              + v.name()
              + "' is not a tensor of a type gpux runs (a sequence, map or optional value, or"
              + " a type such as float8 or int4)";
        }
      }
    }
    return null;
  }

  private DataSetResult runSet(ModelSession session, Path set) {
    String name = set.getFileName().toString();
    try {
      Map<String, Tensor> feeds = feeds(session, set);
      Map<String, Tensor> outputs = session.run(feeds);
      List<String> outputNames = session.outputs().stream().map(TensorSignature::name).toList();
      List<OutputCheck> checks = new ArrayList<>();
      for (int i = 0; Files.isRegularFile(set.resolve("output_" + i + ".pb")); i++) {
        TensorData expected = TensorProtoReader.read(set.resolve("output_" + i + ".pb"));
        String outName = i < outputNames.size() ? outputNames.get(i) : expected.name();
        Tensor actual = outputs.get(outName);
        if (actual == null) {
          checks.add(
              new OutputCheck(
                  outName, false, Double.NaN, Double.NaN, 0, 0, "the model has no output " + i));
          continue;
        }
        checks.add(compare(outName, actual, expected));
      }
      return new DataSetResult(name, checks, null);
    } catch (GpuxException e) {
      return new DataSetResult(name, List.of(), e.problem());
    }
  }

  private static Map<String, Tensor> feeds(ModelSession session, Path set) {
    List<TensorSignature> inputs = session.inputs();
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (int i = 0; Files.isRegularFile(set.resolve("input_" + i + ".pb")); i++) {
      TensorData t = TensorProtoReader.read(set.resolve("input_" + i + ".pb"));
      String input = session.input(t.name()) != null ? t.name() : null;
      if (input == null) {
        if (i >= inputs.size()) {
          throw GpuxException.invalidInput(
              set.getFileName()
                  + " has input_"
                  + i
                  + ".pb but the model has "
                  + inputs.size()
                  + " inputs",
              null);
        }
        input = inputs.get(i).name();
      }
      feeds.put(input, tensor(t));
    }
    return feeds;
  }

  static Tensor tensor(TensorData t) {
    return t.type() == ElementType.STRING
        ? Tensor.ofStrings(t.dims(), t.strings())
        : Tensor.of(t.type(), t.dims(), t.data());
  }

  /** Type, then shape, then every element against the tolerance. */
  OutputCheck compare(String name, Tensor actual, TensorData expected) {
    if (actual.type() != expected.type()) {
      return new OutputCheck(
          name,
          false,
          Double.NaN,
          Double.NaN,
          0,
          0,
          "type " + actual.type() + ", expected " + expected.type());
    }
    if (!Arrays.equals(actual.shape(), expected.dims())) {
      return new OutputCheck(
          name,
          false,
          Double.NaN,
          Double.NaN,
          0,
          0,
          "shape "
              + Arrays.toString(actual.shape())
              + ", expected "
              + Arrays.toString(expected.dims()));
    }
    Tensor want = tensor(expected);
    int n = (int) actual.elementCount();
    long bad = 0;
    double maxAbs = 0;
    double maxRel = 0;
    for (int i = 0; i < n; i++) {
      if (actual.type() == ElementType.STRING) {
        bad += actual.stringAt(i).equals(want.stringAt(i)) ? 0 : 1;
        continue;
      }
      double a = actual.doubleAt(i);
      double e = want.doubleAt(i);
      boolean integer = !actual.type().isFloatingPoint();
      if (integer && (actual.type() == ElementType.INT64 || actual.type() == ElementType.UINT64)) {
        // Longs beyond 2^53 lose bits as doubles: compare them exactly.
        long al = actual.longAt(i);
        long el = want.longAt(i);
        a = al;
        e = el;
        if (al != el) {
          bad++;
        }
      } else if (!tolerance.accepts(a, e)) {
        bad++;
      }
      if (!(Double.isNaN(a) && Double.isNaN(e)) && !(a == e)) {
        double d = Math.abs(a - e);
        maxAbs = Math.max(maxAbs, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        if (e != 0) {
          maxRel = Math.max(maxRel, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d / Math.abs(e));
        }
      }
    }
    return new OutputCheck(name, bad == 0, maxAbs, maxRel, bad, n, null);
  }
}
