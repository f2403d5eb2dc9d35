package io.gpux.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process for tests of inter-process behaviour: runs one store operation in a fresh JVM on
 * the test's class path.
 *
 * <ul>
 *   <li>{@code lock HOME KEY}: prints "waiting", takes the lock, prints "locked", exits
 *   <li>{@code pull HOME N}: prints "ready" and waits for a line on stdin; then, N times, puts the
 *       same blob and commits the same version, as concurrent pulls of one model do, plus a version
 *       of its own per round
 * </ul>
 */
public final class StoreWorker {
  private StoreWorker() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    if (args[0].equals("pull")) {
      // Start together with the others: the test releases every worker at once.
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    try (ModelStore store = ModelStore.open(home)) {
      switch (args[0]) {
        case "lock" -> {
          System.out.println("waiting");
          System.out.flush();
          try (StoreLock lock = store.lock(args[2])) {
            System.out.println("locked");
          }
        }
        case "pull" -> pull(store, Integer.parseInt(args[2]), ProcessHandle.current().pid());
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  /** What one puller does; also run on threads of the test's own JVM. */
  static void pull(ModelStore store, int rounds, long who) throws IOException {
    for (int i = 0; i < rounds; i++) {
      ManifestFile shared = StoreFixture.put(store, "model.onnx", "the same weights");
      ManifestFile config = StoreFixture.put(store, "config.json", "{\"round\": " + i + "}");
      store.commit(StoreFixture.manifest("shared", shared));
      store.commit(StoreFixture.manifest("v" + i, shared, config));
      store.commit(StoreFixture.manifest("hf", "own/" + who, "r" + i, StoreFixture.PULLED, config));
      store.tag("hf", "org/model", "main", "v" + i);
      store.materialize(store.manifest("hf", "org/model", "shared").orElseThrow());
    }
  }

  /** A running worker and the file that collects its standard error. */
  record Child(Process process, Path stderr, BufferedReader output) {
    String errors() {
      try {
        return "worker failed:\n" + Files.readString(stderr);
      } catch (IOException e) {
        return "worker failed; its stderr is unreadable: " + e;
      }
    }
  }

  /** Starts pull workers and releases them together once all are ready. */
  static List<Child> startPullers(Path home, int workers, int rounds) throws IOException {
    List<Child> children = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      children.add(start(home, "pull", String.valueOf(rounds)));
    }
    for (Child c : children) {
      String line = c.output().readLine();
      if (!"ready".equals(line)) {
        throw new IOException("worker said " + line + "; " + c.errors());
      }
    }
    for (Child c : children) {
      c.process().getOutputStream().write('\n');
      c.process().getOutputStream().flush();
    }
    return children;
  }

  static Child start(Path home, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StoreWorker.class.getName());
    command.add(args[0]);
    command.add(home.toString());
    command.addAll(List.of(args).subList(1, args.length));
    Path stderr = Files.createTempFile("store-worker", ".err");
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    return new Child(
        p,
        stderr,
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
  }
}
