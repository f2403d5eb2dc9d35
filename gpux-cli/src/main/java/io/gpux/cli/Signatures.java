package io.gpux.cli;

import io.gpux.tensor.TensorSignature;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/** Prints inputs or outputs as a table. */
final class Signatures {
  private Signatures() {}

  static void print(PrintWriter out, String title, List<TensorSignature> sigs) {
    print(out, title, sigs, s -> "");
  }

  static void print(
      PrintWriter out,
      String title,
      List<TensorSignature> sigs,
      Function<TensorSignature, String> notes) {
    out.println(title);
    TextTable t = new TextTable("NAME", "TYPE", "SHAPE", "NOTES");
    for (TensorSignature s : sigs) {
      boolean dynamic = s.shape() == null || s.shape().stream().anyMatch(d -> d < 0);
      String note = (dynamic ? "dynamic" : "") + notes.apply(s);
      t.row(
          s.name(),
          s.type() == null ? "non-tensor" : s.type(),
          s.shapeText(),
          note.isEmpty() ? "" : note);
    }
    t.print(out, "  ");
    out.println();
  }
}
