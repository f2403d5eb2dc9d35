package io.gpux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.registry.PullOptions;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.RecordedRequest;
import io.gpux.transfer.TransferListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/outdated.sh}'s driver: {@code gpux outdated} over MODELS models stored from the test
 * hub (a seeded random half of them moved on), against the same check scripted with {@code
 * huggingface_hub} ({@code model_info} per model in a loop), in interleaved rounds; then {@code
 * gpux update --all} after 10 more moved, counting the files it fetched. Both sides run as
 * processes the way a user runs them (JVM or interpreter start included), against one hub on
 * loopback.
 *
 * <pre>java ... OutdatedBench GPUX_LAUNCHER PYTHON SCRIPT WORK_DIR MODELS ROUNDS</pre>
 *
 * Prints one JSON object with every time (seconds) and count.
 */
public final class OutdatedBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OutdatedBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: OutdatedBench GPUX PYTHON SCRIPT WORK_DIR MODELS ROUNDS");
      System.exit(2);
    }
    Path gpux = Path.of(args[0]);
    Path python = Path.of(args[1]);
    Path script = Path.of(args[2]);
    Path work = Path.of(args[3]);
    int count = Integer.parseInt(args[4]);
    int rounds = Integer.parseInt(args[5]);
    Path home = work.resolve("home");
    deleteTree(home);
    Files.createDirectories(home);
    byte[] model = Files.readAllBytes(Path.of("examples/digits/model.onnx"));
    try (FakeHfHub hub = FakeHfHub.start()) {
      List<String> repos = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String repo = String.format("bench/m%03d", i);
        hub.repo(repo)
            .lfsFile("model.onnx", model)
            .file("config.json", "{\"id\": " + i + "}")
            .file("README.md", "# model " + i + "\n")
            .commit("initial");
        repos.add(repo);
      }
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("GPUX_HOME", home.toString());
      env.put("HF_ENDPOINT", hub.url());
      env.put("HF_HUB_DISABLE_TELEMETRY", "1");
      // The store is filled through the library in this process: a hundred CLI starts would only
      // slow the set-up.
      List<Map<String, String>> pulled = new ArrayList<>();
      try (Gpux g =
          Gpux.open(
              work, GpuxSettings.fromEnvironment(env, Path.of(System.getProperty("user.home"))))) {
        for (String repo : repos) {
          String sha =
              g.models()
                  .pull("hf:" + repo, PullOptions.defaults(), TransferListener.NONE)
                  .manifest()
                  .version();
          pulled.add(Map.of("repo", repo, "revision", "main", "sha", sha));
        }
      }
      Path list = work.resolve("models.json");
      MAPPER.writeValue(list.toFile(), pulled);
      List<String> shuffled = new ArrayList<>(repos);
      Collections.shuffle(shuffled, new Random(42));
      List<String> moved = shuffled.subList(0, count / 2);
      for (String repo : moved) {
        hub.repo(repo).file("README.md", "# moved on\n").commit("docs");
      }

      Map<String, List<Double>> times = new LinkedHashMap<>();
      times.put("gpux", new ArrayList<>());
      times.put("huggingface_hub", new ArrayList<>());
      List<Double> loops = new ArrayList<>();
      int gpuxRequests = -1;
      for (int r = 0; r < rounds; r++) {
        List<String> order = new ArrayList<>(times.keySet());
        Collections.rotate(order, r);
        for (String side : order) {
          hub.clearRequests();
          long t0 = System.nanoTime();
          Run run =
              side.equals("gpux")
                  ? run(env, work, gpux.toString(), "outdated", "--json")
                  : run(env, work, python.toString(), script.toString(), list.toString());
          double s = (System.nanoTime() - t0) / 1e9;
          times.get(side).add(s);
          if (side.equals("gpux")) {
            check(run.exit == 1, "gpux outdated exits 1 when some are outdated: " + run);
            long outdated = 0;
            for (JsonNode m : MAPPER.readTree(run.out).get("models")) {
              outdated += m.get("status").asText().equals("outdated") ? 1 : 0;
            }
            check(outdated == moved.size(), "gpux found " + outdated + " outdated: " + run);
            check(downloads(hub) == 0, "gpux outdated downloaded a file");
            gpuxRequests = hub.requests().size();
          } else {
            check(run.exit == 0, "the huggingface_hub loop failed: " + run);
            JsonNode o = MAPPER.readTree(run.out.strip());
            check(o.get("outdated").asInt() == moved.size(), "huggingface_hub found " + o);
            loops.add(o.get("loop_s").asDouble());
          }
        }
      }

      // gpux update --all: the 50 moved, then 10 more; each update fetches only the changed file.
      Run first = run(env, work, gpux.toString(), "update", "--all", "--json");
      check(first.exit == 0, "update --all: " + first);
      List<String> ten = shuffled.subList(count / 2, count / 2 + Math.min(10, count / 2));
      for (String repo : ten) {
        hub.repo(repo).file("README.md", "# moved on, too\n").commit("docs");
      }
      hub.clearRequests();
      long t0 = System.nanoTime();
      Run second = run(env, work, gpux.toString(), "update", "--all", "--json");
      double updateS = (System.nanoTime() - t0) / 1e9;
      check(second.exit == 0, "update --all: " + second);
      List<String> fetched = new ArrayList<>();
      for (RecordedRequest q : hub.requests()) {
        if (q.path().contains("/resolve/") || q.path().startsWith("/cdn/")) {
          fetched.add(q.path());
        }
      }
      int updated = 0;
      for (JsonNode m : MAPPER.readTree(second.out).get("models")) {
        updated += m.get("updated").asBoolean() ? 1 : 0;
      }

      Map<String, Object> out = new LinkedHashMap<>();
      out.put("models", count);
      out.put("moved", moved.size());
      out.put("rounds", rounds);
      out.put("gpux_s", times.get("gpux"));
      out.put("huggingface_hub_s", times.get("huggingface_hub"));
      out.put("huggingface_hub_loop_s", loops);
      out.put("gpux_requests", gpuxRequests);
      out.put("update_moved", ten.size());
      out.put("update_models_updated", updated);
      out.put("update_files_fetched", fetched.size());
      out.put("update_only_readmes", fetched.stream().allMatch(p -> p.endsWith("/README.md")));
      out.put("update_s", updateS);
      System.out.println(MAPPER.writeValueAsString(out));
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, Path cwd, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Arrays.asList(command)).directory(cwd.toFile());
    pb.environment().putAll(env);
    Path out = Files.createTempFile("bench-out", ".txt");
    Path err = Files.createTempFile("bench-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(600, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " took over 600 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static long downloads(FakeHfHub hub) {
    return hub.requests().stream()
        .filter(r -> r.path().contains("/resolve/") || r.path().startsWith("/cdn/"))
        .count();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      s.sorted(Collections.reverseOrder())
          .forEach(
              x -> {
                try {
                  Files.delete(x);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }
}
