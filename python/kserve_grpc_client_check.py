#!/usr/bin/env python3
"""Runs the KServe Python SDK's gRPC client (kserve.InferenceGRPCClient) against an Open Inference
Protocol gRPC server (gpux serve --grpc-port in tests) and writes what it got to a JSON report.

  kserve_grpc_client_check.py --url 127.0.0.1:PORT --model NAME --input NAME --shape 2,4 --out FILE

Tensors travel as typed contents (data given as a list) and as raw_input_contents (data given as
a numpy array), the two ways the SDK sends them.
"""
import argparse
import asyncio
import json

import grpc
import numpy as np
from kserve import InferenceGRPCClient, InferInput, InferRequest


async def check(a):
    client = InferenceGRPCClient(url=a.url, timeout=30, retries=0)
    report = {
        "live": await client.is_server_live(),
        "ready": await client.is_server_ready(),
        "model_ready": await client.is_model_ready(a.model),
    }
    shape = [int(d) for d in a.shape.split(",")]
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)

    typed = InferInput(name=a.input, shape=shape, datatype="FP32", data=x.flatten().tolist())
    r = await client.infer(InferRequest(model_name=a.model, infer_inputs=[typed], request_id="ks-typed"))
    report["response_id"] = r.id
    report["model_name"] = r.model_name
    report["outputs"] = {o.name: o.as_numpy().tolist() for o in r.outputs}

    raw = InferInput(name=a.input, shape=shape, datatype="FP32")
    raw.set_data_from_numpy(x, binary_data=True)
    rb = await client.infer(InferRequest(model_name=a.model, infer_inputs=[raw], request_id="ks-raw"))
    report["raw_outputs"] = {o.name: o.as_numpy().tolist() for o in rb.outputs}

    try:
        await client.infer(InferRequest(model_name="no-such-model", infer_inputs=[raw]))
        report["missing_model_error"] = None
    except grpc.aio.AioRpcError as e:
        report["missing_model_error"] = {"code": e.code().name, "details": e.details()}
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
