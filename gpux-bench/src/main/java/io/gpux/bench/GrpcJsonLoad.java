package io.gpux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop gRPC load generator for ModelInfer, what wrk is for HTTP: {@code CONCURRENCY}
 * callers, each sending its next request when the last one is answered, over one HTTP/2 connection
 * (as {@code tritonclient.grpc} and ghz by default use one). The tensor goes in {@code
 * raw_input_contents}, as the Triton client sends it. Prints one JSON line in the shape of
 * bench/serve/post.lua's, so the report reads both alike.
 *
 * <pre>java ... GrpcJsonLoad HOST:PORT MODEL BODY.json INPUT DATATYPE CONCURRENCY WARM_S SECONDS
 * </pre>
 *
 * BODY.json is the /predict body ({@code {"INPUT": [[...]]}}); DATATYPE is FP32 or FP64.
 */
public final class GrpcJsonLoad {
  private GrpcJsonLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: GrpcJsonLoad HOST:PORT MODEL BODY.json INPUT DATATYPE CONCURRENCY WARM_S SECONDS");
      System.exit(2);
    }
    String[] hp = args[0].split(":");
    String model = args[1];
    JsonNode values = new ObjectMapper().readTree(Path.of(args[2]).toFile()).get(args[3]);
    String datatype = args[4];
    int concurrency = Integer.parseInt(args[5]);
    double warm = Double.parseDouble(args[6]);
    double seconds = Double.parseDouble(args[7]);

    List<Double> flat = new ArrayList<>();
    List<Long> shape = new ArrayList<>();
    flatten(values, flat, shape, 0);
    ByteBuffer raw =
        ByteBuffer.allocate(flat.size() * (datatype.equals("FP64") ? 8 : 4))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (double v : flat) {
      if (datatype.equals("FP64")) {
        raw.putDouble(v);
      } else {
        raw.putFloat((float) v);
      }
    }
    raw.flip();
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName(model)
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(args[3])
                    .setDatatype(datatype)
                    .addAllShape(shape))
            .addRawInputContents(ByteString.copyFrom(raw))
            .build();

    ManagedChannel channel =
        NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1]))
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    stub.modelInfer(request); // fails fast when the server refuses the request

    long warmEnd = System.nanoTime() + (long) (warm * 1e9);
    long end = warmEnd + (long) (seconds * 1e9);
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[concurrency][];
    int[] counts = new int[concurrency];
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int t = 0; t < concurrency; t++) {
      int me = t;
      Thread th =
          new Thread(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try {
                  for (long now = System.nanoTime(); now < end; ) {
                    long t0 = now;
                    boolean ok = true;
                    try {
                      stub.modelInfer(request);
                    } catch (RuntimeException e) {
                      ok = false;
                    }
                    now = System.nanoTime();
                    if (t0 >= warmEnd && now <= end) {
                      if (!ok) {
                        errors.incrementAndGet();
                      }
                      if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                      }
                      lat[n++] = now - t0;
                    }
                  }
                } finally {
                  latencies[me] = lat;
                  counts[me] = n;
                  done.countDown();
                }
              },
              "grpc-load-" + t);
      th.setDaemon(true);
      th.start();
    }
    done.await();
    channel.shutdownNow();
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    double sum = 0;
    for (int t = 0; t < concurrency; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    for (long l : all) {
      sum += l;
    }
    System.out.printf(
        Locale.ROOT,
        "{\"requests\":%d,\"duration_us\":%d,\"non2xx\":%d,\"socket_errors\":0,\"p50_us\":%d,"
            + "\"p90_us\":%d,\"p99_us\":%d,\"mean_us\":%.1f}%n",
        total,
        (long) (seconds * 1e6),
        errors.get(),
        pct(all, 50),
        pct(all, 90),
        pct(all, 99),
        total == 0 ? 0 : sum / total / 1000);
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1000;
  }

  private static void flatten(JsonNode n, List<Double> out, List<Long> shape, int depth) {
    if (n.isArray()) {
      if (shape.size() == depth) {
        shape.add((long) n.size());
      }
      for (JsonNode c : n) {
        flatten(c, out, shape, depth + 1);
      }
    } else {
      out.add(n.asDouble());
    }
  }
}
