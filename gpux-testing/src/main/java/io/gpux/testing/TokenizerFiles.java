package io.gpux.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small but real Hugging Face {@code tokenizer.json} files (BERT-style WordPiece: lower
 * case, punctuation split, [CLS] ... [SEP]) so tokenization can be tested without a downloaded
 * model.
 */
public final class TokenizerFiles {
  /** Ids of the special tokens in every tokenizer written here. */
  public static final int PAD = 0;

  public static final int UNK = 1;
  public static final int CLS = 2;
  public static final int SEP = 3;

  private TokenizerFiles() {}

  /**
   * Writes a WordPiece tokenizer whose vocabulary is the special tokens (ids 0 to 3) followed by
   * {@code vocabulary} in order (ids from 4). Entries starting with {@code ##} continue a word.
   */
  public static Path wordPiece(Path file, List<String> vocabulary) throws IOException {
    StringBuilder vocab = new StringBuilder();
    String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
    int id = 0;
    for (String s : specials) {
      vocab.append(vocab.length() == 0 ? "" : ",").append(quote(s)).append(':').append(id++);
    }
    for (String w : vocabulary) {
      vocab.append(',').append(quote(w)).append(':').append(id++);
    }
    StringBuilder added = new StringBuilder();
    for (int i = 0; i < specials.length; i++) {
      added
          .append(i == 0 ? "" : ",")
          .append("{\"id\":")
          .append(i)
          .append(",\"content\":")
          .append(quote(specials[i]))
          .append(
              ",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
    }
    String json =
        "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
            + "\"added_tokens\":["
            + added
            + "],"
            + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,"
            + "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true},"
            + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
            + "\"post_processor\":{\"type\":\"TemplateProcessing\","
            + "\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},"
            + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
            + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}],"
            + "\"pair\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},"
            + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
            + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}},"
            + "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},"
            + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":1}}],"
            + "\"special_tokens\":{"
            + "\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]},"
            + "\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
            + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
            + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
            + "\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
            + "\"vocab\":{"
            + vocab
            + "}}}";
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
