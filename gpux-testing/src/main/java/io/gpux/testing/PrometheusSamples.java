package io.gpux.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A Prometheus text exposition (format 0.0.4) read back into samples, so tests assert what a
 * scraper sees (a sample's name, its set of labels, its value) and not how a writer happens to
 * order labels or print numbers ({@code 1} and {@code 1.0} are one value, label order is not
 * meaningful). Parses what the format allows: {@code # HELP}/{@code # TYPE} lines, escaped label
 * values, {@code +Inf}/{@code -Inf}/{@code NaN}, an optional timestamp.
 */
public final class PrometheusSamples {
  /** One sample line: its name, labels (sorted by name) and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private PrometheusSamples(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  public static PrometheusSamples parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] p = line.split(" ", 4);
        if (p.length >= 4 && p[1].equals("TYPE")) {
          types.put(p[2], p[3].trim());
        }
        continue;
      }
      try {
        samples.add(sample(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "line " + lineNo + " is not a Prometheus sample: " + line + " (" + e.getMessage() + ")",
            e);
      }
    }
    return new PrometheusSamples(List.copyOf(samples), Map.copyOf(types));
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label " + label + " has no quoted value");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
          if (c == '\\') {
            char e = line.charAt(++j);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        labels.put(label, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split("\\s+");
    return new Sample(name, Map.copyOf(labels), number(rest[0]));
  }

  private static double number(String s) {
    return switch (s) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The {@code # TYPE} of a family (counter, gauge, histogram, summary...), or null. */
  public String type(String family) {
    return types.get(family);
  }

  /** The value of the sample with this name and exactly these labels, given as name/value pairs. */
  public OptionalDouble find(String name, String... labelPairs) {
    Map<String, String> want = pairs(labelPairs);
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(want))
        .mapToDouble(Sample::value)
        .findFirst();
  }

  /** As {@link #find}, failing with the samples of that name when there is none. */
  public double value(String name, String... labelPairs) {
    return find(name, labelPairs)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no sample "
                        + name
                        + pairs(labelPairs)
                        + "; samples of that name: "
                        + samples.stream().filter(s -> s.name().equals(name)).toList()));
  }

  /** Samples with this name whose labels include these pairs (and maybe others). */
  public List<Sample> matching(String name, String... labelPairs) {
    Map<String, String> want = pairs(labelPairs);
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet()))
        .toList();
  }

  private static Map<String, String> pairs(String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      m.put(labelPairs[i], labelPairs[i + 1]);
    }
    return m;
  }
}
