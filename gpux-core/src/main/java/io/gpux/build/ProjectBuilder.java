package io.gpux.build;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.TensorSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;

/**
 * {@code gpux build}: loads the project's model the way {@code run} will, checks gpux.yml against
 * the model's signature and writes a build record ({@code .gpux/build.json}, atomically) that
 * {@code inspect} shows.
 */
public final class ProjectBuilder {
  static final String BUILD_DIR = ".gpux";
  static final String BUILD_FILE = "build.json";

  private ProjectBuilder() {}

  public static BuildReport build(InferenceModel model, String gpuxVersion) {
    Project project = model.project();
    Path modelFile = project.modelFile();
    OnnxModelInfo info = OnnxModelReader.read(modelFile);
    List<SignatureIssue> issues =
        SignatureCheck.compare(
            project.config().inputs(), model.inputs(), project.config().outputs(), model.outputs());
    BuildReport report =
        new BuildReport(
            project.name(),
            project.config().version(),
            modelFile,
            size(modelFile),
            sha256(modelFile),
            info,
            model.provider(),
            io.gpux.runtime.SessionFactory.onnxRuntimeVersion(),
            model.inputs(),
            model.outputs(),
            issues,
            project.warnings(),
            Instant.now(),
            null);
    if (!report.ok()) {
      return report;
    }
    Path buildFile = project.directory().resolve(BUILD_DIR).resolve(BUILD_FILE);
    write(buildFile, toJson(report, gpuxVersion));
    return new BuildReport(
        report.name(),
        report.version(),
        report.modelFile(),
        report.modelBytes(),
        report.modelSha256(),
        report.model(),
        report.provider(),
        report.onnxRuntimeVersion(),
        report.inputs(),
        report.outputs(),
        report.issues(),
        report.configWarnings(),
        report.builtAt(),
        buildFile);
  }

  /** The build record as JSON; also what {@code gpux build --json} prints. */
  public static ObjectNode toJson(BuildReport r, String gpuxVersion) {
    ObjectNode root = io.gpux.json.Json.NODES.objectNode();
    root.put("name", r.name());
    root.put("version", r.version());
    root.put("gpux_version", gpuxVersion);
    root.put("onnxruntime_version", r.onnxRuntimeVersion());
    root.put("built_at", r.builtAt().toString());
    root.put("ok", r.ok());
    ObjectNode model = root.putObject("model");
    model.put("path", r.modelFile().toString());
    model.put("size_bytes", r.modelBytes());
    model.put("sha256", r.modelSha256());
    model.put("ir_version", r.model().irVersion());
    model.put("opset", r.model().defaultOpset());
    model.put("producer", (r.model().producerName() + " " + r.model().producerVersion()).trim());
    ObjectNode provider = root.putObject("provider");
    provider.put("name", r.provider().chosen().ortName());
    provider.put("summary", r.provider().summary());
    signatures(root.putArray("inputs"), r.inputs());
    signatures(root.putArray("outputs"), r.outputs());
    ArrayNode issues = root.putArray("issues");
    r.issues()
        .forEach(
            i ->
                issues
                    .addObject()
                    .put("severity", i.severity().name().toLowerCase(java.util.Locale.ROOT))
                    .put("tensor", i.tensor())
                    .put("message", i.message()));
    ArrayNode warnings = root.putArray("config_warnings");
    r.configWarnings().forEach(w -> warnings.add(w.toString()));
    return root;
  }

  static void signatures(ArrayNode array, List<TensorSignature> sigs) {
    sigs.forEach(s -> JsonTensors.signature(array, s));
  }

  private static void write(Path file, ObjectNode json) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), BUILD_FILE, ".tmp");
      try {
        io.gpux.json.Json.mapper()
            .writer(SerializationFeature.INDENT_OUTPUT)
            .writeValue(tmp.toFile(), json);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot write the build record " + file + ": " + e.getMessage(),
          "make the project folder writable");
    }
  }

  /** Reads a build record written earlier, or null when there is none or it is unreadable. */
  public static ObjectNode readRecord(Project project) {
    Path file = project.directory().resolve(BUILD_DIR).resolve(BUILD_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return (ObjectNode) io.gpux.json.Json.mapper().readTree(file.toFile());
    } catch (IOException | ClassCastException e) {
      return null;
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // The digest stream hashes as it reads.
      }
      return Sha256.hex(((DigestInputStream) in).getMessageDigest());
    } catch (IOException e) {
      throw GpuxException.invalidInput("cannot read " + file + ": " + e.getMessage(), null);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
