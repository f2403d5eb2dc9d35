package io.gpux.discover;

import io.gpux.tensor.TensorSignature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Signature equality for "can one model replace another": names, element types and shapes. */
final class Signatures {
  private Signatures() {}

  /**
   * Same names with the same element types and shapes (a dynamic dimension matches only a dynamic
   * one: a model fixed at batch 1 cannot take what a dynamic one takes).
   */
  static boolean same(List<TensorSignature> a, List<TensorSignature> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Map<String, TensorSignature> byName = new HashMap<>();
    b.forEach(s -> byName.put(s.name(), s));
    for (TensorSignature s : a) {
      TensorSignature t = byName.get(s.name());
      if (t == null || s.type() != t.type() || !Objects.equals(dims(s), dims(t))) {
        return false;
      }
    }
    return true;
  }

  private static List<Long> dims(TensorSignature s) {
    return s.shape() == null ? null : s.shape().stream().map(d -> d < 0 ? -1L : d).toList();
  }

  /** {@code name: float32[-1,64]}, as a table cell. */
  static String describe(TensorSignature s) {
    String shape =
        s.shape() == null
            ? "?"
            : String.join(
                ",", s.shape().stream().map(d -> d < 0 ? "?" : Long.toString(d)).toList());
    return s.name()
        + ": "
        + (s.type() == null ? "?" : s.type().toString().toLowerCase(java.util.Locale.ROOT))
        + "["
        + shape
        + "]";
  }
}
