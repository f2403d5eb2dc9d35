package io.gpux.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import io.gpux.tokenize.TokenizedBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the model's input tensors from a JSON object.
 *
 * <p>Each field that names a model input is read as a tensor of that input's dtype. Text is
 * tokenized with the model's tokenizer when it goes to a model that takes token ids: either under
 * the name of the ids input, or under any other name (such as {@code "text"}); the tokenizer then
 * also fills the attention mask and token type ids the model takes, unless they were given.
 */
final class InputAssembler {
  private final List<TensorSignature> inputs;
  private final Supplier<io.gpux.tokenize.TextTokenizer> tokenizer;
  private final String noTokenizerHint;

  InputAssembler(
      List<TensorSignature> inputs,
      Supplier<io.gpux.tokenize.TextTokenizer> tokenizer,
      String noTokenizerHint) {
    this.inputs = inputs;
    this.tokenizer = tokenizer;
    this.noTokenizerHint = noTokenizerHint;
  }

  Map<String, Tensor> assemble(JsonNode request) {
    if (request == null || !request.isObject()) {
      throw GpuxException.invalidInput(
          "the input must be a JSON object of input name to value, got "
              + (request == null
                  ? "nothing"
                  : request.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)),
          "e.g. --input '{\""
              + (inputs.isEmpty() ? "x" : inputs.get(0).name())
              + "\": [[1, 2, 3]]}'");
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    String textField = null;
    JsonNode text = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      TensorSignature sig = signature(name);
      boolean isText = isText(value);
      if (sig != null && !(isText && takesTokenIds(sig))) {
        feeds.put(name, JsonTensors.read(name, value, sig));
      } else if (isText && (sig != null || idsInput() != null)) {
        if (text != null) {
          throw GpuxException.invalidInput(
              "two text fields, '" + textField + "' and '" + name + "'",
              "send one text field (a string or a list of strings for a batch)");
        }
        textField = name;
        text = value;
      } else if (isText) {
        throw GpuxException.invalidInput(
            "field '"
                + name
                + "' is text, but the model takes no token ids (its inputs are "
                + describe()
                + ")",
            "send tensors for the model's inputs");
      } else {
        throw GpuxException.invalidInput(
            "the model has no input named '" + name + "'", "its inputs are " + describe());
      }
    }
    if (text != null) {
      addTokenized(textField, text, feeds);
    }
    return feeds;
  }

  private void addTokenized(String field, JsonNode text, Map<String, Tensor> feeds) {
    io.gpux.tokenize.TextTokenizer tok = tokenizer.get();
    if (tok == null) {
      throw GpuxException.invalidInput(
          "input '" + field + "' is text, but this model has no tokenizer", noTokenizerHint);
    }
    List<String> texts = new ArrayList<>();
    if (text.isTextual()) {
      texts.add(text.textValue());
    } else {
      text.forEach(t -> texts.add(t.textValue()));
    }
    TokenizedBatch batch = tok.encode(texts);
    for (TensorSignature sig : inputs) {
      long[][] rows = batch.forInput(sig.name());
      if (rows == null || feeds.containsKey(sig.name()) || !takesTokenIds(sig)) {
        continue;
      }
      feeds.put(sig.name(), integerMatrix(sig, fitColumns(rows, fixedColumns(sig))));
    }
  }

  /**
   * A model with a fixed sequence length (e.g. [1, 128]) gets rows padded (with 0) or cut to it.
   */
  private static long[][] fitColumns(long[][] rows, int columns) {
    if (columns < 0 || rows.length == 0 || rows[0].length == columns) {
      return rows;
    }
    long[][] out = new long[rows.length][columns];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out[r], 0, Math.min(columns, rows[r].length));
    }
    return out;
  }

  private static int fixedColumns(TensorSignature sig) {
    List<Long> shape = sig.shape();
    return shape != null && shape.size() == 2 && shape.get(1) > 0 ? shape.get(1).intValue() : -1;
  }

  private static Tensor integerMatrix(TensorSignature sig, long[][] rows) {
    int r = rows.length;
    int c = r == 0 ? 0 : rows[0].length;
    ElementType type = sig.type();
    ByteBuffer b = Tensor.allocate(type, (long) r * c);
    for (long[] row : rows) {
      for (long v : row) {
        if (type == ElementType.INT32) {
          b.putInt((int) v);
        } else {
          b.putLong(v);
        }
      }
    }
    b.flip();
    return Tensor.of(type, new long[] {r, c}, b);
  }

  private TensorSignature signature(String name) {
    for (TensorSignature s : inputs) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private TensorSignature idsInput() {
    for (TensorSignature s : inputs) {
      if (takesTokenIds(s) && "input_ids".equals(s.name())) {
        return s;
      }
    }
    for (TensorSignature s : inputs) {
      if (takesTokenIds(s) && TokenizedBatch.isIdsName(s.name())) {
        return s;
      }
    }
    return null;
  }

  private static boolean takesTokenIds(TensorSignature sig) {
    return (sig.type() == ElementType.INT64 || sig.type() == ElementType.INT32)
        && sig.shape() != null
        && sig.shape().size() == 2;
  }

  private static boolean isText(JsonNode value) {
    if (value.isTextual()) {
      return true;
    }
    if (!value.isArray() || value.isEmpty()) {
      return false;
    }
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (TensorSignature s : inputs) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(s.name())
          .append(' ')
          .append(s.type())
          .append(s.shapeText());
    }
    return sb.toString();
  }
}
