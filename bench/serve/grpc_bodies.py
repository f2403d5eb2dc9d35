"""Request bodies and result lines for bench/serve-grpc.sh.

  grpc_bodies.py SAMPLE.json OUTDIR MODEL INPUT DATATYPE
      From a /predict body ({"INPUT": [[...]]}) writes the same tensor as an Open Inference
      Protocol JSON body (OUTDIR/oip.json, for wrk) and as ModelInferRequests in ghz's JSON form:
      typed contents (OUTDIR/grpc-typed.json) and raw_input_contents (OUTDIR/grpc-raw.json).
  grpc_bodies.py --summary < ghz-summary.json
      Turns ghz's JSON summary into the line bench/serve/post.lua prints for wrk.
  grpc_bodies.py --h2load H2LOAD-OUTPUT LOG-FILE SERVER-FAILURES
      The same line from h2load's output and its --log-file (one line a request: start time,
      HTTP status, microseconds until the end of the response). h2load reads no gRPC trailers
      (a failed call is still HTTP 200), so the failures the server counted over the run
      (bench/serve-grpc.sh reads them from /metrics) are counted as errors too.
"""

import base64
import json
import re
import sys

import numpy as np

FIELDS = {"FP32": ("fp32_contents", np.float32), "FP64": ("fp64_contents", np.float64)}


def bodies(sample, outdir, model, name, datatype):
    value = np.array(json.load(open(sample))[name])
    field, dtype = FIELDS[datatype]
    shape = list(value.shape)
    flat = value.astype(dtype).flatten().tolist()
    oip = {"inputs": [{"name": name, "shape": shape, "datatype": datatype, "data": flat}]}
    tensor = {"name": name, "datatype": datatype, "shape": shape}
    typed = {"model_name": model, "inputs": [dict(tensor, contents={field: flat})]}
    raw = {
        "model_name": model,
        "inputs": [tensor],
        "raw_input_contents": [base64.b64encode(value.astype("<" + np.dtype(dtype).str[1:]).tobytes()).decode()],
    }
    for file, body in (("oip.json", oip), ("grpc-typed.json", typed), ("grpc-raw.json", raw)):
        with open(f"{outdir}/{file}", "w") as f:
            json.dump(body, f)


def summary():
    s = json.load(sys.stdin)
    lat = {d["percentage"]: d["latency"] for d in s.get("latencyDistribution") or []}
    ok = (s.get("statusCodeDistribution") or {}).get("OK", 0)
    # Calls in flight when ghz's -z deadline ends are cut off by ghz itself, not failed by the server.
    cut = sum(n for e, n in (s.get("errorDistribution") or {}).items() if "use of closed network connection" in e)
    line = {
        "requests": ok,
        "duration_us": s["total"] // 1000,
        "non2xx": s["count"] - ok - cut,
        "socket_errors": 0,
        "p50_us": lat.get(50, 0) // 1000,
        "p90_us": lat.get(90, 0) // 1000,
        "p99_us": lat.get(99, 0) // 1000,
        "mean_us": round(s["average"] / 1000, 1),
    }
    print(json.dumps(line, separators=(",", ":")))


def h2load(output, log, server_failures):
    text = open(output).read()
    # "finished in" counts the warm-up too; req/s and the counts are of the measured part only.
    total = int(re.search(r"requests: (\d+) total", text).group(1))
    rps = float(re.search(r"finished in [0-9.]+s, ([0-9.]+) req/s", text).group(1))
    elapsed = total / rps if rps else 0
    failed = sum(int(re.search(r"(\d+) " + what, text).group(1)) for what in ("failed", "errored", "timeout"))
    lat, non2xx = [], 0
    for row in open(log):
        cols = row.split()
        if len(cols) < 3:
            continue
        if cols[1] == "200":
            lat.append(int(cols[2]))
        else:
            non2xx += 1
    lat.sort()

    def pct(p):
        return lat[int((len(lat) - 1) * p / 100)] if lat else 0

    line = {
        "requests": len(lat),
        "duration_us": int(elapsed * 1e6),
        "non2xx": non2xx + int(server_failures),
        "socket_errors": failed,
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "mean_us": round(sum(lat) / len(lat), 1) if lat else 0,
    }
    print(json.dumps(line, separators=(",", ":")))


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary()
    elif sys.argv[1] == "--h2load":
        h2load(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        bodies(*sys.argv[1:6])
