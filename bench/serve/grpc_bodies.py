"""Request bodies and result lines for bench/serve-grpc.sh.

  grpc_bodies.py SAMPLE.json OUTDIR MODEL INPUT DATATYPE
      From a /predict body ({"INPUT": [[...]]}) writes the same tensor as an Open Inference
      Protocol JSON body (OUTDIR/oip.json, for wrk) and as ModelInferRequests in ghz's JSON form:
      typed contents (OUTDIR/grpc-typed.json) and raw_input_contents (OUTDIR/grpc-raw.json).
  grpc_bodies.py --summary < ghz-summary.json
      Turns ghz's JSON summary into the line bench/serve/post.lua prints for wrk.
"""

import base64
import json
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


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary()
    else:
        bodies(*sys.argv[1:6])
