package io.gpux.conformance;

import java.util.List;

/**
 * One {@code test_data_set_N} folder's run.
 *
 * @param name the folder's name
 * @param outputs each expected output's check, in the model's output order
 * @param error why the data set did not run (unreadable data, ONNX Runtime's error), else null
 */
public record DataSetResult(String name, List<OutputCheck> outputs, String error) {
  public DataSetResult {
    outputs = List.copyOf(outputs);
  }

  public boolean passed() {
    return error == null && outputs.stream().allMatch(OutputCheck::passed);
  }
}
