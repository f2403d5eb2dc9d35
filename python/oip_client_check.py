#!/usr/bin/env python3
"""Runs the official Triton/KServe HTTP client (tritonclient.http) against an Open Inference
Protocol server (gpux serve in tests) and writes what it got to a JSON report.

  oip_client_check.py --url 127.0.0.1:PORT --model NAME --input NAME --shape 1,4 --out FILE
                      [--text-model NAME --text-input NAME]

Tensors travel both ways: in the JSON form (binary_data=False) and, as tritonclient does by
default, with the binary tensor extension.
"""
import argparse
import json

import numpy as np
import tritonclient.http as http


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--shape", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--text-model")
    p.add_argument("--text-input")
    p.add_argument("--explicit-url")
    p.add_argument("--explicit-load")
    p.add_argument("--explicit-name")
    a = p.parse_args()
    c = http.InferenceServerClient(url=a.url)
    report = {"live": c.is_server_live(), "ready": c.is_server_ready(), "model_ready": c.is_model_ready(a.model)}
    meta = c.get_model_metadata(a.model)
    report["metadata"] = meta
    shape = [int(d) for d in a.shape.split(",")]
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    inp = http.InferInput(a.input, shape, "FP32")
    inp.set_data_from_numpy(x, binary_data=False)
    outputs = [http.InferRequestedOutput(o["name"], binary_data=False) for o in meta["outputs"]]
    result = c.infer(a.model, [inp], outputs=outputs, request_id="check-1")
    report["input"] = x.tolist()
    report["outputs"] = {o["name"]: result.as_numpy(o["name"]).tolist() for o in meta["outputs"]}
    report["response_id"] = result.get_response().get("id")
    # The client's defaults: binary input and binary outputs.
    binp = http.InferInput(a.input, shape, "FP32")
    binp.set_data_from_numpy(x)
    bresult = c.infer(a.model, [binp], outputs=[http.InferRequestedOutput(o["name"]) for o in meta["outputs"]])
    report["binary_outputs"] = {o["name"]: bresult.as_numpy(o["name"]).tolist() for o in meta["outputs"]}
    if a.text_model:
        t = http.InferInput(a.text_input, [2], "BYTES")
        t.set_data_from_numpy(np.array([b"hello world", b"hello"], dtype=object), binary_data=False)
        r = c.infer(a.text_model, [t])
        report["text_outputs"] = {o["name"]: r.as_numpy(o["name"]).tolist() for o in r.get_response()["outputs"]}
        tb = http.InferInput(a.text_input, [2], "BYTES")
        tb.set_data_from_numpy(np.array([b"hello world", b"hello"], dtype=object))
        rb = c.infer(a.text_model, [tb], outputs=[http.InferRequestedOutput("masked")])
        report["text_binary_masked"] = rb.as_numpy("masked").tolist()
    # Extensions: statistics (after the requests above), the repository index, and load/unload,
    # which gpux serve refuses as Triton does in its 'none' model-control mode.
    report["statistics"] = c.get_inference_statistics(a.model)
    report["all_statistics"] = c.get_inference_statistics()
    report["repository_index"] = c.get_model_repository_index()
    try:
        c.unload_model(a.model)
        report["unload_error"] = None
    except Exception as e:  # noqa: BLE001
        report["unload_error"] = {"type": type(e).__name__, "message": str(e)}
    if a.explicit_url:
        # A server in explicit model-control mode: load a model by its path, infer, unload it.
        e = http.InferenceServerClient(url=a.explicit_url)
        e.load_model(a.explicit_load)
        name = a.explicit_name
        report["explicit_loaded_ready"] = e.is_model_ready(name)
        xi = http.InferInput(a.input, shape, "FP32")
        xi.set_data_from_numpy(x)
        report["explicit_outputs"] = e.infer(name, [xi]).as_numpy("y").tolist()
        e.unload_model(name)
        report["explicit_index"] = e.get_model_repository_index()
        try:
            e.get_model_metadata(name)
            report["explicit_after_unload"] = "still there"
        except Exception as err:  # noqa: BLE001
            report["explicit_after_unload"] = getattr(err, "status", lambda: None)()
    try:
        c.get_model_metadata("no-such-model")
    except Exception as e:  # noqa: BLE001 - the type and status are what the test checks
        report["missing_model_error"] = {"type": type(e).__name__, "status": getattr(e, "status", lambda: None)()}
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2, default=str)


if __name__ == "__main__":
    main()
