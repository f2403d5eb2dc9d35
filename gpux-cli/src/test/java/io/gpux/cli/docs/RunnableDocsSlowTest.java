package io.gpux.cli.docs;

import io.gpux.testing.Slow;

/** The runnable examples of the pages that need a real {@code mlflow server} or registry. */
@Slow
class RunnableDocsSlowTest extends RunnableDocs {
  @Override
  boolean runs(RunnableBlocks page) {
    return !IN_PROCESS.containsAll(page.servers());
  }
}
