#!/usr/bin/env python3
"""Runs the KServe Python SDK's REST client (kserve.InferenceRESTClient, protocol v2) against an
Open Inference Protocol server (gpux serve in tests) and writes what it got to a JSON report.

  kserve_client_check.py --url 127.0.0.1:PORT --model NAME --input NAME --shape 2,4 --out FILE

Tensors travel in the JSON form, with the binary tensor extension (binary input, binary output
requested), and as a plain dict request, the three ways the SDK sends them.
"""
import argparse
import asyncio
import json

import numpy as np
from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig
from kserve.protocol.infer_type import RequestedOutput


async def check(a):
    base = "http://" + a.url
    client = InferenceRESTClient(RESTConfig(protocol="v2", retries=1, timeout=30))
    report = {
        "live": await client.is_server_live(base),
        "ready": await client.is_server_ready(base),
        "model_ready": await client.is_model_ready(base, a.model),
    }
    shape = [int(d) for d in a.shape.split(",")]
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)

    json_input = InferInput(name=a.input, shape=shape, datatype="FP32")
    json_input.set_data_from_numpy(x, binary_data=False)
    r = await client.infer(
        base, InferRequest(model_name=a.model, infer_inputs=[json_input], request_id="ks-json"), model_name=a.model
    )
    report["response_id"] = r.id
    report["model_name"] = r.model_name
    report["outputs"] = {o.name: o.as_numpy().tolist() for o in r.outputs}

    binary_input = InferInput(name=a.input, shape=shape, datatype="FP32")
    binary_input.set_data_from_numpy(x, binary_data=True)
    wanted = [RequestedOutput(o.name, parameters={"binary_data": True}) for o in r.outputs]
    headers = {}
    rb = await client.infer(
        base,
        InferRequest(model_name=a.model, infer_inputs=[binary_input], request_id="ks-bin", request_outputs=wanted),
        model_name=a.model,
        response_headers=headers,
    )
    report["binary_outputs"] = {o.name: o.as_numpy().tolist() for o in rb.outputs}
    report["binary_response_header"] = headers.get("inference-header-content-length")

    plain = {"inputs": [{"name": a.input, "shape": shape, "datatype": "FP32", "data": x.flatten().tolist()}]}
    rd = await client.infer(base, plain, model_name=a.model)
    report["dict_outputs"] = {o.name: o.as_numpy().tolist() for o in rd.outputs}

    try:
        await client.infer(base, plain, model_name="no-such-model")
        report["missing_model_status"] = None
    except Exception as e:  # httpx.HTTPStatusError
        report["missing_model_status"] = getattr(getattr(e, "response", None), "status_code", str(e))
    await client.close()
    return report


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--shape", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    report = asyncio.run(check(a))
    with open(a.out, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
