package io.gpux.tokenize;

/**
 * Token ids for a batch of texts, all rows padded to one length: the three tensors BERT-style
 * models take.
 */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

  public int rows() {
    return inputIds.length;
  }

  public int columns() {
    return inputIds.length == 0 ? 0 : inputIds[0].length;
  }

  /** Whether a model input of this name takes token ids. */
  public static boolean isIdsName(String name) {
    return switch (name) {
      case "input_ids", "ids", "input" -> true;
      default -> false;
    };
  }

  /** The tensor for a conventional input name, or null when the name is not a tokenizer output. */
  public long[][] forInput(String name) {
    return switch (name) {
      case "input_ids", "ids", "input" -> inputIds;
      case "attention_mask", "mask", "input_mask" -> attentionMask;
      case "token_type_ids", "segment_ids", "type_ids" -> tokenTypeIds;
      default -> null;
    };
  }
}
