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
    // As docs/operations.md shows it: the script itself, from the repository's root.
    List<String> cmd = new ArrayList<>(List.of("deploy/check"));
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
        r.output().contains("validate: 7 documents in 7 files, 0 problems (Kubernetes 1.30, 1.37"),
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

  /**
   * The page's commands that need a cluster (kubectl) cannot run here: what they apply is what
   * deploy/check validates, and what they watch is a Deployment it ships. deploy/check itself runs
   * as the page shows it (whatDeployShipsPasses).
   */
  @Test
  void theOperationsPageAppliesWhatIsChecked() throws Exception {
    Path root = RepoFiles.root();
    List<String> commands = new ArrayList<>();
    boolean inBlock = false;
    for (String line : Files.readAllLines(root.resolve("docs/operations.md"))) {
      if (line.startsWith("```")) {
        inBlock = !inBlock;
      } else if (inBlock && (line.startsWith("kubectl ") || line.startsWith("deploy/"))) {
        commands.add(line);
      }
    }
    assertTrue(commands.contains("deploy/check"), commands.toString());
    for (String c : commands) {
      if (c.startsWith("kubectl apply -f ")) {
        Path target = root.resolve(c.substring("kubectl apply -f ".length()));
        assertTrue(Files.exists(target), c);
        assertTrue(
            target.startsWith(root.resolve("deploy/kubernetes"))
                || target.startsWith(root.resolve("deploy/kserve")),
            c + ": deploy/check validates deploy/kubernetes and deploy/kserve");
      } else if (c.startsWith("kubectl rollout status deployment/")) {
        String name = c.substring("kubectl rollout status deployment/".length());
        assertTrue(
            Files.readString(root.resolve("deploy/kubernetes/deployment.yaml"))
                .contains("kind: Deployment\nmetadata:\n  name: " + name + "\n"),
            c);
      } else {
        assertEquals("deploy/check", c, "a command of docs/operations.md that no test runs");
      }
    }
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
