package io.gpux.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's own Hugging Face {@code tokenizer.json}, run by the Rust tokenizers library (through
 * DJL's binding), so token ids match what the model was trained with.
 *
 * <p>A batch is padded to its longest text and truncated to {@code maxLength}. Thread-safe.
 */
public final class TextTokenizer implements AutoCloseable {
  static {
    // DJL phones home from its engine code; the tokenizer never needs the network.
    System.setProperty("OPT_OUT_TRACKING", "true");
  }

  private final Path file;
  private final int maxLength;
  private final HuggingFaceTokenizer tokenizer;

  private TextTokenizer(Path file, int maxLength, HuggingFaceTokenizer tokenizer) {
    this.file = file;
    this.maxLength = maxLength;
    this.tokenizer = tokenizer;
  }

  /**
   * Loads a tokenizer.json.
   *
   * @param maxLength the longest sequence in tokens, special tokens included
   */
  public static TextTokenizer load(Path tokenizerJson, int maxLength) {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw GpuxException.notFound(
          "tokenizer file not found: " + tokenizerJson,
          "set preprocessing.tokenizer in gpux.yml to the model's tokenizer.json");
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optMaxLength(maxLength)
              .optTruncation(true)
              .optPadding(true)
              .optAddSpecialTokens(true)
              .build();
      return new TextTokenizer(tokenizerJson, maxLength, t);
    } catch (IOException | RuntimeException e) {
      throw new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(),
          "the file must be a Hugging Face tokenizers tokenizer.json (not a vocab.txt or tokenizer_config.json)",
          e);
    } catch (UnsatisfiedLinkError e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "the tokenizers native library could not be loaded: " + e.getMessage(),
          "text inputs need Linux x64/arm64, macOS or Windows x64; send token ids instead",
          e);
    }
  }

  public Path file() {
    return file;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Tokenizes a batch of texts into padded, equally long rows. */
  public TokenizedBatch encode(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int rows = encodings.length;
    int cols = 0;
    for (Encoding e : encodings) {
      cols = Math.max(cols, e.getIds().length);
    }
    long[][] ids = new long[rows][cols];
    long[][] mask = new long[rows][cols];
    long[][] types = new long[rows][cols];
    for (int r = 0; r < rows; r++) {
      long[] rowIds = encodings[r].getIds();
      long[] rowMask = encodings[r].getAttentionMask();
      long[] rowTypes = encodings[r].getTypeIds();
      System.arraycopy(rowIds, 0, ids[r], 0, rowIds.length);
      System.arraycopy(rowMask, 0, mask[r], 0, rowMask.length);
      System.arraycopy(rowTypes, 0, types[r], 0, rowTypes.length);
    }
    return new TokenizedBatch(ids, mask, types);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
