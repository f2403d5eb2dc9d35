package io.gpux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService.InferTensorContents;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop gRPC load generator for bench/serve-grpc.sh: {@code concurrency} ModelInfer calls
 * in flight at all times over {@code connections} channels, each answered call followed at once by
 * the next, for {@code seconds}; prints one JSON line in the form bench/serve/post.lua prints for
 * wrk (latencies in microseconds). grpc-java's async stub, callbacks on the transport thread, so
 * the client costs about what wrk does per request rather than what a dynamic-message tool does.
 *
 * <pre>
 * GrpcLoad HOST:PORT SAMPLE.json MODEL INPUT raw|typed CONCURRENCY CONNECTIONS SECONDS
 * </pre>
 *
 * SAMPLE.json is a /predict body ({@code {"INPUT": [[...]]}}), sent as FP64.
 */
public final class GrpcLoad {
  private GrpcLoad() {}

  public static void main(String[] args) throws Exception {
    String[] target = args[0].split(":");
    JsonNode sample = new ObjectMapper().readTree(Path.of(args[1]).toFile()).get(args[3]);
    ModelInferRequest request = request(args[2], args[3], sample, args[4].equals("raw"));
    int concurrency = Integer.parseInt(args[5]);
    int connections = Integer.parseInt(args[6]);
    double seconds = Double.parseDouble(args[7]);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  target[0], Integer.parseInt(target[1]), InsecureChannelCredentials.create())
              .directExecutor()
              .build());
    }
    long[] latencies = new long[1 << 21];
    AtomicLong count = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      var stub = GRPCInferenceServiceGrpc.newStub(channels.get(i % connections));
      new Object() {
        void next() {
          long t0 = System.nanoTime();
          if (t0 >= deadline) {
            done.countDown();
            return;
          }
          stub.modelInfer(
              request,
              new StreamObserver<ModelInferResponse>() {
                @Override
                public void onNext(ModelInferResponse r) {}

                @Override
                public void onError(Throwable t) {
                  errors.incrementAndGet();
                  next();
                }

                @Override
                public void onCompleted() {
                  long n = count.getAndIncrement();
                  if (n < latencies.length) {
                    latencies[(int) n] = System.nanoTime() - t0;
                  }
                  next();
                }
              });
        }
      }.next();
    }
    done.await(30 + (long) seconds, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    int n = (int) Math.min(count.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    double mean = n == 0 ? 0 : Arrays.stream(sorted).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "{\"requests\":%d,\"duration_us\":%d,\"non2xx\":%d,\"socket_errors\":0,\"p50_us\":%d,"
            + "\"p90_us\":%d,\"p99_us\":%d,\"mean_us\":%.1f}%n",
        count.get(),
        elapsed / 1000,
        errors.get(),
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        mean / 1000);
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }

  private static long pct(long[] sorted, int p) {
    return sorted.length == 0 ? 0 : sorted[(int) ((sorted.length - 1) * (p / 100.0))] / 1000;
  }

  private static ModelInferRequest request(
      String model, String input, JsonNode sample, boolean raw) {
    List<Double> values = new ArrayList<>();
    List<Long> shape = new ArrayList<>();
    JsonNode n = sample;
    while (n.isArray()) {
      shape.add((long) n.size());
      n = n.get(0);
    }
    flatten(sample, values);
    var tensor =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(input)
            .setDatatype("FP64")
            .addAllShape(shape);
    ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model);
    if (raw) {
      ByteBuffer bytes = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
      values.forEach(bytes::putDouble);
      b.addInputs(tensor).addRawInputContents(ByteString.copyFrom(bytes.array()));
    } else {
      b.addInputs(tensor.setContents(InferTensorContents.newBuilder().addAllFp64Contents(values)));
    }
    return b.build();
  }

  private static void flatten(JsonNode n, List<Double> out) {
    if (n.isArray()) {
      n.forEach(e -> flatten(e, out));
    } else {
      out.add(n.asDouble());
    }
  }
}
