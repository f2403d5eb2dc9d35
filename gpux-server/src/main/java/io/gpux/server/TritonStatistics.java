package io.gpux.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.metrics.ModelStatistics;

/** A model's statistics in the JSON shape of Triton's statistics extension. */
final class TritonStatistics {
  private TritonStatistics() {}

  static ObjectNode json(ModelStatistics s) {
    ObjectNode o = Exchange.MAPPER.createObjectNode();
    o.put("name", s.name());
    o.put("version", s.version());
    o.put("last_inference", s.lastInferenceMillis());
    o.put("inference_count", s.inferenceCount());
    o.put("execution_count", s.executionCount());
    ObjectNode stats = o.putObject("inference_stats");
    duration(stats, "success", s.success());
    duration(stats, "fail", s.fail());
    duration(stats, "queue", s.queue());
    // Input decoding and output encoding are inside the request time, not measured apart; no
    // response cache: Triton's fields, present and zero.
    duration(stats, "compute_input", ModelStatistics.Duration.NONE);
    duration(stats, "compute_infer", s.computeInfer());
    duration(stats, "compute_output", ModelStatistics.Duration.NONE);
    duration(stats, "cache_hit", ModelStatistics.Duration.NONE);
    duration(stats, "cache_miss", ModelStatistics.Duration.NONE);
    o.putArray("batch_stats");
    return o;
  }

  private static void duration(ObjectNode stats, String name, ModelStatistics.Duration d) {
    stats.putObject(name).put("count", d.count()).put("ns", d.ns());
  }
}
