package io.gpux.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.onnx.ElementType;
import io.gpux.project.ProjectConfig.ModelSection;
import io.gpux.project.ProjectConfig.PreprocessingSection;
import io.gpux.project.ProjectConfig.RuntimeSection;
import io.gpux.project.ProjectConfig.ServingSection;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectConfigWriterTest {
  @Test
  void writtenYamlParsesBackToTheSameConfig() {
    ProjectConfig c =
        new ProjectConfig(
            "org/model",
            "1.0",
            "a \"quoted\": description # not a comment",
            new ModelSection("./onnx/model.onnx", "onnx", "abc123"),
            List.of(
                new TensorSpec(
                    "input_ids",
                    ElementType.INT64,
                    Arrays.asList(-1L, -1L),
                    true,
                    null,
                    null,
                    null)),
            List.of(
                new TensorSpec(
                    "logits",
                    ElementType.FLOAT32,
                    Arrays.asList(-1L, 3L),
                    true,
                    null,
                    List.of("NEGATIVE", "yes", "1", "a: b"),
                    "scores")),
            RuntimeSection.defaults(),
            ServingSection.defaults(),
            new PreprocessingSection("./tokenizer.json", 512, null, null, Map.of()),
            Map.of("source", "hf:org/model@abc123"));
    List<ConfigWarning> warnings = new ArrayList<>();
    ProjectConfig back =
        ProjectConfigParser.parse(
            "gpux.yml",
            new StringReader(ProjectConfigWriter.toYaml(c, "generated\nby a test")),
            warnings::add);
    assertEquals(c, back);
    assertEquals(List.of(), warnings);
  }
}
