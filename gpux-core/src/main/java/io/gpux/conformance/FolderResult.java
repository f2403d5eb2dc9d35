package io.gpux.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * One test folder's run: its model on this machine's provider, over every data set.
 *
 * @param folder the folder holding {@code model.onnx}
 * @param provider the execution provider the model ran on, or null when it did not load
 * @param dataSets each data set's result, by name
 * @param error why the model did not load (an operator ONNX Runtime lacks...), else null
 */
public record FolderResult(
    Path folder, String provider, List<DataSetResult> dataSets, String error) {
  public FolderResult {
    dataSets = List.copyOf(dataSets);
  }

  public boolean passed() {
    return error == null
        && !dataSets.isEmpty()
        && dataSets.stream().allMatch(DataSetResult::passed);
  }

  /** The first failure in words, for a summary line; null when it passed. */
  public String reason() {
    if (error != null) {
      return error;
    }
    for (DataSetResult d : dataSets) {
      if (d.error() != null) {
        return d.name() + ": " + d.error();
      }
      for (OutputCheck o : d.outputs()) {
        if (!o.passed()) {
          return d.name()
              + ": output "
              + o.name()
              + (o.problem() != null
                  ? ": " + o.problem()
                  : " differs: max abs "
                      + o.maxAbsolute()
                      + ", max rel "
                      + o.maxRelative()
                      + " ("
                      + o.mismatched()
                      + " of "
                      + o.elements()
                      + " elements outside)");
        }
      }
    }
    return null;
  }
}
