"""Turns bench/serve.sh's measurements into the Markdown report (bench/results/serve.md).

Usage: report.py WORK_DIR REVISION SETTINGS
Each number is the median over the rounds; ratios are taken of those medians.
"""

import json
import os
import platform
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

work, revision, settings = sys.argv[1:4]
rows = [json.loads(line) for line in open(os.path.join(work, "results.jsonl")) if line.strip()]
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


def spread(test, side, c):
    g = groups.get((test, side, c), [])
    rates = [x["requests"] / (x["duration_us"] / 1e6) for x in g]
    if len(rates) < 2:
        return ""
    return f" ({min(rates):,.0f}-{max(rates):,.0f})"


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


def ms(us):
    return f"{us / 1000:.2f}" if us is not None else "-"


def size(path):
    try:
        return os.path.getsize(os.path.join(work, path))
    except OSError:
        return None


out = []
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out.append(f"measured on {now}, {cpu()}, {os.cpu_count()} cores; revision {revision}")
out.append("")
out.append(f"Settings: {settings}.")
out.append("")

# --- 1. the HTTP ceiling -------------------------------------------------------------------------
out.append("## Tiny model against the HTTP ceiling (digits64, wrk on loopback)")
out.append("")
out.append(
    f"nginx serves gpux's /predict answer as a static file ({size('static/predict.json')} bytes; "
    f"gpux's /v2 answer is {size('answer-gpux-infer.json')} bytes). `gpux` is this revision "
    "(Netty); `jdk` is gpux serve at fc08a7b, on the JDK's built-in HTTP server. Requests/s is "
    "the median of the rounds (lowest-highest in brackets)."
)
out.append("")
out.append("| concurrency | side | requests/s | p50 ms | p99 ms | errors | vs nginx |")
out.append("|---|---|---|---|---|---|---|")
sides = ["nginx", "gpux-predict", "gpux-infer", "jdk-predict", "jdk-infer", "gpux-grpc",
         "gpux-predict-threads1", "python-predict"]
for c in (1, 8, 32, 128):
    ng = med("ceiling", "nginx", c, "rps")
    for side in sides:
        rps = med("ceiling", side, c, "rps")
        if rps is None:
            continue
        ratio = f"{rps / ng:.2f}x" if ng else "-"
        out.append(
            f"| {c} | {side} | {rps:,.0f}{spread('ceiling', side, c)} | "
            f"{ms(med('ceiling', side, c, 'p50_us'))} | {ms(med('ceiling', side, c, 'p99_us'))} | "
            f"{errors('ceiling', side, c)} | {ratio} |"
        )
out.append("")
out.append("`gpux-grpc` is ModelInfer with the tensor in `raw_input_contents` (h2load, "
           "32 streams on one HTTP/2 connection); `gpux-predict-threads1` is gpux serve with `--threads 1` "
           "(one intra-op thread per session instead of ONNX Runtime's one per core); `python-predict` is the Python GPUX 0.1.1's "
           "`gpux serve` (FastAPI + uvicorn).")
out.append("")

targets = []
ng32 = med("ceiling", "nginx", 32, "rps")
for side in ("gpux-predict", "gpux-infer"):
    g = med("ceiling", side, 32, "rps")
    if g and ng32:
        targets.append((f"{side} / nginx at concurrency 32 >= 0.6x", f"{g / ng32:.2f}x", g / ng32 >= 0.6))
    p99 = med("ceiling", side, 32, "p99_us")
    if p99 is not None:
        targets.append((f"{side} p99 at concurrency 32 <= 5 ms", f"{p99 / 1000:.2f} ms", p99 <= 5000))
grpc = med("ceiling", "gpux-grpc", 32, "rps")
http = med("ceiling", "gpux-infer", 32, "rps")
if grpc and http:
    targets.append(("gRPC ModelInfer >= HTTP /v2 infer at concurrency 32", f"{grpc / http:.2f}x", grpc >= http))
for side in ("predict", "infer"):
    g, j = med("ceiling", f"gpux-{side}", 32, "rps"), med("ceiling", f"jdk-{side}", 32, "rps")
    if g and j:
        out.append(f"Netty against the JDK server, {side} at concurrency 32: {g / j:.2f}x.")
py = med("ceiling", "python-predict", 32, "rps")
g = med("ceiling", "gpux-predict", 32, "rps")
if py and g:
    out.append(f"gpux serve against the Python GPUX at concurrency 32: {g / py:.2f}x.")
out.append("")

# --- 3. batching ---------------------------------------------------------------------------------
out.append("## Dynamic batching on vs off (mlp1024: 4 x MatMul 1024x1024, one row a request, concurrency 32)")
out.append("")
out.append("| side | requests/s | p50 ms | p99 ms | errors |")
out.append("|---|---|---|---|---|")
for side in ("batching", "no-batching"):
    rps = med("batching", side, 32, "rps")
    if rps is None:
        continue
    out.append(
        f"| {side} | {rps:,.0f}{spread('batching', side, 32)} | {ms(med('batching', side, 32, 'p50_us'))} | "
        f"{ms(med('batching', side, 32, 'p99_us'))} | {errors('batching', side, 32)} |"
    )
on, off = med("batching", "batching", 32, "rps"), med("batching", "no-batching", 32, "rps")
if on and off:
    targets.append(("batching on / off at concurrency 32 >= 2x", f"{on / off:.2f}x", on / off >= 2))
try:
    m = dict(line.rsplit(" ", 1) for line in open(os.path.join(work, "batch-metrics.txt")) if line.strip())
    s = float(next(v for k, v in m.items() if k.startswith("gpux_inference_batch_size_sum")))
    n = float(next(v for k, v in m.items() if k.startswith("gpux_inference_batch_size_count")))
    out.append("")
    out.append(f"Mean batch formed (server's /metrics): {s / n:.1f} rows over {int(n):,} runs.")
except (OSError, StopIteration, ValueError, ZeroDivisionError):
    pass
out.append("")

# --- 4. memory under a burst ---------------------------------------------------------------------
out.append("## Memory under a burst (echo1024, 200 concurrent requests at once)")
out.append("")
budget_text = next((p.split(":", 1)[1].strip() for p in settings.split(";") if "memory budget" in p), "?")
try:
    b = json.load(open(os.path.join(work, "burst.json")))
    mib = 1024 * 1024
    units = {"k": 1024, "m": mib, "g": 1024 * mib}
    budget = float(budget_text[:-1]) * units[budget_text[-1].lower()]
    peak = max(b["rss_peak_sampled"], b["vm_hwm"] if b.get("vm_hwm_reset") else 0)
    grew = peak - b["rss_before"]
    statuses = ", ".join(f"{n} x {s}" for s, n in sorted(b["statuses"].items()))
    out.append(
        f"Each request {b['body_bytes'] / 1024:.0f} KB of JSON; answered in {b['seconds']} s: {statuses}. "
        f"RSS before {b['rss_before'] / mib:.0f} MiB, peak {peak / mib:.0f} MiB "
        f"(VmHWM {'reset before the burst' if b.get('vm_hwm_reset') else 'not resettable'}): "
        f"{grew / mib:.0f} MiB more, against a memory budget of {budget / mib:.0f} MiB."
    )
    targets.append(("RSS growth under the burst <= the memory budget", f"{grew / mib:.0f} MiB of {budget / mib:.0f} MiB", grew <= budget))
except (OSError, KeyError, ValueError) as e:
    out.append(f"(no burst result: {e})")
out.append("")

# --- 5. HTTP cost per request --------------------------------------------------------------------
out.append("## HTTP cost per request (digits64)")
out.append("")
try:
    inproc = json.load(open(os.path.join(work, "inprocess.json")))
    http_p50 = med("ceiling", "gpux-predict", 1, "p50_us")
    if http_p50 is not None:
        inproc_us = inproc["median_ms"] * 1000
        out.append(
            f"In-process `InferenceModel.run` median {inproc_us:.1f} us; over HTTP (gpux serve, "
            f"one connection, wrk's p50) {http_p50:.0f} us: the HTTP round trip, JSON "
            f"parsing and encoding add {http_p50 - inproc_us:.0f} us a request."
        )
except (OSError, KeyError, ValueError):
    pass
out.append("")

out.append("## Targets")
out.append("")
out.append("| target | measured | result |")
out.append("|---|---|---|")
for name, value, ok in targets:
    out.append(f"| {name} | {value} | **{verdict(ok)}** |")
print("\n".join(out))
