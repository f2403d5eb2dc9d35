package io.gpux.build;

import io.gpux.build.SignatureIssue.Severity;
import io.gpux.project.TensorSpec;
import io.gpux.tensor.TensorSignature;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares declared inputs and outputs with the model's signature: names, dtypes, ranks and fixed
 * dimensions. A dimension the model leaves dynamic may be declared fixed (a narrower promise); a
 * dimension the model fixes must not be declared different.
 */
public final class SignatureCheck {
  private SignatureCheck() {}

  public static List<SignatureIssue> compare(
      List<TensorSpec> declaredInputs,
      List<TensorSignature> modelInputs,
      List<TensorSpec> declaredOutputs,
      List<TensorSignature> modelOutputs) {
    List<SignatureIssue> issues = new ArrayList<>();
    compare("input", declaredInputs, modelInputs, issues);
    compare("output", declaredOutputs, modelOutputs, issues);
    return issues;
  }

  private static void compare(
      String kind,
      List<TensorSpec> declared,
      List<TensorSignature> model,
      List<SignatureIssue> out) {
    if (declared.isEmpty()) {
      return; // Nothing declared: the model's own signature is used as is.
    }
    for (TensorSpec spec : declared) {
      TensorSignature sig = find(model, spec.name());
      if (sig == null) {
        out.add(
            new SignatureIssue(
                Severity.ERROR,
                spec.name(),
                "declared "
                    + kind
                    + " is not in the model; the model's "
                    + kind
                    + "s are "
                    + names(model)));
        continue;
      }
      if (sig.type() != null && spec.type() != sig.type()) {
        out.add(
            new SignatureIssue(
                Severity.ERROR,
                spec.name(),
                "declared type " + spec.type() + " but the model's is " + sig.type()));
      }
      checkShape(spec, sig, out);
      if (spec.labels() != null && sig.shape() != null && !sig.shape().isEmpty()) {
        long last = sig.shape().get(sig.shape().size() - 1);
        boolean classIndex = sig.type() != null && sig.type().isInteger();
        if (!classIndex && last > 0 && last != spec.labels().size()) {
          out.add(
              new SignatureIssue(
                  Severity.WARNING,
                  spec.name(),
                  spec.labels().size()
                      + " labels but the last dimension has "
                      + last
                      + " entries"));
        }
      }
    }
    for (TensorSignature sig : model) {
      if (declared.stream().noneMatch(s -> s.name().equals(sig.name()))) {
        out.add(
            new SignatureIssue(
                "input".equals(kind) ? Severity.ERROR : Severity.WARNING,
                sig.name(),
                "the model's "
                    + kind
                    + " "
                    + sig.type()
                    + sig.shapeText()
                    + " is not declared in gpux.yml"
                    + ("input".equals(kind) ? " (every model input must be fed)" : "")));
      }
    }
  }

  private static void checkShape(TensorSpec spec, TensorSignature sig, List<SignatureIssue> out) {
    if (spec.shape() == null || sig.shape() == null) {
      return;
    }
    if (spec.shape().size() != sig.shape().size()) {
      out.add(
          new SignatureIssue(
              Severity.ERROR,
              spec.name(),
              "declared shape "
                  + spec.shape()
                  + " has rank "
                  + spec.shape().size()
                  + " but the model's "
                  + sig.shapeText()
                  + " has rank "
                  + sig.shape().size()));
      return;
    }
    for (int i = 0; i < spec.shape().size(); i++) {
      long want = sig.shape().get(i);
      long got = spec.shape().get(i);
      if (want >= 0 && got >= 0 && want != got) {
        out.add(
            new SignatureIssue(
                Severity.ERROR,
                spec.name(),
                "dimension " + i + " declared " + got + " but the model fixes it at " + want));
      } else if (want >= 0 && got < 0) {
        out.add(
            new SignatureIssue(
                Severity.WARNING,
                spec.name(),
                "dimension " + i + " declared dynamic but the model fixes it at " + want));
      }
    }
  }

  private static TensorSignature find(List<TensorSignature> sigs, String name) {
    return sigs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  private static String names(List<TensorSignature> sigs) {
    return String.join(", ", sigs.stream().map(TensorSignature::name).toList());
  }
}
