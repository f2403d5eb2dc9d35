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


def cpu_per_request(side, who="server"):
    """The server's (or the load generator's) CPU time per answered request, median over the rounds."""
    return statistics.median(x[who + "_cpu_us"] / max(1, x["requests"]) for x in groups[side])


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
    "h2c-v2": "HTTP/2 (h2c) `POST /v2/models/digits64/infer`, OIP JSON (h2load, 1 connection, 32 streams)",
    "h2load-raw": "gRPC ModelInfer, `raw_input_contents` (h2load, 1 connection, 32 streams)",
    "h2load-typed": "gRPC ModelInfer, typed `fp64_contents` (h2load, 1 connection, 32 streams)",
    "ghz-raw": "gRPC ModelInfer, `raw_input_contents` (ghz, 1 connection)",
    "java-raw": "gRPC ModelInfer, `raw_input_contents` (GrpcLoad, 1 connection)",
}
# The like-for-like pair: both load generators in C, each costing a few microseconds a request.
FAIR = ("h2load-raw", "h2load-typed")
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out = [f"measured on {now}, {cpu()}, {os.cpu_count()} cores; revision {revision}; {settings}", ""]
out.append("## Open Inference Protocol: gRPC ModelInfer vs HTTP (digits64, concurrency 32, one gpux serve)")
out.append("")
out.append("| what | requests/s | p50 ms | p99 ms | errors | vs HTTP /v2 | server CPU a request | load generator CPU a request |")
out.append("|---|---|---|---|---|---|---|---|")
base = med("http-v2", "rps")
for side, what in WHAT.items():
    rps = med(side, "rps")
    if rps is None:
        continue
    errs = sum(x["non2xx"] + x["socket_errors"] for x in groups[side])
    out.append(
        f"| {what} | {rps:,.0f} | {med(side, 'p50_us') / 1000:.2f} | {med(side, 'p99_us') / 1000:.2f}"
        f" | {errs} | {rps / base:.2f}x | {cpu_per_request(side):.0f} us | {cpu_per_request(side, 'client'):.0f} us |"
    )
out.append("")
best = max((med(s, "rps") or 0) for s in FAIR)
verdict = "PASS" if best >= base else "MISS"
out.append(
    f"Target: gRPC ModelInfer at c32 >= the HTTP figure (/v2 JSON), each driven by a load generator"
    f" in C (h2load against wrk): best gRPC {best / base:.2f}x, **{verdict}**."
)
out.append("")
out.append(
    "Server CPU a request: the server process's user + system CPU time during the run divided by"
    " the requests answered; it does not depend on what the load generator costs. Load generator"
    " CPU a request: the same for the client process. The server and the load generator share the"
    " machine's cores, so a client that costs more a call than the server (ghz, GrpcLoad) measures"
    " itself more than the server."
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
