package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What a request body occupies in Netty's buffers is given back once it is answered: many large
 * requests in a row leave the allocator's direct memory where one request's worth would. Isolated:
 * the allocator is the process's, and servers of other test classes would move its count.
 */
@Isolated
class RequestBuffersTest {
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private InferenceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(0);
    }
    gpux.close();
  }

  private static long nettyDirectBytes() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }

  @Test
  void requestBodiesAreFreedOnceAnswered() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    server =
        InferenceServer.start(
            List.of(
                new ServedModel(
                    "add-one",
                    "1",
                    gpux.load(
                        dir.resolve("add/add_one.onnx").toString(), RuntimeOptions.defaults()))),
            ServerOptions.defaults().withAddress("127.0.0.1", 0));
    assertTrue(server.awaitReady(30_000));
    // 256 KB of padding in a parameter the protocol lets clients add: the body is large, the
    // tensor tiny.
    String body =
        "{\"parameters\": {\"pad\": \""
            + "x".repeat(256 << 10)
            + "\"}, \"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"data\": [1, 2, 3, 4]}]}";
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long before = nettyDirectBytes();
    int requests = 200; // 50 MB of bodies in all
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/v2/models/add-one/infer"))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    long used = nettyDirectBytes() - before;
    assertTrue(
        used < 16L << 20,
        "after "
            + requests
            + " requests of 256 KB Netty still holds "
            + (used >> 20)
            + " MiB more of direct buffers: request bodies are not released");
  }
}
