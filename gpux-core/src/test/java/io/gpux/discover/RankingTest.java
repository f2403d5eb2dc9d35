package io.gpux.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.ModelSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging, de-duplication, filtering and ordering of several registries' hits. */
class RankingTest {
  private final TaskVocabulary v = TaskVocabulary.builtIn();

  private Candidate c(String registry, String name, String author, long size, long downloads) {
    ModelSummary s =
        new ModelSummary(
            registry,
            name,
            registry + ":" + name,
            null,
            null,
            author,
            size,
            "onnx",
            null,
            List.of(),
            downloads < 0 ? Map.of() : Map.of(ModelSummary.DOWNLOADS, downloads));
    return Candidate.of(s, v.taskOf(s), false);
  }

  private static List<String> refs(List<Candidate> cs) {
    List<String> out = new ArrayList<>();
    cs.forEach(x -> out.add(x.reference()));
    return out;
  }

  @Test
  void aMirrorMergesIntoOneCandidateWithBothSources() {
    List<Candidate> ranked =
        Ranking.rank(
            List.of(
                c("zoo", "ResNet50", "onnx", 100, -1),
                c("hf", "onnxmodelzoo/resnet50", "onnxmodelzoo", -1, 40),
                c("hf", "someone/resnet50", "someone", -1, 10)),
            DiscoverQuery.of("resnet50"),
            v);
    assertEquals(List.of("zoo:ResNet50", "hf:someone/resnet50"), refs(ranked));
    Candidate merged = ranked.get(0);
    assertEquals(2, merged.sources().size());
    assertEquals(100, merged.sizeBytes(), "the zoo's size");
    assertEquals(40, merged.downloads(), "the Hub's downloads");
  }

  @Test
  void theSameReferenceTwiceIsShownOnce() {
    List<Candidate> ranked =
        Ranking.rank(
            List.of(c("hf", "a/m", "a", -1, 1), c("hf", "a/m", "a", -1, 1)),
            DiscoverQuery.of(null),
            v);
    assertEquals(List.of("hf:a/m"), refs(ranked));
  }

  @Test
  void sortsAndLocalFiltersApplyToEveryRegistryAlike() {
    List<Candidate> hits =
        List.of(
            c("hf", "a/big", "a", 900, 5),
            c("kaggle", "a/small/onnx/x", "a", 10, 50),
            c("mlflow", "unknown-size", null, -1, -1));
    DiscoverQuery bySize =
        new DiscoverQuery(
            null,
            List.of(),
            null,
            null,
            null,
            null,
            -1,
            -1,
            List.of(),
            DiscoverQuery.Sort.SIZE,
            10);
    assertEquals(
        List.of("kaggle:a/small/onnx/x", "hf:a/big", "mlflow:unknown-size"),
        refs(Ranking.rank(hits, bySize, v)));
    DiscoverQuery capped =
        new DiscoverQuery(
            null,
            List.of(),
            null,
            null,
            null,
            null,
            100,
            1,
            List.of(),
            DiscoverQuery.Sort.DOWNLOADS,
            10);
    assertEquals(List.of("kaggle:a/small/onnx/x"), refs(Ranking.rank(hits, capped, v)));
  }
}
