#!/usr/bin/env python3
"""Runs the official Triton/KServe gRPC client (tritonclient.grpc) against an Open Inference
Protocol gRPC server (gpux serve --grpc-port in tests) and writes what it got to a JSON report.

  oip_grpc_client_check.py --url 127.0.0.1:PORT --model NAME --input NAME --shape 2,4 --out FILE
                           [--text-model NAME --text-input NAME] [--types-model NAME]
                           [--explicit-url 127.0.0.1:PORT --explicit-load PATH --explicit-name NAME]
  oip_grpc_client_check.py --url 127.0.0.1:PORT --model NAME --input NAME --shape 2,4 --out FILE
                           --tls-root-cert CERT.pem
      over TLS (ssl=True, root_certificates=CERT.pem, as the docs tell users) only: health,
      metadata, one inference, and what a plaintext client gets from the TLS port.

Tensors travel as tritonclient sends them (raw_input_contents, answered in raw_output_contents)
and, through tritonclient's generated stub, as typed contents (the JSON-equivalent form).
"""
import argparse
import json

import grpc
import numpy as np
import tritonclient.grpc as tc
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

# The multi-dtype test model: one [batch, 2] input per type, named after it.
TYPES = {
    "float32": ("FP32", np.float32),
    "float64": ("FP64", np.float64),
    "int32": ("INT32", np.int32),
    "int64": ("INT64", np.int64),
    "int8": ("INT8", np.int8),
    "uint8": ("UINT8", np.uint8),
    "bool": ("BOOL", np.bool_),
}


def error(e):
    return {"status": e.status(), "message": e.message()}


def tls(a):
    c = tc.InferenceServerClient(url=a.url, ssl=True, root_certificates=a.tls_root_cert)
    shape = [int(d) for d in a.shape.split(",")]
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    inp = tc.InferInput(a.input, shape, "FP32")
    inp.set_data_from_numpy(x)
    r = c.infer(a.model, [inp], request_id="tls-1")
    report = {
        "live": c.is_server_live(),
        "ready": c.is_server_ready(),
        "server_metadata": c.get_server_metadata(as_json=True),
        "outputs": {"y": r.as_numpy("y").tolist()},
        "response_id": r.get_response().id,
    }
    try:
        tc.InferenceServerClient(url=a.url).is_server_live(client_timeout=10)
        report["plaintext_error"] = None
    except InferenceServerException as e:
        report["plaintext_error"] = error(e)
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2, default=str)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--shape", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--text-model")
    p.add_argument("--text-input")
    p.add_argument("--types-model")
    p.add_argument("--explicit-url")
    p.add_argument("--explicit-load")
    p.add_argument("--explicit-name")
    p.add_argument("--tls-root-cert")
    a = p.parse_args()
    if a.tls_root_cert:
        return tls(a)
    c = tc.InferenceServerClient(url=a.url)
    report = {
        "live": c.is_server_live(),
        "ready": c.is_server_ready(),
        "model_ready": c.is_model_ready(a.model),
        "server_metadata": c.get_server_metadata(as_json=True),
        "metadata": c.get_model_metadata(a.model, as_json=True),
        "config": c.get_model_config(a.model, as_json=True),
    }
    shape = [int(d) for d in a.shape.split(",")]
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    inp = tc.InferInput(a.input, shape, "FP32")
    inp.set_data_from_numpy(x)
    r = c.infer(a.model, [inp], outputs=[tc.InferRequestedOutput("y")], request_id="grpc-1")
    report["outputs"] = {"y": r.as_numpy("y").tolist()}
    report["response_id"] = r.get_response().id

    # Typed contents (InferTensorContents.fp32_contents) through tritonclient's generated stub.
    with grpc.insecure_channel(a.url) as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        req = service_pb2.ModelInferRequest(model_name=a.model, id="typed")
        t = req.inputs.add(name=a.input, datatype="FP32", shape=shape)
        t.contents.fp32_contents.extend(x.flatten().tolist())
        resp = stub.ModelInfer(req)
        out = resp.outputs[0]
        report["typed_outputs"] = {
            out.name: np.frombuffer(resp.raw_output_contents[0], dtype=np.float32).reshape(list(out.shape)).tolist()
        }

    if a.types_model:
        inputs, sent = [], {}
        for name, (datatype, dtype) in TYPES.items():
            v = np.array([[1, 0]], dtype=dtype) if dtype == np.bool_ else np.array([[-3, 7]]).astype(dtype)
            i = tc.InferInput(name, [1, 2], datatype)
            i.set_data_from_numpy(v)
            inputs.append(i)
            sent[name] = v.tolist()
        rt = c.infer(a.types_model, inputs)
        report["dtypes_sent"] = sent
        report["dtypes"] = {
            o.name: {"datatype": o.datatype, "data": rt.as_numpy(o.name).tolist()} for o in rt.get_response().outputs
        }

    if a.text_model:
        t = tc.InferInput(a.text_input, [2], "BYTES")
        t.set_data_from_numpy(np.array([b"hello world", b"hello"], dtype=object))
        rb = c.infer(a.text_model, [t], outputs=[tc.InferRequestedOutput("masked")])
        report["text_masked"] = rb.as_numpy("masked").tolist()

    report["statistics"] = c.get_inference_statistics(a.model, as_json=True)
    report["repository_index"] = c.get_model_repository_index(as_json=True)

    try:
        c.infer("no-such-model", [inp])
        report["missing_model_error"] = None
    except InferenceServerException as e:
        report["missing_model_error"] = error(e)
    try:
        bad = tc.InferInput(a.input, shape, "FP64")
        bad.set_data_from_numpy(x.astype(np.float64))
        c.infer(a.model, [bad])
        report["wrong_dtype_error"] = None
    except InferenceServerException as e:
        report["wrong_dtype_error"] = error(e)
    try:
        c.unload_model(a.model)
        report["unload_error"] = None
    except InferenceServerException as e:
        report["unload_error"] = error(e)

    if a.explicit_url:
        e = tc.InferenceServerClient(url=a.explicit_url)
        e.load_model(a.explicit_load)
        name = a.explicit_name
        report["explicit_loaded_ready"] = e.is_model_ready(name)
        xi = tc.InferInput(a.input, shape, "FP32")
        xi.set_data_from_numpy(x)
        report["explicit_outputs"] = e.infer(name, [xi]).as_numpy("y").tolist()
        e.unload_model(name)
        report["explicit_index"] = e.get_model_repository_index(as_json=True)
        try:
            e.get_model_metadata(name)
            report["explicit_after_unload"] = "still there"
        except InferenceServerException as err:
            report["explicit_after_unload"] = error(err)
        e.close()
    c.close()
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2, default=str)


if __name__ == "__main__":
    main()
