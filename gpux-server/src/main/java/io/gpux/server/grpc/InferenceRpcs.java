package io.gpux.server.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService.InferStatistics;
import inference.GrpcService.ModelMetadataRequest;
import inference.GrpcService.ModelMetadataResponse;
import inference.GrpcService.ModelMetadataResponse.TensorMetadata;
import inference.GrpcService.ModelReadyRequest;
import inference.GrpcService.ModelReadyResponse;
import inference.GrpcService.ModelStatistics;
import inference.GrpcService.ModelStatisticsRequest;
import inference.GrpcService.ModelStatisticsResponse;
import inference.GrpcService.RepositoryIndexRequest;
import inference.GrpcService.RepositoryIndexResponse;
import inference.GrpcService.RepositoryModelLoadRequest;
import inference.GrpcService.RepositoryModelLoadResponse;
import inference.GrpcService.RepositoryModelUnloadRequest;
import inference.GrpcService.RepositoryModelUnloadResponse;
import inference.GrpcService.ServerLiveRequest;
import inference.GrpcService.ServerLiveResponse;
import inference.GrpcService.ServerMetadataRequest;
import inference.GrpcService.ServerMetadataResponse;
import inference.GrpcService.ServerReadyRequest;
import inference.GrpcService.ServerReadyResponse;
import inference.GrpcService.StatisticDuration;
import inference.ModelConfigOuterClass.DataType;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelInput;
import inference.ModelConfigOuterClass.ModelOutput;
import io.gpux.Gpux;
import io.gpux.server.Backend;
import io.gpux.server.ServedModel;
import io.gpux.tensor.TensorSignature;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Every RPC but ModelInfer ({@link ModelInferCall}): health, metadata, the model configuration,
 * statistics and the model repository, answered from the same state as their HTTP routes. The
 * shared-memory, trace, logging and streaming RPCs are left UNIMPLEMENTED.
 */
final class InferenceRpcs extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private final Backend backend;
  private final Executor control;

  /** {@code control} runs model loading and unloading, which block; the rest answers inline. */
  InferenceRpcs(Backend backend, Executor control) {
    this.backend = backend;
    this.control = control;
  }

  private <T> void answerLater(StreamObserver<T> out, Supplier<T> body) {
    try {
      control.execute(() -> answer(out, body));
    } catch (RejectedExecutionException e) {
      out.onError(
          io.grpc.Status.UNAVAILABLE
              .withDescription("the server is shutting down")
              .asRuntimeException());
    }
  }

  private static <T> void answer(StreamObserver<T> out, Supplier<T> body) {
    T response;
    try {
      response = body.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.of(e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  @Override
  public void serverLive(ServerLiveRequest r, StreamObserver<ServerLiveResponse> out) {
    answer(out, () -> ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest r, StreamObserver<ServerReadyResponse> out) {
    answer(out, () -> ServerReadyResponse.newBuilder().setReady(backend.ready()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> out) {
    answer(
        out,
        () -> {
          backend.model(r.getName(), r.getVersion()); // unknown: NOT_FOUND, as HTTP's 404
          return ModelReadyResponse.newBuilder().setReady(backend.ready()).build();
        });
  }

  @Override
  public void serverMetadata(ServerMetadataRequest r, StreamObserver<ServerMetadataResponse> out) {
    answer(
        out,
        () ->
            ServerMetadataResponse.newBuilder()
                .setName("gpux")
                .setVersion(Gpux.version())
                .addExtensions("model_configuration")
                .addExtensions("statistics")
                .addExtensions("model_repository")
                .build());
  }

  @Override
  public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> out) {
    answer(
        out,
        () -> {
          ServedModel m = backend.model(r.getName(), r.getVersion());
          ModelMetadataResponse.Builder b =
              ModelMetadataResponse.newBuilder()
                  .setName(m.name())
                  .addVersions(m.version())
                  .setPlatform("onnxruntime_onnx");
          m.model().inputs().forEach(s -> b.addInputs(metadata(s)));
          m.model().outputs().forEach(s -> b.addOutputs(metadata(s)));
          return b.build();
        });
  }

  private static TensorMetadata metadata(TensorSignature s) {
    TensorMetadata.Builder t =
        TensorMetadata.newBuilder().setName(s.name()).setDatatype(Backend.datatype(s.type()));
    if (s.shape() != null) {
      s.shape().forEach(t::addShape);
    }
    return t.build();
  }

  /**
   * Triton's model configuration, as far as an ONNX model has one: its tensors with their types and
   * dimensions (-1 for a dynamic one), no batch dimension split off (max_batch_size 0).
   */
  @Override
  public void modelConfig(
      inference.GrpcService.ModelConfigRequest r,
      StreamObserver<inference.GrpcService.ModelConfigResponse> out) {
    answer(
        out,
        () -> {
          ServedModel m = backend.model(r.getName(), r.getVersion());
          ModelConfig.Builder c =
              ModelConfig.newBuilder()
                  .setName(m.name())
                  .setPlatform("onnxruntime_onnx")
                  .setBackend("onnxruntime");
          for (TensorSignature s : m.model().inputs()) {
            c.addInput(
                ModelInput.newBuilder()
                    .setName(s.name())
                    .setDataType(dataType(s))
                    .addAllDims(s.shape() == null ? List.of() : s.shape()));
          }
          for (TensorSignature s : m.model().outputs()) {
            c.addOutput(
                ModelOutput.newBuilder()
                    .setName(s.name())
                    .setDataType(dataType(s))
                    .addAllDims(s.shape() == null ? List.of() : s.shape()));
          }
          return inference.GrpcService.ModelConfigResponse.newBuilder().setConfig(c).build();
        });
  }

  private static DataType dataType(TensorSignature s) {
    if (s.type() == null) {
      return DataType.TYPE_INVALID;
    }
    String d = Backend.datatype(s.type());
    return DataType.valueOf("TYPE_" + (d.equals("BYTES") ? "STRING" : d));
  }

  /**
   * The statistics extension: every model when no name is given, every version of a model when no
   * version is.
   */
  @Override
  public void modelStatistics(
      ModelStatisticsRequest r, StreamObserver<ModelStatisticsResponse> out) {
    answer(
        out,
        () -> {
          List<ServedModel> which =
              r.getName().isEmpty()
                  ? backend.models()
                  : r.getVersion().isEmpty()
                      ? backend.versions(r.getName())
                      : List.of(backend.model(r.getName(), r.getVersion()));
          ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
          backend.statistics(which).forEach(s -> b.addModelStats(statistics(s)));
          return b.build();
        });
  }

  /** Triton's JSON statistics (the HTTP answer) field by field into their message. */
  private static ModelStatistics statistics(JsonNode s) {
    JsonNode i = s.path("inference_stats");
    return ModelStatistics.newBuilder()
        .setName(s.path("name").asText())
        .setVersion(s.path("version").asText())
        .setLastInference(s.path("last_inference").asLong())
        .setInferenceCount(s.path("inference_count").asLong())
        .setExecutionCount(s.path("execution_count").asLong())
        .setInferenceStats(
            InferStatistics.newBuilder()
                .setSuccess(duration(i, "success"))
                .setFail(duration(i, "fail"))
                .setQueue(duration(i, "queue"))
                .setComputeInput(duration(i, "compute_input"))
                .setComputeInfer(duration(i, "compute_infer"))
                .setComputeOutput(duration(i, "compute_output"))
                .setCacheHit(duration(i, "cache_hit"))
                .setCacheMiss(duration(i, "cache_miss")))
        .build();
  }

  private static StatisticDuration duration(JsonNode stats, String name) {
    JsonNode d = stats.path(name);
    return StatisticDuration.newBuilder()
        .setCount(d.path("count").asLong())
        .setNs(d.path("ns").asLong())
        .build();
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest r, StreamObserver<RepositoryIndexResponse> out) {
    answer(
        out,
        () -> {
          RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
          for (JsonNode m : backend.repositoryIndex()) {
            if (r.getReady() && !m.path("state").asText().equals("READY")) {
              continue;
            }
            b.addModels(
                RepositoryIndexResponse.ModelIndex.newBuilder()
                    .setName(m.path("name").asText())
                    .setVersion(m.path("version").asText(""))
                    .setState(m.path("state").asText())
                    .setReason(m.path("reason").asText("")));
          }
          return b.build();
        });
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest r, StreamObserver<RepositoryModelLoadResponse> out) {
    answerLater(
        out,
        () -> {
          backend.load(r.getModelName());
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest r, StreamObserver<RepositoryModelUnloadResponse> out) {
    answerLater(
        out,
        () -> {
          backend.unload(r.getModelName());
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }
}
