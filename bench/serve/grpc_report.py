"""Turns bench/serve-grpc.sh's measurements into the Markdown report (bench/results/serve-grpc.md).

Usage: grpc_report.py RESULTS.jsonl REVISION SETTINGS
Each number is the median over the rounds; ratios are taken of those medians.
"""

import json
import os
import platform
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

results_path, revision, settings = sys.argv[1:4]
groups = defaultdict(list)
for line in open(results_path):
    if line.strip():
        r = json.loads(line)
        groups[r["side"]].append(r)


def med(side, key):
    g = groups.get(side, [])
    if not g:
        return None
    if key == "rps":
        return statistics.median(x["requests"] / (x["duration_us"] / 1e6) for x in g)
    return statistics.median(x[key] for x in g)


def cpu_per_request(side):
    """The server's CPU time per answered request, median over the rounds."""
    return statistics.median(x["server_cpu_us"] / max(1, x["requests"]) for x in groups[side])


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


WHAT = {
    "http-v2": "HTTP `POST /v2/models/digits64/infer`, OIP JSON (wrk, 32 connections)",
    "http-predict": "HTTP `POST /predict`, GPUX JSON (wrk, 32 connections)",
    "ghz-raw": "gRPC ModelInfer, `raw_input_contents` (ghz, 1 connection)",
    "ghz-typed": "gRPC ModelInfer, typed `fp64_contents` (ghz, 1 connection)",
    "java-raw": "gRPC ModelInfer, `raw_input_contents` (GrpcLoad, 1 connection)",
    "java-typed": "gRPC ModelInfer, typed `fp64_contents` (GrpcLoad, 1 connection)",
}
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out = [f"measured on {now}, {cpu()}, {os.cpu_count()} cores; revision {revision}; {settings}", ""]
out.append("## Open Inference Protocol: gRPC ModelInfer vs HTTP (digits64, concurrency 32, one gpux serve)")
out.append("")
out.append("| what | requests/s | p50 ms | p99 ms | errors | vs HTTP /v2 | server CPU a request |")
out.append("|---|---|---|---|---|---|---|")
base = med("http-v2", "rps")
for side, what in WHAT.items():
    rps = med(side, "rps")
    if rps is None:
        continue
    errs = sum(x["non2xx"] + x["socket_errors"] for x in groups[side])
    out.append(
        f"| {what} | {rps:,.0f} | {med(side, 'p50_us') / 1000:.2f} | {med(side, 'p99_us') / 1000:.2f}"
        f" | {errs} | {rps / base:.2f}x | {cpu_per_request(side):.0f} us |"
    )
out.append("")
best = max((med(s, "rps") or 0) for s in ("ghz-raw", "ghz-typed", "java-raw", "java-typed"))
verdict = "PASS" if best >= base else "MISS"
out.append(f"Target: gRPC ModelInfer at c32 >= the HTTP figure (/v2 JSON): best gRPC {best / base:.2f}x, **{verdict}**.")
out.append("")
out.append(
    "Server CPU a request: the server process's user + system CPU time during the run divided by"
    " the requests answered; it does not depend on what the load generator costs, which is more"
    " for a gRPC client than for wrk, on the same cores."
)
out.append("")
out.append(
    "Errors count failed calls; ghz also counts the calls its own deadline cuts off at the end of a"
    " run (`use of closed network connection`), which are left out here."
)
out.append("")
out.append("Per round (requests/s):")
out.append("")
for side in WHAT:
    if side in groups:
        rounds = ", ".join(f"{x['requests'] / (x['duration_us'] / 1e6):,.0f}" for x in groups[side])
        out.append(f"- {side}: {rounds}")
print("\n".join(out))
