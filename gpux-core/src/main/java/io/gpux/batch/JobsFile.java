package io.gpux.batch;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A JOBS.yml for {@code gpux batch run JOBS.yml}: a list of jobs, each a model, a JSONL file of
 * inputs and the JSONL file its results go to.
 *
 * <pre>
 * jobs:
 *   - model: hf:org/sentiment        # a reference, a project folder or an .onnx file
 *     input: data/reviews.jsonl      # relative paths are relative to JOBS.yml's folder
 *     output: results/sentiment.jsonl
 * </pre>
 *
 * It is read as gpux.yml is ({@link io.gpux.project.ProjectConfigParser#compose}: every error names
 * its line); unknown fields are errors here, because a misspelt {@code output} would otherwise send
 * results elsewhere.
 */
public final class JobsFile {
  private static final Set<String> JOB_FIELDS = Set.of("model", "input", "output");
  private static final String HINT = "fix the file (its schema is in docs/batch.md)";

  private JobsFile() {}

  public static List<BatchJob> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw GpuxException.notFound(
          "no such jobs file: " + file, "give a JOBS.yml (its schema is in docs/batch.md)");
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + file + ": " + e.getMessage(), "check the file's permissions");
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.toString(), new StringReader(text), dir);
  }

  /** Parses a jobs file named {@code name}, resolving its relative paths against {@code dir}. */
  public static List<BatchJob> parse(String name, Reader yaml, Path dir) {
    Node root = io.gpux.project.ProjectConfigParser.compose(name, yaml);
    if (root == null) {
      throw GpuxException.invalidInput(name + " is empty", "add 'jobs:' with a list of jobs");
    }
    Map<String, NodeTuple> top = mapping(name, root, "the file");
    for (String key : top.keySet()) {
      if (!key.equals("jobs")) {
        throw error(name, top.get(key).getKeyNode(), "unknown field '" + key + "'", HINT);
      }
    }
    NodeTuple jobs = top.get("jobs");
    if (jobs == null) {
      throw error(name, root, "'jobs' is required", "add 'jobs:' with a list of jobs");
    }
    if (!(jobs.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
      throw error(
          name,
          jobs.getValueNode(),
          "jobs must be a list of jobs ('- model: ...')",
          "add at least one job with model, input and output");
    }
    List<BatchJob> out = new ArrayList<>();
    for (int i = 0; i < list.getValue().size(); i++) {
      out.add(job(name, list.getValue().get(i), "jobs[" + i + "]", dir));
    }
    return out;
  }

  private static BatchJob job(String name, Node node, String path, Path dir) {
    Map<String, NodeTuple> fields = mapping(name, node, path);
    for (Map.Entry<String, NodeTuple> f : fields.entrySet()) {
      if (!JOB_FIELDS.contains(f.getKey())) {
        throw error(
            name,
            f.getValue().getKeyNode(),
            path + " has an unknown field '" + f.getKey() + "'",
            "a job has model, input and output");
      }
    }
    String model = scalar(name, node, fields, path, "model");
    Path input = dir.resolve(scalar(name, node, fields, path, "input"));
    Path output = dir.resolve(scalar(name, node, fields, path, "output"));
    return new BatchJob(model, input, output);
  }

  private static Map<String, NodeTuple> mapping(String name, Node node, String what) {
    if (!(node instanceof MappingNode m)) {
      throw error(name, node, what + " must be a mapping (key: value)", HINT);
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      fields.put(t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?", t);
    }
    return fields;
  }

  private static String scalar(
      String name, Node job, Map<String, NodeTuple> fields, String path, String key) {
    NodeTuple t = fields.get(key);
    if (t == null) {
      throw error(
          name,
          job,
          path + "." + key + " is required",
          "a job has model, input and output (e.g. " + key + ": " + example(key) + ")");
    }
    if (!(t.getValueNode() instanceof ScalarNode s) || s.getValue().isBlank()) {
      throw error(name, t.getValueNode(), path + "." + key + " must be a single value", HINT);
    }
    return s.getValue().trim();
  }

  private static String example(String key) {
    return switch (key) {
      case "model" -> "hf:org/model";
      case "input" -> "inputs.jsonl";
      default -> "results.jsonl";
    };
  }

  private static GpuxException error(String name, Node at, String problem, String hint) {
    int line = at.getStartMark() == null ? 0 : at.getStartMark().getLine() + 1;
    return GpuxException.invalidInput(name + ":" + line + ": " + problem, hint);
  }
}
