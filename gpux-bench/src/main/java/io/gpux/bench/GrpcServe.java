package io.gpux.bench;

import io.gpux.Gpux;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.server.InferenceServer;
import io.gpux.server.ServedModel;
import io.gpux.server.ServerOptions;
import io.gpux.server.grpc.GrpcOptions;
import io.gpux.server.grpc.GrpcServer;
import java.util.List;

/**
 * Serves one model over HTTP and gRPC with the server's own classes, for bench/serve.sh when the
 * {@code gpux serve} it measures has no {@code --grpc-port} yet (the gRPC front end landed before
 * its command-line switch). Same defaults as {@code gpux serve MODEL}: {@code
 * ServerOptions.forModels}.
 *
 * <pre>java ... GrpcServe MODEL_DIR HTTP_PORT GRPC_PORT</pre>
 */
public final class GrpcServe {
  private GrpcServe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: GrpcServe MODEL_DIR HTTP_PORT GRPC_PORT");
      System.exit(2);
    }
    Gpux gpux = Gpux.open();
    InferenceModel m = gpux.load(args[0], RuntimeOptions.defaults());
    List<ServedModel> served =
        List.of(new ServedModel(m.project().name(), m.project().config().version(), m));
    InferenceServer http =
        InferenceServer.start(
            served,
            ServerOptions.forModels(served).withAddress("127.0.0.1", Integer.parseInt(args[1])));
    GrpcServer grpc =
        GrpcServer.start(http, GrpcOptions.plaintext("127.0.0.1", Integer.parseInt(args[2])));
    http.awaitReady(120_000);
    System.out.println("serving on http " + http.port() + " and grpc " + grpc.port());
    Thread.currentThread().join();
  }
}
