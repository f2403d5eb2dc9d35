#!/usr/bin/env python3
"""Turns bench/run.sh's raw measurements into the markdown report (ratios against the baselines)."""
import json
import os
import statistics
import subprocess
import sys
from datetime import date


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    cold = json.load(open(sys.argv[2]))
    print(f"measured on {date.today()}, {cpu()}, {os.cpu_count()} cores\n")
    print("## Per-inference overhead: GPUX `InferenceModel.run` vs Python onnxruntime `session.run`\n")
    print("One intra-op and one inter-op thread on both sides, CPU provider, same model file and input. "
          "Each round runs both sides one after the other; the figure is the median over rounds of each round's median.\n")
    print("| model | GPUX median | Python median | ratio GPUX/Python | target | result |")
    print("|---|---|---|---|---|---|")
    targets = {"tiny": ("digits MLP, 1 x 64 (tiny)", 1.10), "matmul": ("MatMul chain 1024x1024 x8, batch 128 (>= 10 ms)", 1.02)}
    for model, (label, target) in targets.items():
        g = statistics.median(r["median_ns"] for r in rows if r["model"] == model and r["side"] == "gpux")
        p = statistics.median(r["median_ns"] for r in rows if r["model"] == model and r["side"] == "python")
        ratio = g / p
        print(f"| {label} | {fmt(g)} | {fmt(p)} | {ratio:.3f}x | <= {target:.2f}x | {'PASS' if ratio <= target else 'MISS'} |")
    print("\n## CLI cold start (median wall time of the whole command)\n")
    print("| command | time |")
    print("|---|---|")
    print(f"| `bin/gpux inspect examples/digits --json` | {cold['gpux_inspect_ms']} ms |")
    py = cold["python_gpux_inspect_ms"]
    print(f"| Python GPUX 0.1.1 `gpux inspect -m model.onnx --json-output` (in examples/digits) | {str(py) + ' ms' if py is not None else 'not measured (install failed)'} |")
    print(f"| `bin/gpux --version` | {cold['gpux_version_ms']} ms |")
    print(f"| `bin/gpux run examples/digits --file sample.json` | {cold['gpux_run_ms']} ms |")
    if py:
        ratio = cold["gpux_inspect_ms"] / py
        print(f"\nRatio GPUX/Python for inspect: **{ratio:.2f}x** (target <= 0.50x): {'PASS' if ratio <= 0.5 else 'MISS'}")


def fmt(ns):
    return f"{ns / 1e3:.1f} us" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


if __name__ == "__main__":
    main()
