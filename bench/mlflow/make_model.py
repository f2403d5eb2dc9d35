"""Logs and registers a ~200 MB ONNX model in a running MLflow server, for bench/mlflow-pull.sh.

The weights go to MLflow's external-data file (mlflow.onnx.log_model's default), so the model
directory holds MLmodel, model.onnx, a ~200 MB UUID-named data file and the environment files,
as a real registered ONNX model does.

Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:PORT python make_model.py NAME
"""

import sys

import mlflow
import mlflow.onnx
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

name = sys.argv[1]
rng = np.random.default_rng(7)
size, depth = 2048, 12  # 12 x 2048 x 2048 float32 = 192 MiB of weights
nodes, inits, prev = [], [], "x"
for i in range(depth):
    w = (rng.standard_normal((size, size)) * np.sqrt(2.0 / size)).astype(np.float32)
    inits.append(numpy_helper.from_array(w, f"w{i}"))
    out = "y" if i == depth - 1 else f"h{i}"
    nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [out]))
    prev = out
graph = helper.make_graph(
    nodes,
    "bench",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", size])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", size])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
with mlflow.start_run():
    info = mlflow.onnx.log_model(model, name="model", registered_model_name=name)
print(info.model_uri)
