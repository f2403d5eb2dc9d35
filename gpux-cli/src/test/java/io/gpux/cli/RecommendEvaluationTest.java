package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the recommender's labelled evaluation ({@link RecommendEvaluation}): 12 models
 * over the three registries, 12 queries, the ground truth measured here.
 */
@Slow
class RecommendEvaluationTest {
  @TempDir Path work;

  @Test
  void theRecommenderFindsTheComputedAnswer() throws Exception {
    RecommendEvaluation.Result r = RecommendEvaluation.run(7, 12, 12, MlflowServer.shared(), work);
    System.out.print(r.report());
    assertTrue(r.top3Rate() >= 0.75, r.report());
    assertTrue(r.top1Rate() >= 0.66, r.report());
  }
}
