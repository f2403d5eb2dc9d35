package io.gpux.server.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcService.InferTensorContents;
import inference.GrpcService.ModelConfigRequest;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferRequest.InferInputTensor;
import inference.GrpcService.ModelInferRequest.InferRequestedOutputTensor;
import inference.GrpcService.ModelInferResponse;
import inference.GrpcService.ModelMetadataRequest;
import inference.GrpcService.ModelReadyRequest;
import inference.GrpcService.ModelStatisticsRequest;
import inference.GrpcService.RepositoryIndexRequest;
import inference.GrpcService.RepositoryModelUnloadRequest;
import inference.GrpcService.ServerLiveRequest;
import inference.GrpcService.ServerMetadataRequest;
import inference.GrpcService.ServerReadyRequest;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.server.Backend;
import io.gpux.server.InferenceServer;
import io.gpux.server.ServedModel;
import io.gpux.server.ServerOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PrometheusSamples;
import io.gpux.testing.SelfSigned;
import io.gpux.testing.TokenizerFiles;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A live server with its gRPC front end on free loopback ports, called with grpc-java's stubs. */
class GrpcServerTest {
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private InferenceServer http;
  private GrpcServer grpc;
  private Backend backend;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    Path add = OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    Path ids = OnnxModels.tokenIdsModel(Files.createDirectories(dir.resolve("ids")));
    TokenizerFiles.wordPiece(dir.resolve("ids/tokenizer.json"), List.of("hello", "world"));
    Path types = OnnxModels.multiDtype(Files.createDirectories(dir.resolve("types")));
    serve(
        ServerOptions.defaults().withAddress("127.0.0.1", 0),
        GrpcOptions.plaintext("127.0.0.1", 0),
        new ServedModel("add-one", "1", load(add)),
        new ServedModel("acme/digits", "1", load(add)),
        new ServedModel("ids", "1", load(ids)),
        new ServedModel("types", "1", load(types)));
  }

  private io.gpux.inference.InferenceModel load(Path p) {
    return gpux.load(p.toString(), RuntimeOptions.defaults());
  }

  private void serve(ServerOptions options, GrpcOptions grpcOptions, ServedModel... models)
      throws Exception {
    http = InferenceServer.start(List.of(models), options);
    grpc =
        http.attach(
            b -> {
              backend = b;
              return GrpcServer.start(b, grpcOptions);
            });
    assertTrue(http.awaitReady(30_000));
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel(grpc.port()));
  }

  private ManagedChannel channel(int port) {
    ManagedChannel c =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .maxInboundMessageSize(64 << 20)
            .build();
    channels.add(c);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    http.close(0);
    gpux.close();
  }

  private static ByteString floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return ByteString.copyFrom(b.array());
  }

  private static float[] floats(ByteString raw) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static long[] longs(ByteString raw) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[b.remaining() / 8];
    b.asLongBuffer().get(out);
    return out;
  }

  private static InferInputTensor.Builder input(String name, String datatype, long... shape) {
    InferInputTensor.Builder b = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long d : shape) {
      b.addShape(d);
    }
    return b;
  }

  private static ModelInferRequest addOne(String model, ByteString raw, long... shape) {
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(input("x", "FP32", shape))
        .addRawInputContents(raw)
        .build();
  }

  private static StatusRuntimeException fails(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return e;
  }

  private String httpGet(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void healthAndMetadataRpcsAnswerFromTheServedModels() {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertTrue(
        stub.modelReady(ModelReadyRequest.newBuilder().setName("add-one").build()).getReady());
    var server = stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertEquals("gpux", server.getName());
    assertTrue(server.getExtensionsList().contains("model_repository"), server.toString());
    var meta = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("add-one").build());
    assertEquals("add-one", meta.getName());
    assertEquals(List.of("1"), meta.getVersionsList());
    assertEquals("x", meta.getInputs(0).getName());
    assertEquals("FP32", meta.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 4L), meta.getInputs(0).getShapeList());
    assertEquals("y", meta.getOutputs(0).getName());
    var config = stub.modelConfig(ModelConfigRequest.newBuilder().setName("ids").build());
    assertEquals("onnxruntime_onnx", config.getConfig().getPlatform());
    assertEquals("TYPE_INT64", config.getConfig().getInput(0).getDataType().name());
    fails(
        Status.Code.NOT_FOUND,
        () -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()));
  }

  @Test
  void modelInferTakesAndGivesRawTensors() {
    ModelInferResponse r =
        stub.modelInfer(
            addOne("add-one", floats(0, 1, 2, 3, 4, 5, 6, 7), 2, 4).toBuilder()
                .setId("req-7")
                .build());
    assertEquals("add-one", r.getModelName());
    assertEquals("1", r.getModelVersion());
    assertEquals("req-7", r.getId());
    assertEquals("y", r.getOutputs(0).getName());
    assertEquals("FP32", r.getOutputs(0).getDatatype());
    assertEquals(List.of(2L, 4L), r.getOutputs(0).getShapeList());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, floats(r.getRawOutputContents(0)));
  }

  @Test
  void modelInferTakesTypedContentsOfEveryDatatype() {
    ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName("types");
    b.addInputs(
        input("float32", "FP32", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addFp32Contents(1.5f).addFp32Contents(-2)));
    b.addInputs(
        input("float64", "FP64", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addFp64Contents(0.25).addFp64Contents(9)));
    b.addInputs(
        input("int32", "INT32", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addIntContents(-7).addIntContents(70000)));
    b.addInputs(
        input("int64", "INT64", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addInt64Contents(1L << 40).addInt64Contents(-1)));
    b.addInputs(
        input("int8", "INT8", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addIntContents(-128).addIntContents(127)));
    b.addInputs(
        input("uint8", "UINT8", 1, 2)
            .setContents(InferTensorContents.newBuilder().addUintContents(0).addUintContents(255)));
    b.addInputs(
        input("bool", "BOOL", 1, 2)
            .setContents(
                InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)));
    ModelInferResponse r = stub.modelInfer(b.build());
    java.util.Map<String, Integer> at = new java.util.HashMap<>();
    for (int i = 0; i < r.getOutputsCount(); i++) {
      at.put(r.getOutputs(i).getName(), i);
    }
    ByteBuffer f32 = r.getRawOutputContents(at.get("float32_out")).asReadOnlyByteBuffer();
    f32.order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1.5f, f32.getFloat(0));
    assertEquals(-2f, f32.getFloat(4));
    assertEquals("FP64", r.getOutputs(at.get("float64_out")).getDatatype());
    ByteBuffer i32 =
        r.getRawOutputContents(at.get("int32_out"))
            .asReadOnlyByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(70000, i32.getInt(4));
    assertArrayEquals(
        new long[] {1L << 40, -1}, longs(r.getRawOutputContents(at.get("int64_out"))));
    assertArrayEquals(
        new byte[] {-128, 127}, r.getRawOutputContents(at.get("int8_out")).toByteArray());
    assertArrayEquals(
        new byte[] {0, (byte) 255}, r.getRawOutputContents(at.get("uint8_out")).toByteArray());
    assertArrayEquals(new byte[] {1, 0}, r.getRawOutputContents(at.get("bool_out")).toByteArray());
    assertEquals("BOOL", r.getOutputs(at.get("bool_out")).getDatatype());
  }

  @Test
  void bytesTextIsTokenizedOnTheServerInBothForms() {
    ModelInferRequest typed =
        ModelInferRequest.newBuilder()
            .setModelName("ids")
            .addInputs(
                input("input_ids", "BYTES", 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFromUtf8("hello world"))
                            .addBytesContents(ByteString.copyFromUtf8("hello"))))
            .addOutputs(InferRequestedOutputTensor.newBuilder().setName("masked"))
            .build();
    ModelInferResponse r = stub.modelInfer(typed);
    assertEquals(1, r.getOutputsCount(), "only the output asked for");
    assertEquals(List.of(2L, 4L), r.getOutputs(0).getShapeList());
    assertArrayEquals(new long[] {2, 4, 5, 3, 2, 4, 3, 0}, longs(r.getRawOutputContents(0)));
    ByteBuffer raw = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    for (String s : new String[] {"hello world", "hello"}) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      raw.putInt(bytes.length).put(bytes);
    }
    raw.flip();
    ModelInferRequest binary =
        ModelInferRequest.newBuilder()
            .setModelName("ids")
            .addInputs(input("input_ids", "BYTES", 2))
            .addRawInputContents(ByteString.copyFrom(raw))
            .addOutputs(InferRequestedOutputTensor.newBuilder().setName("masked"))
            .build();
    assertEquals(r.getRawOutputContents(0), stub.modelInfer(binary).getRawOutputContents(0));
  }

  @Test
  void namesWithASlashAnswerAsTheyAreAndAsTheirAlias() {
    for (String name : List.of("acme/digits", "acme--digits")) {
      ModelInferResponse r = stub.modelInfer(addOne(name, floats(1, 1, 1, 1), 1, 4));
      assertEquals("acme/digits", r.getModelName());
      assertArrayEquals(new float[] {2, 2, 2, 2}, floats(r.getRawOutputContents(0)));
    }
  }

  @Test
  void failedCallsAreToldToTheFailedRequestLogWithModelCodeAndRequestId() throws Exception {
    List<io.gpux.server.FailedRequest> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    http.onFailedRequest(failed::add);
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("x-request-id", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "g-1");
    var tagged =
        stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    assertEquals(
        1,
        stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4)).getRawOutputContentsCount());
    fails(Status.Code.NOT_FOUND, () -> tagged.modelInfer(addOne("nope", floats(1), 1, 1)));
    fails(
        Status.Code.NOT_FOUND,
        () -> stub.modelReady(ModelReadyRequest.newBuilder().setName("ghost").build()));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (failed.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(2, failed.size(), "the failed calls only: " + failed);
    var infer = failed.get(0);
    assertEquals("/inference.GRPCInferenceService/ModelInfer", infer.path());
    assertEquals("nope", infer.model());
    assertEquals(404, infer.status());
    assertEquals("NOT_FOUND", infer.grpcCode());
    assertEquals("g-1", infer.requestId());
    assertTrue(infer.error().startsWith("no model named 'nope'"), infer.error());
    assertEquals("ghost", failed.get(1).model());
    assertEquals("/inference.GRPCInferenceService/ModelReady", failed.get(1).path());
  }

  @Test
  void badRequestsGetTheirStatusCodeAndTheHttpMessage() {
    var missing =
        fails(Status.Code.NOT_FOUND, () -> stub.modelInfer(addOne("nope", floats(1), 1, 1)));
    assertTrue(
        missing.getStatus().getDescription().startsWith("no model named 'nope'; this server has"),
        missing.getStatus().toString());
    var dtype =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("add-one")
                        .addInputs(input("x", "FLOAT99", 1, 4))
                        .addRawInputContents(floats(1, 2, 3, 4))
                        .build()));
    assertEquals(
        "input 'x' has datatype 'FLOAT99', which the Open Inference Protocol does not define;"
            + " the model takes FP32",
        dtype.getStatus().getDescription());
    var wrongType =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("add-one")
                        .addInputs(input("x", "FP64", 1, 4))
                        .addRawInputContents(ByteString.copyFrom(new byte[32]))
                        .build()));
    assertEquals(
        "input 'x' is FP64 but the model takes FP32", wrongType.getStatus().getDescription());
    var rank =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4, 5, 6), 1, 2, 3)));
    assertTrue(
        rank.getStatus().getDescription().contains("rank"), rank.getStatus().getDescription());
    var noInput =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("add-one")
                        .addInputs(input("z", "FP32", 1, 4))
                        .addRawInputContents(floats(1, 2, 3, 4))
                        .build()));
    assertEquals(
        "the model has no input named 'z'; it has [x]", noInput.getStatus().getDescription());
    var output =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    addOne("add-one", floats(1, 2, 3, 4), 1, 4).toBuilder()
                        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("q"))
                        .build()));
    assertEquals(
        "the model has no output named 'q'; it has [y]", output.getStatus().getDescription());
    var unload =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("add-one").build()));
    assertTrue(
        unload.getStatus().getDescription().contains("--model-control explicit"),
        unload.getStatus().getDescription());
  }

  @Test
  void hostileSizesAreRefusedBeforeAnythingIsAllocated() {
    // A shape of 2^30 x 4 floats (16 GiB) with 32 bytes of data: refused by arithmetic alone.
    var huge =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4, 5, 6, 7, 8), 1L << 30, 4)));
    assertEquals(
        "input 'x' has 32 bytes in raw_input_contents; FP32[1073741824, 4] needs 17179869184",
        huge.getStatus().getDescription());
    var overflow =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.modelInfer(addOne("add-one", floats(1), 1L << 40, 1L << 40)));
    assertTrue(
        overflow.getStatus().getDescription().contains("more elements than any request can hold"),
        overflow.getStatus().getDescription());
    var mismatch =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3), 1, 4)));
    assertEquals(
        "input 'x' has 12 bytes in raw_input_contents; FP32[1, 4] needs 16",
        mismatch.getStatus().getDescription());
    var negative =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), -1, 4)));
    assertTrue(
        negative.getStatus().getDescription().contains("negative dimension (-1)"),
        negative.getStatus().getDescription());
    var typed =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("add-one")
                        .addInputs(
                            input("x", "FP32", 1L << 28, 4)
                                .setContents(InferTensorContents.newBuilder().addFp32Contents(1)))
                        .build()));
    assertEquals(
        "input 'x' has 1 values in contents.fp32_contents but its shape [268435456, 4] needs"
            + " 1073741824",
        typed.getStatus().getDescription());
    var rawCount =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    addOne("add-one", floats(1, 2, 3, 4), 1, 4).toBuilder()
                        .addRawInputContents(floats(1))
                        .build()));
    assertTrue(
        rawCount.getStatus().getDescription().contains("2 raw_input_contents for 1 inputs"),
        rawCount.getStatus().getDescription());
    var range =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("types")
                        .addInputs(
                            input("int8", "INT8", 1, 2)
                                .setContents(
                                    InferTensorContents.newBuilder()
                                        .addIntContents(1)
                                        .addIntContents(300)))
                        .build()));
    assertEquals(
        "input 'int8' holds 300 at element 1, outside INT8's range -128..127",
        range.getStatus().getDescription());
    var strings =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("ids")
                        .addInputs(input("input_ids", "BYTES", 1))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {-1, -1, -1, 127, 1}))
                        .build()));
    assertEquals(
        "input 'input_ids': a BYTES element claims 2147483647 bytes",
        strings.getStatus().getDescription());
  }

  @Test
  void messagesOverTheBodyLimitAreRefusedByTheirLengthPrefix() throws Exception {
    http.close(0);
    serve(
        ServerOptions.defaults().withAddress("127.0.0.1", 0).withLimits(2, 2, 1 << 16),
        GrpcOptions.plaintext("127.0.0.1", 0),
        new ServedModel("add-one", "1", load(dir.resolve("add/add_one.onnx"))));
    var e =
        fails(
            Status.Code.RESOURCE_EXHAUSTED,
            () -> stub.modelInfer(addOne("add-one", floats(new float[1 << 15]), 1 << 13, 4)));
    assertTrue(
        e.getStatus().getDescription().contains("exceeds maximum size 65536"),
        e.getStatus().toString());
    assertArrayEquals(
        new float[] {2, 3, 4, 5},
        floats(
            stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4)).getRawOutputContents(0)),
        "the server still answers");
  }

  @Test
  void admissionIsSharedWithHttp() throws Exception {
    // The budget taken whole (as by HTTP requests in flight): a gRPC request is refused unparsed.
    assertTrue(backend.reserve(backend.budget()));
    try {
      var e =
          fails(
              Status.Code.RESOURCE_EXHAUSTED,
              () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4)));
      assertTrue(
          e.getStatus().getDescription().startsWith("the server is at capacity ("),
          e.getStatus().toString());
    } finally {
      backend.release(backend.budget());
    }
    // Every slot taken: refused too, and counted as HTTP's refusals are.
    int taken = 0;
    while (backend.trySlot()) {
      taken++;
    }
    try {
      fails(
          Status.Code.RESOURCE_EXHAUSTED,
          () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4)));
    } finally {
      for (int i = 0; i < taken; i++) {
        backend.releaseSlot();
      }
    }
    assertEquals(backend.slots(), taken, "the slots HTTP requests take too");
    String metrics = httpGet("/metrics");
    assertEquals(
        2, PrometheusSamples.parse(metrics).value("gpux_server_rejected_requests_total"), metrics);
    assertArrayEquals(
        new float[] {2, 3, 4, 5},
        floats(
            stub.modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4)).getRawOutputContents(0)),
        "everything released: answered again");
  }

  @Test
  void metricsAndStatisticsCountGrpcRequestsWithHttpOnes() throws Exception {
    stub.modelInfer(addOne("add-one", floats(0, 0, 0, 0, 0, 0, 0, 0), 2, 4));
    fails(
        Status.Code.INVALID_ARGUMENT,
        () -> stub.modelInfer(addOne("add-one", floats(1, 2, 3), 1, 4)));
    String metrics = httpGet("/metrics");
    for (String outcome : List.of("success", "failure")) {
      assertEquals(
          1,
          PrometheusSamples.parse(metrics)
              .value(
                  "gpux_inference_requests_total",
                  "model",
                  "add-one",
                  "version",
                  "1",
                  "outcome",
                  outcome),
          metrics);
    }
    var stats =
        stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("add-one").build())
            .getModelStats(0);
    assertEquals("add-one", stats.getName());
    assertEquals(2, stats.getInferenceCount(), "one request of two rows: " + stats);
    assertEquals(1, stats.getExecutionCount());
    assertEquals(1, stats.getInferenceStats().getSuccess().getCount());
    assertEquals(1, stats.getInferenceStats().getFail().getCount());
    assertTrue(stats.getInferenceStats().getComputeInfer().getNs() > 0);
    assertEquals(
        4, stub.modelStatistics(ModelStatisticsRequest.getDefaultInstance()).getModelStatsCount());
    var index = stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
    assertEquals(4, index.getModelsCount());
    assertEquals("READY", index.getModels(0).getState());
  }

  @Test
  void batchedModelsTakeGrpcRequestsInTheirBatches() throws Exception {
    http.close(0);
    serve(
        ServerOptions.defaults().withAddress("127.0.0.1", 0).withBatching(8, 1000),
        GrpcOptions.plaintext("127.0.0.1", 0),
        new ServedModel("add-one", "1", load(dir.resolve("add/add_one.onnx"))));
    assertTrue(http.batching("add-one"));
    var async = GRPCInferenceServiceGrpc.newFutureStub(channel(grpc.port()));
    List<com.google.common.util.concurrent.ListenableFuture<ModelInferResponse>> calls =
        new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      calls.add(async.modelInfer(addOne("add-one", floats(i, i, i, i), 1, 4)));
    }
    for (int i = 0; i < 16; i++) {
      assertArrayEquals(
          new float[] {i + 1, i + 1, i + 1, i + 1},
          floats(calls.get(i).get(30, TimeUnit.SECONDS).getRawOutputContents(0)),
          "each request gets its own rows back");
    }
    String metrics = httpGet("/metrics");
    assertEquals(
        16,
        PrometheusSamples.parse(metrics)
            .value("gpux_inference_batch_size_sum", "model", "add-one", "version", "1"),
        "the batcher ran all 16 rows\n" + metrics);
  }

  @Test
  void httpAndGrpcRequestsShareOneBatch() throws Exception {
    http.close(0);
    // Eight rows at most and an hour of queue delay: the batch runs once it holds 8 rows, so a
    // single run formed means the 4 HTTP and the 4 gRPC requests were joined into it.
    serve(
        ServerOptions.defaults()
            .withAddress("127.0.0.1", 0)
            .withBatching(new ServerOptions.Batching(8, List.of(), 3_600_000_000L)),
        GrpcOptions.plaintext("127.0.0.1", 0),
        new ServedModel("add-one", "1", load(dir.resolve("add/add_one.onnx"))));
    var async = GRPCInferenceServiceGrpc.newFutureStub(channel(grpc.port()));
    HttpClient client = HttpClient.newHttpClient();
    List<com.google.common.util.concurrent.ListenableFuture<ModelInferResponse>> overGrpc =
        new ArrayList<>();
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> overHttp = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      overGrpc.add(async.modelInfer(addOne("add-one", floats(i, i, i, i), 1, 4)));
      int v = 10 + i;
      overHttp.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/predict"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"x\": [[" + v + ", " + v + ", " + v + ", " + v + "]]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(
          new float[] {i + 1, i + 1, i + 1, i + 1},
          floats(overGrpc.get(i).get(60, TimeUnit.SECONDS).getRawOutputContents(0)));
      HttpResponse<String> r = overHttp.get(i).get(60, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      float w = 11 + i;
      assertEquals("{\"y\":[[" + w + "," + w + "," + w + "," + w + "]]}", r.body());
    }
    PrometheusSamples m = PrometheusSamples.parse(httpGet("/metrics"));
    assertEquals(1, m.value("gpux_inference_batch_size_count", "model", "add-one", "version", "1"));
    assertEquals(8, m.value("gpux_inference_batch_size_sum", "model", "add-one", "version", "1"));
  }

  @Test
  void tlsServesWithTheGivenKeyPair() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    SelfSigned.create(dir, "key.pem", "cert.pem", "/CN=localhost", "subjectAltName=IP:127.0.0.1");
    http.close(0);
    serve(
        ServerOptions.defaults().withAddress("127.0.0.1", 0),
        GrpcOptions.plaintext("127.0.0.1", 0).withTls(cert, key),
        new ServedModel("add-one", "1", load(dir.resolve("add/add_one.onnx"))));
    ManagedChannel tls =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                grpc.port(),
                TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build())
            .build();
    channels.add(tls);
    var secure = GRPCInferenceServiceGrpc.newBlockingStub(tls);
    assertArrayEquals(
        new float[] {2, 3, 4, 5},
        floats(
            secure
                .modelInfer(addOne("add-one", floats(1, 2, 3, 4), 1, 4))
                .getRawOutputContents(0)));
    fails(Status.Code.UNAVAILABLE, () -> stub.serverLive(ServerLiveRequest.getDefaultInstance()));
  }

  @Test
  void closingTheServerStopsGrpcToo() throws Exception {
    assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(http.close(5), "every run ended");
    fails(Status.Code.UNAVAILABLE, () -> stub.serverLive(ServerLiveRequest.getDefaultInstance()));
    assertFalse(backend.ready());
  }
}
