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
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gRPC load generator of bench/serve.sh and bench/serve-grpc.sh, and the writer of the request
 * h2load sends.
 *
 * <pre>
 * GrpcLoad HOST:PORT BODY.json MODEL INPUT FP32|FP64 raw|typed CONCURRENCY CONNECTIONS WARM_S SECONDS
 * GrpcLoad --frame OUT.bin BODY.json MODEL INPUT FP32|FP64 raw|typed
 * </pre>
 *
 * BODY.json is a /predict body ({@code {"INPUT": [[...]]}}); its tensor is sent as DATATYPE, in
 * {@code raw_input_contents} (as tritonclient sends it) or in typed contents.
 *
 * <p>Load: a closed loop of {@code CONCURRENCY} ModelInfer calls in flight over {@code CONNECTIONS}
 * channels, each answered call followed at once by the next, first for {@code WARM_S} (not counted:
 * the JIT of both sides), then for {@code SECONDS}; prints one JSON line in the form
 * bench/serve/post.lua prints for wrk (latencies in microseconds). grpc-java's async stub with
 * callbacks on the transport thread, the cheapest grpc-java client there is; still, on a small
 * machine it costs several times what the server does a call (bench/README.md).
 *
 * <p>{@code --frame}: writes the request as one gRPC length-prefixed message, the body h2load POSTs
 * ({@code h2load -d OUT.bin -H 'content-type: application/grpc'}), so a load generator as cheap a
 * request as wrk drives gRPC too.
 */
public final class GrpcLoad {
  private GrpcLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 7 && args[0].equals("--frame")) {
      ModelInferRequest request = request(args[2], args[3], args[4], args[5], args[6]);
      try (OutputStream out = Files.newOutputStream(Path.of(args[1]));
          DataOutputStream data = new DataOutputStream(out)) {
        data.writeByte(0); // not compressed
        data.writeInt(request.getSerializedSize());
        request.writeTo(data);
      }
      return;
    }
    if (args.length != 10) {
      System.err.println(
          "usage: GrpcLoad HOST:PORT BODY.json MODEL INPUT FP32|FP64 raw|typed CONCURRENCY"
              + " CONNECTIONS WARM_S SECONDS\n"
              + "       GrpcLoad --frame OUT.bin BODY.json MODEL INPUT FP32|FP64 raw|typed");
      System.exit(2);
    }
    String[] target = args[0].split(":");
    ModelInferRequest request = request(args[1], args[2], args[3], args[4], args[5]);
    int concurrency = Integer.parseInt(args[6]);
    int connections = Integer.parseInt(args[7]);
    double warm = Double.parseDouble(args[8]);
    double seconds = Double.parseDouble(args[9]);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  target[0], Integer.parseInt(target[1]), InsecureChannelCredentials.create())
              .directExecutor()
              .maxInboundMessageSize(64 << 20)
              .build());
    }
    // Fails fast, with the server's message, when the server refuses the request.
    GRPCInferenceServiceGrpc.newBlockingStub(channels.get(0)).modelInfer(request);
    if (warm > 0) {
      load(channels, request, concurrency, warm);
    }
    Result r = load(channels, request, concurrency, seconds);
    System.out.printf(
        Locale.ROOT,
        "{\"requests\":%d,\"duration_us\":%d,\"non2xx\":%d,\"socket_errors\":0,\"p50_us\":%d,"
            + "\"p90_us\":%d,\"p99_us\":%d,\"mean_us\":%.1f}%n",
        r.latencies.length,
        r.elapsedNanos / 1000,
        r.errors,
        pct(r.latencies, 50),
        pct(r.latencies, 90),
        pct(r.latencies, 99),
        Arrays.stream(r.latencies).average().orElse(0) / 1000);
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }

  private record Result(long[] latencies, long errors, long elapsedNanos) {}

  private static Result load(
      List<ManagedChannel> channels, ModelInferRequest request, int concurrency, double seconds)
      throws InterruptedException {
    long[] latencies = new long[1 << 22];
    AtomicLong count = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      var stub = GRPCInferenceServiceGrpc.newStub(channels.get(i % channels.size()));
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
    long[] sorted = Arrays.copyOf(latencies, (int) Math.min(count.get(), latencies.length));
    Arrays.sort(sorted);
    return new Result(sorted, errors.get(), elapsed);
  }

  private static long pct(long[] sorted, int p) {
    return sorted.length == 0 ? 0 : sorted[(int) ((sorted.length - 1) * (p / 100.0))] / 1000;
  }

  private static ModelInferRequest request(
      String body, String model, String input, String datatype, String mode) throws Exception {
    if (!datatype.equals("FP32") && !datatype.equals("FP64")) {
      throw new IllegalArgumentException("DATATYPE is FP32 or FP64, got " + datatype);
    }
    if (!mode.equals("raw") && !mode.equals("typed")) {
      throw new IllegalArgumentException("the mode is raw or typed, got " + mode);
    }
    JsonNode sample = new ObjectMapper().readTree(Path.of(body).toFile()).get(input);
    if (sample == null) {
      throw new IllegalArgumentException(body + " has no input named " + input);
    }
    List<Double> values = new ArrayList<>();
    List<Long> shape = new ArrayList<>();
    for (JsonNode n = sample; n.isArray(); n = n.get(0)) {
      shape.add((long) n.size());
    }
    flatten(sample, values);
    boolean fp64 = datatype.equals("FP64");
    var tensor =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(input)
            .setDatatype(datatype)
            .addAllShape(shape);
    ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model);
    if (mode.equals("raw")) {
      ByteBuffer bytes =
          ByteBuffer.allocate(values.size() * (fp64 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        if (fp64) {
          bytes.putDouble(v);
        } else {
          bytes.putFloat((float) v);
        }
      }
      b.addInputs(tensor).addRawInputContents(ByteString.copyFrom(bytes.array()));
    } else {
      var contents = InferTensorContents.newBuilder();
      if (fp64) {
        contents.addAllFp64Contents(values);
      } else {
        values.forEach(v -> contents.addFp32Contents(v.floatValue()));
      }
      b.addInputs(tensor.setContents(contents));
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
