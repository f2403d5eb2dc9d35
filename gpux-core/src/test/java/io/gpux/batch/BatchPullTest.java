package io.gpux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.digest.Sha256;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.RecordedRequest;
import io.gpux.transfer.HttpTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux batch pull} through the library against the Hugging Face test hub: 120 generated
 * models, some sharing a file, plus a missing and a gated one.
 */
class BatchPullTest {
  static final int MODELS = 120;
  @TempDir Path home;
  @TempDir Path work;
  private FakeHfHub hub;
  private byte[] tokenizer;

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("m")));
    tokenizer = new byte[64 << 10];
    new Random(1).nextBytes(tokenizer);
    for (int i = 0; i < MODELS; i++) {
      byte[] weights = new byte[16 << 10];
      new Random(100 + i).nextBytes(weights);
      var repo =
          hub.repo("acme/m" + i).file("model.onnx", model).lfsFile("model.onnx_data", weights);
      if (i % 3 == 0) {
        repo.lfsFile("tokenizer.json", tokenizer); // one file, shared by 40 models
      }
      repo.commit("initial");
    }
    hub.repo("acme/gated").file("model.onnx", model).gated("granted-token").commit("initial");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private Gpux gpux() {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  static List<String> refs(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("hf:acme/m" + i);
    }
    return out;
  }

  /** Records every event, to check what a progress view would be told. */
  static final class Recording extends BatchListener {
    final Map<String, Long> started = new ConcurrentHashMap<>();
    final Map<String, Long> progressed = new ConcurrentHashMap<>();
    final List<ModelOutcome> ended = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public void started(ModelList.Entry model, long bytes) {
      started.put(model.text(), bytes);
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    @Override
    public void progressed(ModelList.Entry model, long bytes) {
      progressed.merge(model.text(), bytes, Long::sum);
    }

    @Override
    public void finished(ModelOutcome o) {
      end(o);
    }

    @Override
    public void failed(ModelOutcome o) {
      end(o);
    }

    private void end(ModelOutcome o) {
      if (started.containsKey(o.model().text())) {
        inFlight.decrementAndGet();
      }
      ended.add(o);
    }
  }

  @Test
  void pullsAHundredAndTwentyModelsReportingTheMissingAndTheGatedOnes() throws Exception {
    List<String> list = new ArrayList<>(refs(MODELS));
    list.add(7, "hf:acme/missing");
    list.add(50, "hf:acme/gated");
    Recording events = new Recording();
    BatchPullReport r;
    try (Gpux g = gpux()) {
      ModelList models = g.batch().list().arguments(list).build().checked(false);
      r = g.batch().pull(models, new BatchPullOptions(8, false), events);
    }
    assertEquals(MODELS + 2, r.models().size());
    assertEquals(MODELS, r.count(ModelOutcome.Status.PULLED), r.failures().toString());
    assertEquals(2, r.count(ModelOutcome.Status.FAILED));
    // In list order, each with the reason and the fix.
    assertEquals(
        List.of("hf:acme/missing", "hf:acme/gated"),
        r.failures().stream().map(f -> f.model().text()).toList());
    ModelOutcome missing = r.failures().get(0);
    assertTrue(missing.error().contains("acme/missing"), missing.toString());
    assertNotNull(missing.hint(), missing.toString());
    ModelOutcome gated = r.failures().get(1);
    assertTrue(gated.error().contains("gated"), gated.toString());
    assertTrue(gated.hint().contains("HF_TOKEN"), gated.toString());
    for (ModelOutcome o : r.models()) {
      if (o.status() == ModelOutcome.Status.PULLED) {
        assertEquals(40, o.version().length(), o.toString());
        assertEquals(o.model().text() + "@" + o.version(), o.reference());
      }
    }

    // The per-host limit held for the whole batch, on the API host and on the CDN host.
    hub.maxConcurrentRequests()
        .forEach(
            (host, max) ->
                assertTrue(
                    max <= HttpTransport.PER_HOST_CONNECTIONS, host + ": " + max + " at once"));
    assertTrue(events.maxInFlight.get() <= 8, "at most --jobs models in flight");
    assertEquals(MODELS + 2, events.ended.size(), "each model ends once");
    // Every byte a model lists is reported: fetched, or found in the store.
    for (String ref : refs(MODELS)) {
      assertEquals(events.started.get(ref), events.progressed.get(ref), ref);
    }

    // The shared file came over the network once (the others waited for it, or found it stored).
    String shared = Sha256.hex(tokenizer);
    List<RecordedRequest> fetches =
        hub.requests().stream()
            .filter(q -> q.method().equals("GET"))
            .filter(q -> q.path().endsWith("/tokenizer.json") || q.path().endsWith(shared))
            .toList();
    // One resolve (its 302) and one CDN body, for 40 models that list the file.
    assertEquals(2, fetches.size(), "the shared tokenizer.json is fetched once: " + fetches);
    assertEquals(1, fetches.stream().filter(RecordedRequest::isCdn).count(), fetches.toString());
    assertTrue(hub.unknownRoutes().isEmpty(), hub.unknownRoutes().toString());

    // Run again: everything is current, for one metadata request a model and no file bytes.
    hub.clearRequests();
    try (Gpux g = gpux()) {
      ModelList models = g.batch().list().arguments(refs(MODELS)).build();
      r = g.batch().pull(models, BatchPullOptions.defaults(), BatchListener.NONE);
    }
    assertEquals(MODELS, r.count(ModelOutcome.Status.CURRENT), r.failures().toString());
    assertEquals(0, r.bytes());
    List<RecordedRequest> again = hub.requests();
    assertEquals(MODELS, again.size(), "one metadata request a model: " + again);
    assertTrue(again.stream().noneMatch(RecordedRequest::isCdn), again.toString());
  }

  @Test
  void duplicatesArePulledOnceAndExactVersionsTheStoreHasCostNoRequest() throws Exception {
    String commit = hub.repo("acme/m1").resolve("main");
    try (Gpux g = gpux()) {
      ModelList models =
          g.batch()
              .list()
              .arguments(List.of("hf:acme/m1", "hf:acme/m2", "hf:acme/m1", "hf:acme/m1@" + commit))
              .build();
      assertEquals(3, models.size());
      BatchPullReport r = g.batch().pull(models, BatchPullOptions.defaults(), BatchListener.NONE);
      assertTrue(r.succeeded(), r.failures().toString());
      long infoCalls =
          hub.requests().stream()
              .filter(q -> q.path().startsWith("/api/models/acme/m1") && !q.isCdn())
              .count();
      assertTrue(infoCalls <= 2, "hf:acme/m1 asked for once, @commit at most once more");
      hub.clearRequests();
      ModelList exact = g.batch().list().argument("hf:acme/m1@" + commit).build();
      r = g.batch().pull(exact, BatchPullOptions.defaults(), BatchListener.NONE);
      assertEquals(ModelOutcome.Status.CURRENT, r.models().get(0).status());
      assertEquals(List.of(), hub.requests(), "an exact version the store has: no request");
    }
  }

  @Test
  void aLockedBatchRestoresExactVersionsAndThenCostsNothing() throws Exception {
    Path lock = work.resolve("gpux.lock");
    try (Gpux g = gpux()) {
      Files.writeString(
          lock, g.models().lock(refs(5), io.gpux.transfer.TransferListener.NONE).write());
    }
    // A fresh store: the lockfile's versions come back exactly.
    Path other = work.resolve("other-home");
    Map<String, String> env = Map.of("GPUX_HOME", other.toString(), "HF_ENDPOINT", hub.url());
    try (Gpux g = Gpux.open(work, GpuxSettings.fromEnvironment(env, other))) {
      ModelList models = g.batch().list().locked("gpux.lock").build();
      BatchPullReport r = g.batch().pull(models, BatchPullOptions.defaults(), BatchListener.NONE);
      assertEquals(5, r.count(ModelOutcome.Status.PULLED), r.failures().toString());
      hub.clearRequests();
      r = g.batch().pull(models, BatchPullOptions.defaults(), BatchListener.NONE);
      assertEquals(5, r.count(ModelOutcome.Status.CURRENT), r.failures().toString());
      assertEquals(List.of(), hub.requests(), "--locked and stored: no request at all");
    }
  }

  @Test
  void failFastStartsNothingAfterTheFirstFailure() {
    List<String> list = new ArrayList<>(List.of("hf:acme/missing"));
    list.addAll(refs(10));
    try (Gpux g = gpux()) {
      ModelList models = g.batch().list().arguments(list).build();
      BatchPullReport r = g.batch().pull(models, new BatchPullOptions(1, true), BatchListener.NONE);
      assertEquals(11, r.models().size());
      assertEquals(11, r.count(ModelOutcome.Status.FAILED));
      assertTrue(r.models().get(1).error().startsWith("not started"), r.models().get(1).error());
      assertTrue(
          hub.requests().stream().noneMatch(q -> q.isCdn()), "no file of a later model fetched");
    }
  }
}
