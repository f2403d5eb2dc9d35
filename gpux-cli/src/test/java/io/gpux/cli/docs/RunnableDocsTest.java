package io.gpux.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runnable examples of the pages that need no server, or only the test servers that run in this
 * JVM (Hugging Face, W&amp;B, Kaggle): in the fast inner loop too. {@link RunnableDocsSlowTest}
 * runs the pages that need a real {@code mlflow server} or {@code docker-registry}.
 */
class RunnableDocsTest extends RunnableDocs {
  @Override
  boolean runs(RunnableBlocks page) {
    return IN_PROCESS.containsAll(page.servers());
  }

  @Test
  void shellWordsAreBashs() throws Exception {
    assertEquals(
        List.of("run", "{\"x\": 1}", "x y"),
        wordsOf("run '{\"x\": 1}' \"$A\"", Map.of("PATH", "/usr/bin:/bin", "A", "x y"), tmp));
  }
}
