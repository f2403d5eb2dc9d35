#!/usr/bin/env python3
"""The baseline side of bench/run.sh: Python onnxruntime's session.run on the same model and input.

  ort_baseline.py MODEL.onnx INPUT.json WARMUP ITERATIONS

Mirrors gpux-bench's InferenceOverhead: one intra-op and one inter-op thread, CPU provider, the
inputs built once as numpy arrays (the model's declared dtypes, C-contiguous) from the same JSON
file, `sess.run(None, feeds)` timed call by call with time.perf_counter_ns after the same number
of warm-up calls. Prints one JSON line:
{"side":"python","median_ns":...,"mean_ns":...,"p95_ns":...,"warmup":...,"iterations":...,"checksum":...}
where checksum is the sum of all output elements of one more call (must match the Java sides).
"""
import json
import math
import sys
import time

import numpy as np
import onnxruntime as ort

DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
          "tensor(int32)": np.int32, "tensor(int8)": np.int8, "tensor(uint8)": np.uint8,
          "tensor(bool)": np.bool_}


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: ort_baseline.py MODEL.onnx INPUT.json WARMUP ITERATIONS")
    model, input_file, warmup, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL  # as GPUX's ALL_OPT
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    with open(input_file) as f:
        data = json.load(f)
    feeds = {}
    for i in sess.get_inputs():
        a = np.ascontiguousarray(np.array(data[i.name], dtype=DTYPES[i.type]))
        if a.ndim + 1 == len(i.shape):  # GPUX adds a batch dimension to a single example too
            a = a[np.newaxis]
        feeds[i.name] = a
    run = sess.run
    clock = time.perf_counter_ns
    for _ in range(warmup):
        run(None, feeds)
    ns = [0] * iterations
    for k in range(iterations):
        t0 = clock()
        run(None, feeds)
        ns[k] = clock() - t0
    checksum = float(sum(np.asarray(o, dtype=np.float64).sum() for o in run(None, feeds)))
    ns.sort()
    p95 = ns[min(len(ns) - 1, math.ceil(0.95 * len(ns)) - 1)]
    print(json.dumps({"side": "python", "median_ns": ns[len(ns) // 2], "mean_ns": round(sum(ns) / len(ns)),
                      "p95_ns": p95, "warmup": warmup, "iterations": iterations,
                      "checksum": float(f"{checksum:.9g}")}))


if __name__ == "__main__":
    main()
