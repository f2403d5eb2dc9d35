package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.SelfSigned;
import io.gpux.testing.TokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official gRPC clients of the Open Inference Protocol, tritonclient.grpc and KServe's
 * InferenceGRPCClient, against {@code gpux serve --grpc-port 0} run as a user runs it (a child
 * process), which then stops on SIGTERM with HTTP and gRPC drained together.
 */
class GrpcClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ADDED = "[[1.0,2.0,3.0,4.0],[5.0,6.0,7.0,8.0]]";
  @TempDir Path dir;
  private final List<ServeProcess> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ServeProcess s : servers) {
      s.close();
    }
  }

  private ServeProcess serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--grpc-port", "0"));
    all.addAll(List.of(args));
    ServeProcess s =
        ServeProcess.start(dir, Map.of("GPUX_HOME", dir.resolve("home").toString()), all);
    servers.add(s);
    return s;
  }

  private Path project(String name, Path model) throws Exception {
    Files.writeString(
        model.getParent().resolve("gpux.yml"),
        "name: " + name + "\nmodel: {source: ./" + model.getFileName() + "}\n");
    return model.getParent();
  }

  /** SIGTERM: both front ends drain, the process exits 0. */
  private void terminate(ServeProcess s) throws Exception {
    s.terminateAndExpectCleanExit();
  }

  @Test
  void tritonGrpcClientInfersWithRawAndTypedTensorsTextAndSeveralDtypes() throws Exception {
    PythonEnv.python("triton-grpc");
    Path add = project("add-one", OnnxModels.addOne(Files.createDirectories(dir.resolve("add"))));
    Path ids =
        project("ids", OnnxModels.tokenIdsModel(Files.createDirectories(dir.resolve("ids"))));
    TokenizerFiles.wordPiece(ids.resolve("tokenizer.json"), List.of("hello", "world"));
    Path types =
        project("types", OnnxModels.multiDtype(Files.createDirectories(dir.resolve("types"))));
    Path two = project("two", OnnxModels.addOne(Files.createDirectories(dir.resolve("two"))));
    ServeProcess s = serve(add.toString(), ids.toString(), types.toString());
    ServeProcess explicit = serve("--model-control", "explicit");
    Path out = dir.resolve("report.json");
    PythonEnv.run(
        "triton-grpc",
        "oip_grpc_client_check.py",
        List.of(
            "--url", "127.0.0.1:" + s.grpcPort,
            "--model", "add-one",
            "--input", "x",
            "--shape", "2,4",
            "--out", out.toString(),
            "--text-model", "ids",
            "--text-input", "input_ids",
            "--types-model", "types",
            "--explicit-url", "127.0.0.1:" + explicit.grpcPort,
            "--explicit-load", two.toString(),
            "--explicit-name", "two"));
    JsonNode r = MAPPER.readTree(out.toFile());
    assertTrue(
        r.get("live").asBoolean() && r.get("ready").asBoolean() && r.get("model_ready").asBoolean(),
        r.toString());
    assertEquals("gpux", r.get("server_metadata").get("name").asText());
    assertEquals("FP32", r.get("metadata").get("inputs").get(0).get("datatype").asText());
    assertEquals("onnxruntime_onnx", r.get("config").get("config").get("platform").asText());
    assertEquals(ADDED, r.get("outputs").get("y").toString(), "raw tensors both ways");
    assertEquals("grpc-1", r.get("response_id").asText());
    assertEquals(ADDED, r.get("typed_outputs").get("y").toString(), "typed contents");
    JsonNode sent = r.get("dtypes_sent");
    for (String type : OnnxModels.MULTI_DTYPE_TYPES) {
      assertEquals(
          sent.get(type).toString(),
          r.get("dtypes").get(type + "_out").get("data").toString(),
          type + " round-trips: " + r.get("dtypes"));
    }
    assertEquals("INT8", r.get("dtypes").get("int8_out").get("datatype").asText());
    assertEquals("[[2,4,5,3],[2,4,3,0]]", r.get("text_masked").toString(), "BYTES text");
    JsonNode stats = r.get("statistics").get("model_stats").get(0);
    assertEquals("add-one", stats.get("name").asText());
    assertEquals("4", stats.get("inference_count").asText(), "two requests of two rows: " + stats);
    assertEquals("READY", r.get("repository_index").get("models").get(0).get("state").asText());
    assertEquals("StatusCode.NOT_FOUND", r.get("missing_model_error").get("status").asText());
    assertTrue(
        r.get("missing_model_error")
            .get("message")
            .asText()
            .contains("no model named 'no-such-model'"),
        r.get("missing_model_error").toString());
    assertEquals("StatusCode.INVALID_ARGUMENT", r.get("wrong_dtype_error").get("status").asText());
    assertTrue(
        r.get("wrong_dtype_error")
            .get("message")
            .asText()
            .contains("input 'x' is FP64 but the model takes FP32"),
        r.get("wrong_dtype_error").toString());
    assertTrue(
        r.get("unload_error").get("message").asText().contains("--model-control explicit"),
        r.get("unload_error").toString());
    assertTrue(r.get("explicit_loaded_ready").asBoolean(), r.toString());
    assertEquals(ADDED, r.get("explicit_outputs").toString(), "load_model, infer, unload_model");
    assertEquals(
        "StatusCode.NOT_FOUND",
        r.get("explicit_after_unload").get("status").asText(),
        r.toString());
    assertEquals("UNAVAILABLE", r.get("explicit_index").get("models").get(0).get("state").asText());
    terminate(s);
    terminate(explicit);
  }

  /** docs/serve.md's tritonclient.grpc example, as printed there, against the example model. */
  @Test
  void theDocumentedExampleRuns() throws Exception {
    PythonEnv.python("triton-grpc");
    String doc = Files.readString(RepoFiles.root().resolve("docs/serve.md"));
    int marker = doc.indexOf("<!-- grpc-example");
    assertTrue(marker > 0, "docs/serve.md marks its gRPC example");
    int start = doc.indexOf("```python\n", marker) + "```python\n".length();
    String example = doc.substring(start, doc.indexOf("```", start));
    ServeProcess s = serve(RepoFiles.root().resolve("examples/digits").toString());
    Path script = dir.resolve("example.py");
    Files.writeString(script, example.replace("127.0.0.1:8001", "127.0.0.1:" + s.grpcPort));
    String printed = PythonEnv.run("triton-grpc", script.toString(), List.of());
    assertTrue(printed.matches("(?s)\\[\\d\\] \\d\\s*"), "label and argmax: " + printed);
    terminate(s);
  }

  @Test
  void tritonGrpcClientInfersOverTlsWithTheServersRootCertificate() throws Exception {
    PythonEnv.python("triton-grpc");
    Path add = project("add-one", OnnxModels.addOne(Files.createDirectories(dir.resolve("add"))));
    SelfSigned.create(dir, "key.pem", "cert.pem", "/CN=localhost", "subjectAltName=IP:127.0.0.1");
    ServeProcess s =
        serve(
            add.toString(),
            "--grpc-tls-cert",
            dir.resolve("cert.pem").toString(),
            "--grpc-tls-key",
            dir.resolve("key.pem").toString());
    assertTrue(s.output.toString().contains("(TLS)"), s.output.toString());
    Path out = dir.resolve("report.json");
    PythonEnv.run(
        "triton-grpc",
        "oip_grpc_client_check.py",
        List.of(
            "--url",
            "127.0.0.1:" + s.grpcPort,
            "--model",
            "add-one",
            "--input",
            "x",
            "--shape",
            "2,4",
            "--out",
            out.toString(),
            "--tls-root-cert",
            dir.resolve("cert.pem").toString()));
    JsonNode r = MAPPER.readTree(out.toFile());
    assertTrue(r.get("live").asBoolean() && r.get("ready").asBoolean(), r.toString());
    assertEquals("gpux", r.get("server_metadata").get("name").asText());
    assertEquals(ADDED, r.get("outputs").get("y").toString(), "inference over TLS");
    assertEquals("tls-1", r.get("response_id").asText());
    assertEquals(
        "StatusCode.UNAVAILABLE",
        r.get("plaintext_error").get("status").asText(),
        "a plaintext client gets no answer from the TLS port: " + r);
    terminate(s);
  }

  @Test
  void kserveGrpcClientInfersWithTypedAndRawTensors() throws Exception {
    PythonEnv.python("kserve");
    Path add = project("add-one", OnnxModels.addOne(Files.createDirectories(dir.resolve("add"))));
    ServeProcess s = serve(add.toString());
    Path out = dir.resolve("report.json");
    PythonEnv.run(
        "kserve",
        "kserve_grpc_client_check.py",
        List.of(
            "--url", "127.0.0.1:" + s.grpcPort,
            "--model", "add-one",
            "--input", "x",
            "--shape", "2,4",
            "--out", out.toString()));
    JsonNode r = MAPPER.readTree(out.toFile());
    assertTrue(
        r.get("live").asBoolean() && r.get("ready").asBoolean() && r.get("model_ready").asBoolean(),
        r.toString());
    assertEquals("{\"y\":" + ADDED + "}", r.get("outputs").toString(), "typed contents");
    assertEquals("ks-typed", r.get("response_id").asText());
    assertEquals("add-one", r.get("model_name").asText());
    assertEquals("{\"y\":" + ADDED + "}", r.get("raw_outputs").toString(), "raw contents");
    assertEquals("NOT_FOUND", r.get("missing_model_error").get("code").asText(), r.toString());
    assertTrue(
        r.get("missing_model_error").get("details").asText().startsWith("no model named"),
        r.toString());
    terminate(s);
  }
}
