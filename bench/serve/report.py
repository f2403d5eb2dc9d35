"""Turns bench/serve.sh's measurements into the Markdown report (bench/results/serve.md).

Usage: report.py RESULTS.jsonl INPROCESS.json BATCH_METRICS.txt REVISION SETTINGS
Each number is the median over the rounds; ratios are taken of those medians.
"""

import json
import os
import platform
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

results_path, inprocess_path, batch_path, revision, settings = sys.argv[1:6]
rows = [json.loads(line) for line in open(results_path) if line.strip()]
groups = defaultdict(list)
for r in rows:
    groups[(r["test"], r["side"], r["concurrency"])].append(r)


def med(test, side, c, key):
    g = groups.get((test, side, c), [])
    if not g:
        return None
    if key == "rps":
        return statistics.median(x["requests"] / (x["duration_us"] / 1e6) for x in g)
    return statistics.median(x[key] for x in g)


def errors(test, side, c):
    return sum(x["non2xx"] + x["socket_errors"] for x in groups.get((test, side, c), []))


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def verdict(ok):
    return "PASS" if ok else "MISS"


out = []
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out.append(f"measured on {now}, {cpu()}, {os.cpu_count()} cores; revision {revision}; {settings}")
out.append("")
out.append("## gpux serve vs Python GPUX 0.1.1 `gpux serve` (digits64, POST /predict, wrk on loopback)")
out.append("")
out.append("| concurrency | side | requests/s | p50 ms | p99 ms | errors | vs Python |")
out.append("|---|---|---|---|---|---|---|")
for c in (1, 8, 32):
    py = med("vs-python", "python", c, "rps")
    for side in ("gpux", "python"):
        rps = med("vs-python", side, c, "rps")
        if rps is None:
            continue
        ratio = f"{rps / py:.2f}x" if py else "-"
        out.append(
            f"| {c} | {side} | {rps:,.0f} | {med('vs-python', side, c, 'p50_us') / 1000:.2f} | "
            f"{med('vs-python', side, c, 'p99_us') / 1000:.2f} | {errors('vs-python', side, c)} | {ratio} |"
        )
g32, p32 = med("vs-python", "gpux", 32, "rps"), med("vs-python", "python", 32, "rps")
if g32 and p32:
    out.append("")
    out.append(
        f"Target: gpux >= 3x the Python GPUX's throughput at concurrency 32: "
        f"{g32 / p32:.2f}x, **{verdict(g32 / p32 >= 3)}**."
    )

out.append("")
out.append("## Dynamic batching on vs off (mlp1024: 4 x MatMul 1024x1024, one row a request, concurrency 32)")
out.append("")
out.append("| side | requests/s | p50 ms | p99 ms | errors |")
out.append("|---|---|---|---|---|")
for side in ("batching", "no-batching"):
    rps = med("batching", side, 32, "rps")
    if rps is None:
        continue
    out.append(
        f"| {side} | {rps:,.0f} | {med('batching', side, 32, 'p50_us') / 1000:.2f} | "
        f"{med('batching', side, 32, 'p99_us') / 1000:.2f} | {errors('batching', side, 32)} |"
    )
on, off = med("batching", "batching", 32, "rps"), med("batching", "no-batching", 32, "rps")
if on and off:
    out.append("")
    out.append(f"Target: batching on >= 2x off: {on / off:.2f}x, **{verdict(on / off >= 2)}**.")
try:
    m = dict(line.rsplit(" ", 1) for line in open(batch_path) if line.strip())
    s = float(next(v for k, v in m.items() if k.startswith("gpux_inference_batch_size_sum")))
    n = float(next(v for k, v in m.items() if k.startswith("gpux_inference_batch_size_count")))
    out.append(f"Mean batch formed (server's /metrics): {s / n:.1f} rows over {int(n):,} runs.")
except (OSError, StopIteration, ValueError, ZeroDivisionError):
    pass

out.append("")
out.append("## HTTP cost per request (digits64)")
out.append("")
inproc = json.load(open(inprocess_path))
http_p50 = med("vs-python", "gpux", 1, "p50_us")
if http_p50 is not None:
    inproc_us = inproc["median_ms"] * 1000
    out.append(
        f"In-process `InferenceModel.run` median {inproc_us:.1f} us; over HTTP (gpux serve, "
        f"one connection, wrk's p50) {http_p50:.0f} us: the HTTP round trip, JSON "
        f"parsing and encoding add {http_p50 - inproc_us:.0f} us a request."
    )
print("\n".join(out))
