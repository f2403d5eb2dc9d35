package io.gpux.build;

import io.gpux.onnx.OnnxModelInfo;
import io.gpux.project.ConfigWarning;
import io.gpux.runtime.ProviderChoice;
import io.gpux.tensor.TensorSignature;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What {@code gpux build} found: the model's signature, the provider chosen, and every difference
 * between gpux.yml and the model.
 *
 * @param buildFile where the build record was written ({@code .gpux/build.json}); null when the
 *     build had errors and nothing was written
 */
public record BuildReport(
    String name,
    String version,
    Path modelFile,
    long modelBytes,
    String modelSha256,
    OnnxModelInfo model,
    ProviderChoice provider,
    String onnxRuntimeVersion,
    List<TensorSignature> inputs,
    List<TensorSignature> outputs,
    List<SignatureIssue> issues,
    List<ConfigWarning> configWarnings,
    Instant builtAt,
    Path buildFile) {

  public BuildReport {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    issues = List.copyOf(issues);
    configWarnings = List.copyOf(configWarnings);
  }

  public boolean ok() {
    return issues.stream().noneMatch(i -> i.severity() == SignatureIssue.Severity.ERROR);
  }
}
