package io.gpux.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A search hit, in terms every registry can fill; what one registry alone has (Hugging Face's
 * downloads and likes, MLflow's aliases and stages) goes in {@code extras} under the registry's own
 * names.
 *
 * @param registry the registry's canonical name
 * @param name the model's name in that registry
 * @param reference a reference that can be pasted into {@code gpux pull}
 * @param task the task (e.g. {@code text-classification}), or null
 * @param license a license identifier, or null
 * @param author the owner (user, organization, team), or null
 * @param sizeBytes the size of what a pull would fetch, or -1 when unknown
 * @param format the model's file format ({@code onnx}, {@code pytorch}...), or null when unknown
 * @param updated when the model last changed, or null
 * @param tags the registry's tags
 * @param extras registry-specific figures: numbers, strings or lists of strings
 */
public record ModelSummary(
    String registry,
    String name,
    String reference,
    String task,
    String license,
    String author,
    long sizeBytes,
    String format,
    Instant updated,
    List<String> tags,
    Map<String, Object> extras) {
  /** Hugging Face's (and Kaggle's) download count, in {@link #extras}. */
  public static final String DOWNLOADS = "downloads";

  /** Hugging Face's likes, in {@link #extras}. */
  public static final String LIKES = "likes";

  public ModelSummary {
    tags = tags == null ? List.of() : List.copyOf(tags);
    extras = extras == null ? Map.of() : Map.copyOf(extras);
  }

  /** The download count when the registry reports one, else -1. */
  public long downloads() {
    return extras.get(DOWNLOADS) instanceof Number n ? n.longValue() : -1;
  }
}
