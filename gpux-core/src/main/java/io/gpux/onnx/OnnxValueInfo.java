package io.gpux.onnx;

import java.util.List;

/**
 * A graph input or output as the model declares it.
 *
 * @param elementType the tensor element type; null when the value is not a tensor (a sequence or a
 *     map, as skl2onnx's ZipMap outputs) or its type code is one GPUX does not know
 * @param shape one {@link Dim} per axis; null when the rank is unknown
 * @param docString the exporter's description, "" when there is none
 */
public record OnnxValueInfo(
    String name, ElementType elementType, List<Dim> shape, String docString) {
  public OnnxValueInfo {
    shape = shape == null ? null : List.copyOf(shape);
    docString = docString == null ? "" : docString;
  }

  /** The axis sizes, -1 for each dynamic one; null when the rank is unknown. */
  public List<Long> sizes() {
    return shape == null ? null : shape.stream().map(Dim::value).toList();
  }

  /**
   * One axis: a fixed size, a named dynamic size ({@code batch}, {@code sequence}) or an unnamed
   * dynamic one.
   *
   * @param value the size, or -1 when dynamic
   * @param param the dynamic size's name ({@code dim_param}), or null
   */
  public record Dim(long value, String param) {
    private static final Dim UNKNOWN = new Dim(-1, null);

    public Dim {
      // Some exporters write dim_value -1 for dynamic axes; one spelling for all of them.
      value = value < 0 || param != null ? -1 : value;
    }

    public static Dim fixed(long value) {
      return new Dim(value, null);
    }

    public static Dim param(String name) {
      return new Dim(-1, name);
    }

    public static Dim unknown() {
      return UNKNOWN;
    }

    /** True unless the size is fixed: named and unnamed dynamic axes alike. */
    public boolean isDynamic() {
      return value < 0;
    }

    /** The size, the dynamic axis' name, or {@code ?}: as shapes are shown to users. */
    @Override
    public String toString() {
      if (!isDynamic()) {
        return Long.toString(value);
      }
      return param != null ? param : "?";
    }
  }
}
