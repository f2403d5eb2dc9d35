/**
 * The Open Inference Protocol over gRPC: Triton's {@code inference.GRPCInferenceService} (which
 * KServe's {@code grpc_predict_v2.proto} shares), generated at build time from {@code
 * src/main/proto}, served with grpc-java on its own port beside HTTP ({@code gpux serve
 * --grpc-port}).
 *
 * <p>It is a second front end over the same {@link io.gpux.server.Backend}: a gRPC request is
 * admitted by the same memory budget and slots, batched with HTTP requests by the same dynamic
 * batcher, counted in the same metrics, and fails with the message HTTP gives, under the gRPC
 * status code for HTTP's status. Every size in a request (shape against raw bytes, counts of typed
 * values) is checked with exact arithmetic before a tensor is allocated, and a message is counted
 * against the memory budget before it is parsed.
 */
package io.gpux.server.grpc;
