/**
 * Text inputs through a model's own {@code tokenizer.json} (Hugging Face tokenizers via DJL's
 * binding): input ids, attention mask and token type ids.
 */
package io.gpux.tokenize;
