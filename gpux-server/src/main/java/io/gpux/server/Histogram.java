package io.gpux.server;

import java.util.Locale;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram of seconds, rendered as cumulative buckets, a sum and a count. */
final class Histogram {
  static final double[] SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final LongAdder[] buckets = new LongAdder[SECONDS.length];
  private final LongAdder count = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  Histogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void observeNanos(long nanos) {
    if (nanos < 0) {
      return;
    }
    double seconds = nanos / 1e9;
    count.increment();
    sum.add(seconds);
    for (int i = 0; i < SECONDS.length; i++) {
      if (seconds <= SECONDS[i]) {
        buckets[i].increment();
      }
    }
  }

  long count() {
    return count.sum();
  }

  long sumNanos() {
    return Math.round(sum.sum() * 1e9);
  }

  void render(StringBuilder sb, String name, String labels) {
    for (int i = 0; i < SECONDS.length; i++) {
      sb.append(name)
          .append("_bucket{")
          .append(labels)
          .append(",le=\"")
          .append(SECONDS[i])
          .append("\"} ")
          .append(buckets[i].sum())
          .append('\n');
    }
    sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ");
    sb.append(count.sum()).append('\n');
    sb.append(name).append("_sum{").append(labels).append("} ");
    sb.append(String.format(Locale.ROOT, "%.9f", sum.sum())).append('\n');
    sb.append(name).append("_count{").append(labels).append("} ");
    sb.append(count.sum()).append('\n');
  }
}
