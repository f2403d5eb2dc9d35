package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving defaults a project's gpux.yml sets, read by the server, not by the CLI. */
class ServerOptionsTest {
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();

  @AfterEach
  void close() {
    gpux.close();
  }

  private ServedModel model(String folder, String yml) throws Exception {
    Path p = Files.createDirectories(dir.resolve(folder));
    OnnxModels.addOne(p);
    Files.writeString(p.resolve("gpux.yml"), yml);
    return new ServedModel(folder, "1", gpux.load(p.toString(), RuntimeOptions.defaults()));
  }

  @Test
  void theFirstModelsServingSectionSetsAddressWorkersAndBatching() throws Exception {
    ServedModel first =
        model(
            "first",
            "name: first\nmodel: {source: ./add_one.onnx}\n"
                + "serving: {host: 0.0.0.0, port: 9123, max_workers: 3, batch_size: 8,"
                + " preferred_batch_size: [4, 8], max_queue_delay_microseconds: 100}\n");
    ServedModel second =
        model(
            "second",
            "name: second\nmodel: {source: ./add_one.onnx}\nserving: {port: 9999, max_workers: 7}\n");
    ServerOptions o = ServerOptions.forModels(List.of(first, second));
    assertEquals("0.0.0.0", o.host());
    assertEquals(9123, o.port());
    assertEquals(3, o.maxConcurrent());
    assertEquals(new ServerOptions.Batching(8, List.of(4, 8), 100), o.batching());
    ServerOptions d = ServerOptions.defaults();
    assertEquals(d.maxQueued(), o.maxQueued());
    assertEquals(d.maxConnections(), o.maxConnections());
  }

  @Test
  void withoutAServingSectionOrAModelTheBuiltInDefaultsHold() throws Exception {
    ServedModel plain = model("plain", "name: plain\nmodel: {source: ./add_one.onnx}\n");
    for (List<ServedModel> served : List.of(List.of(plain), List.<ServedModel>of())) {
      ServerOptions o = ServerOptions.forModels(served);
      assertEquals("127.0.0.1", o.host());
      assertEquals(8080, o.port());
      assertEquals(4, o.maxConcurrent());
      assertEquals(1, o.maxBatchSize(), "batching off");
      assertEquals(List.of(), o.batching().preferredSizes());
      assertEquals(2000, o.maxQueueDelayMicros(), "2 ms");
    }
  }
}
