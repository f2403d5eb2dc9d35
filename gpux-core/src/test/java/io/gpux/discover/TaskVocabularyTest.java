package io.gpux.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.registry.ModelSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each registry's way of stating a task, mapped onto the one vocabulary of tasks.json. */
class TaskVocabularyTest {
  private final TaskVocabulary v = TaskVocabulary.builtIn();

  private static ModelSummary hit(
      String registry, String task, List<String> tags, Map<String, Object> extras) {
    return new ModelSummary(
        registry, "m", registry + ":m", task, null, null, -1, null, null, tags, extras);
  }

  @Test
  void huggingFacePipelineTagsAndTags() {
    assertEquals(
        "text-classification", v.taskOf(hit("hf", "text-classification", List.of(), null)));
    assertEquals(
        "visual-question-answering",
        v.taskOf(hit("hf", "visual-question-answering", List.of(), null)),
        "a Hub task this list does not name yet is still the Hub's task");
    assertEquals(
        "text-classification",
        v.taskOf(hit("hf", null, List.of("onnx", "sentiment-analysis"), null)));
  }

  @Test
  void mlflowTagsStateTheTask() {
    assertEquals(
        "text-classification",
        v.taskOf(hit("mlflow", null, List.of("team=nlp", "task=sentiment-analysis"), null)));
    assertEquals(
        "text-generation",
        v.taskOf(hit("mlflow", null, List.of("mlflow.task=llm/v1/completions"), null)));
    assertNull(v.taskOf(hit("mlflow", null, List.of("team=nlp"), null)));
  }

  @Test
  void wandbTypeIsNoTaskButTheDescriptionOrMetadataIs() {
    assertNull(v.taskOf(hit("wandb", "model", List.of(), null)), "the artifact type");
    assertEquals(
        "image-classification",
        v.taskOf(
            hit("wandb", "model", List.of(), Map.of("description", "An image classifier, v2"))));
    assertEquals(
        "object-detection",
        v.taskOf(hit("wandb", "model", List.of(), Map.of("task", "detection"))));
  }

  @Test
  void kaggleTagsAndTagSets() {
    assertEquals(
        "text-classification",
        v.taskOf(hit("kaggle", null, List.of("nlp", "Text Classification"), null)));
    assertEquals(
        "image-classification",
        v.taskOf(hit("kaggle", null, List.of("Computer Vision", "Classification"), null)));
  }

  @Test
  void zooTagSets() {
    assertEquals(
        "image-classification",
        v.taskOf(hit("zoo", "classification", List.of("vision", "classification", "mnist"), null)));
    assertEquals(
        "question-answering",
        v.taskOf(hit("zoo", null, List.of("text", "machine comprehension", "bert-squad"), null)));
    assertEquals(
        "object-detection",
        v.taskOf(hit("zoo", null, List.of("vision", "object detection segmentation"), null)));
  }

  @Test
  void ociAnnotations() {
    assertEquals(
        "automatic-speech-recognition",
        v.taskOf(hit("oci", null, List.of("org.cncf.model.task=speech-recognition"), null)));
  }

  @Test
  void anUnknownTaskNamesTheCloseOnes() {
    GpuxException e = assertThrows(GpuxException.class, () -> v.require("image-clasification"));
    assertEquals("unknown task 'image-clasification'", e.problem());
    assertTrue(e.hint().startsWith("did you mean image-classification"), e.hint());
    assertEquals("text-classification", v.require("Sentiment Analysis"));
  }

  @Test
  void onlyTheHubTakesTheTaskServerSide() {
    assertTrue(v.serverSide("hf"));
    for (String r : List.of("mlflow", "wandb", "kaggle", "zoo", "oci")) {
      assertTrue(!v.serverSide(r), r);
    }
  }
}
