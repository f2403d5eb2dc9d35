"""Latency of one model in PyTorch eager and as its converted ONNX (onnxruntime), interleaved.

  python latency.py REPO_DIR ENTRYPOINT MODEL.onnx ROUNDS RUNS BATCH

The same seeded input, the same thread count (torch's and onnxruntime's intra-op threads set to
the machine's cores), a warm-up of each first; prints JSON with each side's median per-run
milliseconds per round and the ratio onnx / eager (below 1: ONNX is faster).
"""

import json
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort
import torch


def main(repo, entry, onnx_path, rounds, runs, batch):
    rounds, runs, batch = int(rounds), int(runs), int(batch)
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    model = torch.hub.load(repo, entry, source="local").eval()
    x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224)).astype(np.float32)
    t = torch.from_numpy(x)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name

    def eager():
        with torch.inference_mode():
            model(t)

    def onnx():
        sess.run(None, {name: x})

    with torch.inference_mode():
        diff = float(np.abs(model(t).numpy() - sess.run(None, {name: x})[0]).max())
    for f in (eager, onnx):
        for _ in range(3):
            f()
    out = {"eager": [], "onnx": []}
    for _ in range(rounds):
        for label, f in (("eager", eager), ("onnx", onnx)):
            samples = []
            for _ in range(runs):
                s = time.perf_counter()
                f()
                samples.append((time.perf_counter() - s) * 1000)
            out[label].append(statistics.median(samples))
    e, o = statistics.median(out["eager"]), statistics.median(out["onnx"])
    print(json.dumps({"threads": threads, "batch": batch, "eager_ms": e, "onnx_ms": o,
                      "ratio_onnx_over_eager": o / e, "rounds": out, "max_abs_diff": diff,
                      "torch": torch.__version__, "onnxruntime": ort.__version__}))


if __name__ == "__main__":
    main(*sys.argv[1:])
