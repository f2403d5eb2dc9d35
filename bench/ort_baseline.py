#!/usr/bin/env python3
"""The baseline side of bench/run.sh: Python onnxruntime's session.run on the same model and input.

  ort_baseline.py MODEL.onnx INPUT.json WARMUP ITERATIONS

One intra-op and one inter-op thread on CPU, as the Java side. Inputs are numpy arrays made once,
cast to the model's declared dtypes. Prints {"side":"python","median_ns":...,"mean_ns":...,"p95_ns":...}.
"""
import json
import math
import sys
import time

import numpy as np
import onnxruntime as ort

DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
          "tensor(int32)": np.int32, "tensor(int8)": np.int8, "tensor(uint8)": np.uint8, "tensor(bool)": np.bool_}


def main():
    model, input_file, warmup, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    data = json.load(open(input_file))
    feeds = {}
    for i in sess.get_inputs():
        a = np.array(data[i.name], dtype=DTYPES[i.type])
        if a.ndim + 1 == len(i.shape):
            a = a[np.newaxis]
        feeds[i.name] = a
    for _ in range(warmup):
        sess.run(None, feeds)
    ns = []
    for _ in range(iterations):
        t0 = time.perf_counter_ns()
        sess.run(None, feeds)
        ns.append(time.perf_counter_ns() - t0)
    ns.sort()
    p95 = ns[min(len(ns) - 1, math.ceil(0.95 * len(ns)) - 1)]
    print(json.dumps({"side": "python", "median_ns": ns[len(ns) // 2], "mean_ns": sum(ns) / len(ns), "p95_ns": p95}))


if __name__ == "__main__":
    main()
