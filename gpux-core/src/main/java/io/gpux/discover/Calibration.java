package io.gpux.discover;

import io.gpux.discover.Recommendation.Latency;
import io.gpux.index.LatencyTables.MeasuredLatency;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A latency estimate from a model's FLOPs, calibrated on what this machine measured before: between
 * two measured models, interpolated on a log-log line (latency grows with cost, but not
 * proportionally while fixed per-call costs dominate); cheaper than every measured model, the
 * cheapest one's latency (the per-call floor); costlier than all, the costliest one's scaled by the
 * FLOPs (compute-bound). With nothing measured on this machine there is no estimate.
 */
final class Calibration {
  private final List<MeasuredLatency> points;

  private Calibration(List<MeasuredLatency> points) {
    this.points = points;
  }

  static Calibration of(List<MeasuredLatency> measured) {
    List<MeasuredLatency> usable = new ArrayList<>();
    for (MeasuredLatency m : measured) {
      if (m.flops() > 0 && m.p50Ms() > 0) {
        usable.add(m);
      }
    }
    usable.sort(Comparator.comparingDouble(MeasuredLatency::flops));
    return new Calibration(usable);
  }

  /** The estimate for a model of {@code flops}, or null when nothing was measured here. */
  Latency estimate(double flops) {
    if (points.isEmpty()) {
      return null;
    }
    MeasuredLatency first = points.get(0);
    MeasuredLatency last = points.get(points.size() - 1);
    double f = Math.max(1, flops);
    if (f <= first.flops()) {
      return new Latency(first.p50Ms(), first.p99Ms(), false, false);
    }
    if (f >= last.flops()) {
      double k = f / last.flops();
      return new Latency(last.p50Ms() * k, last.p99Ms() * k, false, false);
    }
    for (int i = 1; i < points.size(); i++) {
      MeasuredLatency lo = points.get(i - 1);
      MeasuredLatency hi = points.get(i);
      if (f <= hi.flops()) {
        double t =
            lo.flops() == hi.flops()
                ? 0
                : (Math.log(f) - Math.log(lo.flops()))
                    / (Math.log(hi.flops()) - Math.log(lo.flops()));
        double p50 =
            Math.exp(Math.log(lo.p50Ms()) + t * (Math.log(hi.p50Ms()) - Math.log(lo.p50Ms())));
        double tail =
            Math.exp(
                Math.log(lo.p99Ms() / lo.p50Ms())
                    + t * (Math.log(hi.p99Ms() / hi.p50Ms()) - Math.log(lo.p99Ms() / lo.p50Ms())));
        return new Latency(p50, p50 * tail, false, false);
      }
    }
    return new Latency(last.p50Ms(), last.p99Ms(), false, false);
  }
}
