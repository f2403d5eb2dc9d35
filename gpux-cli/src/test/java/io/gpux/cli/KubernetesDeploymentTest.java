package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.oci.DockerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes/deployment.yaml as the kubelet would run it, without a cluster: its init
 * container's command pulls the model from a real registry (docker-registry) into the pod's store,
 * its server's arguments serve it, its probes' paths answer 200 once ready, and SIGTERM ends it
 * with 0 within the grace period the manifest gives.
 */
@Slow
class KubernetesDeploymentTest {
  private static final String MODEL = "oci://registry.example.com/models/digits:v1";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How long gpux serve waits for a model run that outlived --drain-timeout (InferenceServer). */
  private static final int RUN_GRACE_SECONDS = 30;

  @TempDir Path dir;

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, Object... path) {
    Object n = node;
    for (Object p : path) {
      n = p instanceof Integer i ? ((List<Object>) n).get(i) : ((Map<String, Object>) n).get(p);
    }
    return (T) n;
  }

  private static List<String> replaced(List<String> words, String registry) {
    List<String> out = new ArrayList<>();
    for (String w : words) {
      out.add(w.replace("oci://registry.example.com/", "oci://" + registry + "/"));
    }
    return out;
  }

  @Test
  void theInitContainerPullsAndTheServerServesWithItsProbesAndShutdown() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    Map<String, Object> deployment =
        new Yaml()
            .load(Files.readString(RepoFiles.root().resolve("deploy/kubernetes/deployment.yaml")));
    Map<String, Object> pod = at(deployment, "spec", "template", "spec");
    Map<String, Object> init = at(pod, "initContainers", 0);
    Map<String, Object> server = at(pod, "containers", 0);
    List<String> pull = at(init, "command");
    assertEquals(List.of("gpux", "pull", MODEL), pull);
    List<String> args = at(server, "args");
    assertEquals(MODEL, args.get(0));
    assertEquals("/var/lib/gpux", at(server, "env", 0, "value"));

    Path home = dir.resolve("store"); // the pod's emptyDir, shared by both containers
    Map<String, String> env =
        Map.of("GPUX_HOME", home.toString(), "DOCKER_CONFIG", dir.resolve("no-docker").toString());
    Path adder = Files.createDirectories(dir.resolve("adder"));
    OnnxModels.addOne(adder.resolve("model.onnx"));
    String host;
    try (DockerRegistry registry = DockerRegistry.anonymous(dir.resolve("registry"))) {
      host = registry.host();
      String ref = MODEL.replace("registry.example.com", registry.host());
      CliResult pushed =
          CliResult.run(
              dir,
              Map.of(
                  "GPUX_HOME",
                  dir.resolve("publisher").toString(),
                  "DOCKER_CONFIG",
                  dir.resolve("no-docker").toString()),
              "push",
              "adder",
              ref);
      assertEquals(0, pushed.exitCode(), pushed.toString());
      List<String> initArgs = replaced(pull.subList(1, pull.size()), registry.host());
      CliResult pulled = CliResult.run(dir, env, initArgs.toArray(String[]::new));
      assertEquals(0, pulled.exitCode(), pulled.toString());
    }

    // The registry is gone: the server serves from the pod's store (gpux serve never pulls).
    try (ServeProcess serve = ServeProcess.start(dir, env, replaced(args, host))) {
      String base = "http://127.0.0.1:" + serve.httpPort;
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        String path = at(server, probe, "httpGet", "path");
        HttpResponse<String> r = get(base + path);
        assertEquals(200, r.statusCode(), probe + " " + path + ": " + r.body());
      }
      HttpResponse<String> predict =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/predict"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"x\": [[1, 2, 3, 4]]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, predict.statusCode(), predict.body());
      assertTrue(predict.body().contains("[2.0,3.0,4.0,5.0]"), predict.body());
      serve.terminateAndExpectCleanExit();
      int drain = Integer.parseInt(option(args, "--drain-timeout"));
      assertTrue(
          serve
              .output
              .toString()
              .contains("stopping (finishing requests in flight, up to " + drain + " s)"),
          serve.output.toString());
      int preStop = at(server, "lifecycle", "preStop", "sleep", "seconds");
      int grace = at(pod, "terminationGracePeriodSeconds");
      assertTrue(
          grace >= preStop + drain + RUN_GRACE_SECONDS,
          "the kubelet's SIGKILL must not land in a drain: "
              + grace
              + " s < "
              + preStop
              + " + "
              + drain
              + " + "
              + RUN_GRACE_SECONDS);
    }
  }

  private static String option(List<String> args, String name) {
    return args.stream()
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " in " + args));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
