package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/check: the Kubernetes and KServe manifests validate strictly against their schemas, the
 * Prometheus configuration and alert rules pass promtool and the rules' unit tests; and a manifest
 * with a misspelt field, or a rule that does not parse, fails it. Slow: it sets up two Python
 * environments and, on a fresh machine, builds promtool (cached after).
 */
@Slow
class DeployCheckTest {
  @TempDir Path dir;

  private record Run(int exitCode, String output) {}

  private static Run check(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "deploy/check"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(RepoFiles.root().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  /** A copy of a shipped manifest with one text replaced, which must be there. */
  private Path broken(String manifest, String text, String replacement) throws Exception {
    String original = Files.readString(RepoFiles.root().resolve(manifest));
    assertTrue(original.contains(text), manifest + " has " + text);
    Path file = dir.resolve(Path.of(manifest).getFileName());
    Files.writeString(file, original.replace(text, replacement));
    return file;
  }

  @Test
  void whatDeployShipsPasses() throws Exception {
    Run r = check();
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(
        r.output().contains("validate: 6 documents in 6 files, 0 problems (Kubernetes 1.30, 1.37"),
        r.output());
    assertTrue(r.output().contains("is valid prometheus config file syntax"), r.output());
    assertTrue(r.output().contains("SUCCESS: 4 rules found"), r.output());
    assertTrue(
        r.output().contains("Processing test file: gpux-alerts.test.yml\n  SUCCESS"), r.output());
    assertTrue(r.output().endsWith("deploy/check: ok\n"), r.output());
  }

  @Test
  void aMisspeltFieldFails() throws Exception {
    Path deployment =
        broken("deploy/kubernetes/deployment.yaml", "readinessProbe:", "readinesProbe:");
    Path runtime =
        broken("deploy/kserve/clusterservingruntime.yaml", "protocolVersions:", "protocolVersion:");
    Path isvc = broken("deploy/kserve/inferenceservice.yaml", "storageUri:", "storageURI:");
    Run r =
        check(
            "--manifest",
            deployment.toString(),
            "--manifest",
            runtime.toString(),
            "--manifest",
            isvc.toString());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(
        r.output()
            .contains(
                deployment
                    + ": Deployment/gpux: spec.template.spec.containers.0: Additional properties"
                    + " are not allowed ('readinesProbe' was unexpected) (Kubernetes 1.30)"),
        r.output());
    assertTrue(
        r.output()
            .contains(
                runtime
                    + ": ClusterServingRuntime/kserve-gpux: spec: Additional properties are not"
                    + " allowed ('protocolVersion' was unexpected)"),
        r.output());
    assertTrue(
        r.output()
            .contains(
                isvc
                    + ": InferenceService/digits: spec.predictor.model: Additional properties are"
                    + " not allowed ('storageURI' was unexpected)"),
        r.output());
    assertTrue(r.output().contains("deploy/check: FAILED"), r.output());
  }

  @Test
  void aWrongTypeAMissingFieldAndAnUnknownKindFail() throws Exception {
    Path hpa =
        broken(
            "deploy/kubernetes/hpa.yaml", "averageUtilization: 70", "averageUtilization: \"70\"");
    Path nameless =
        broken("deploy/kserve/clusterservingruntime.yaml", "- name: kserve-container", "- ports:");
    Path unknown = dir.resolve("servicemonitor.yaml");
    Files.writeString(
        unknown,
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n");
    Run r =
        check(
            "--manifest",
            hpa.toString(),
            "--manifest",
            nameless.toString(),
            "--manifest",
            unknown.toString());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(
        r.output().contains("averageUtilization: '70' is not of type 'integer'"), r.output());
    assertTrue(r.output().contains("'name' is a required property"), r.output());
    assertTrue(
        r.output()
            .contains(
                unknown
                    + ": ServiceMonitor/x: no schema for monitoring.coreos.com/v1 ServiceMonitor"),
        r.output());
  }

  @Test
  void aRuleThatDoesNotParseFails() throws Exception {
    Path rules =
        broken(
            "deploy/prometheus/gpux-alerts.yml",
            "rate(gpux_inference_errors_total{kind=\"model\"}[5m])",
            "rate(gpux_inference_errors_total{kind=\"model\"}[5m]");
    Run r = check("--rules", rules.toString());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("FAILED"), r.output());
  }
}
