"""Writes the serve benchmark's models into a work folder (bench/serve.sh calls it).

digits64/: examples/digits with a float64 input of fixed shape [1, 64] (a Cast to float32 in front
of the MLP). The Python GPUX 0.1.1's /predict refuses examples/digits as it is ("Input validation
failed"): it turns JSON lists into numpy arrays with np.array(), which makes float64 where the
model wants float32, and its shape check compares the symbolic batch dimension with an int
(TypeError). A float64 input of fixed shape is what it can serve, so both servers get this model
and the same request body.

Usage: python make_models.py WORK_DIR REPO_ROOT
"""

import json
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

work, root = Path(sys.argv[1]), Path(sys.argv[2])
digits = root / "examples" / "digits"

model = onnx.load(str(digits / "model.onnx"))
graph = model.graph
old = graph.input[0]
cast_out = old.name + "_f32"
for node in graph.node:
    node.input[:] = [cast_out if i == old.name else i for i in node.input]
graph.node.insert(0, helper.make_node("Cast", [old.name], [cast_out], to=TensorProto.FLOAT))
old.type.tensor_type.elem_type = TensorProto.DOUBLE
for value in list(graph.input) + list(graph.output):
    dim0 = value.type.tensor_type.shape.dim[0]
    dim0.ClearField("dim_param")
    dim0.dim_value = 1
onnx.checker.check_model(model)

out = work / "digits64"
out.mkdir(parents=True, exist_ok=True)
onnx.save(model, str(out / "model.onnx"))
yml = (digits / "gpux.yml").read_text()
yml = yml.replace("name: digits\n", "name: digits64\n", 1)
yml = yml.replace("  pixels:\n    type: float32", "  pixels:\n    type: float64", 1)
yml = yml.replace("shape: [-1, ", "shape: [1, ").replace("shape: [-1]", "shape: [1]")
(out / "gpux.yml").write_text(yml)
sample = json.loads((digits / "sample.json").read_text())
(work / "digits64.json").write_text(json.dumps(sample))
print(out)

# mlp1024/: four 1024x1024 MatMuls with Relu between, float32, dynamic batch: heavy enough per row
# (8 MFLOP) that joining rows into one run pays, for dynamic batching on vs off.
import numpy as np
from onnx import numpy_helper

rng = np.random.default_rng(42)
size, depth = 1024, 4
nodes, inits, prev = [], [], "x"
for i in range(depth):
    w = (rng.standard_normal((size, size)) * np.sqrt(2.0 / size)).astype(np.float32)
    inits.append(numpy_helper.from_array(w, f"w{i}"))
    out = "y" if i == depth - 1 else f"mm{i}"
    nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [out]))
    prev = out
    if i < depth - 1:
        nodes.append(helper.make_node("Relu", [out], [f"relu{i}"]))
        prev = f"relu{i}"
g = helper.make_graph(
    nodes,
    "mlp1024",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", size])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", size])],
    inits,
)
mlp = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="gpux-bench")
mlp.ir_version = 8
onnx.checker.check_model(mlp)
out = work / "mlp1024"
out.mkdir(parents=True, exist_ok=True)
onnx.save(mlp, str(out / "model.onnx"))
(out / "gpux.yml").write_text(
    "name: mlp1024\nmodel: {source: ./model.onnx}\n"
    "inputs:\n  x: {type: float32, shape: [-1, 1024]}\n"
    "outputs:\n  y: {type: float32, shape: [-1, 1024]}\n"
)
row = [round(float(v), 3) for v in rng.standard_normal(size)]
(work / "mlp1024.json").write_text(json.dumps({"x": [row]}))
print(out)

# echo1024/: y = x + 0 on float32 [batch, 1024]: a model that costs nothing, so a burst of large
# requests measures what the server holds in memory, not compute. echo1024.json: a 768 KB body.
g = helper.make_graph(
    [helper.make_node("Add", ["x", "zero"], ["y"])],
    "echo1024",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", size])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", size])],
    [numpy_helper.from_array(np.zeros((), np.float32), "zero")],
)
echo = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="gpux-bench")
echo.ir_version = 8
onnx.checker.check_model(echo)
out = work / "echo1024"
out.mkdir(parents=True, exist_ok=True)
onnx.save(echo, str(out / "model.onnx"))
(out / "gpux.yml").write_text(
    "name: echo1024\nmodel: {source: ./model.onnx}\n"
    "inputs:\n  x: {type: float32, shape: [-1, 1024]}\n"
    "outputs:\n  y: {type: float32, shape: [-1, 1024]}\n"
)
rows, text = [], ""
while len(text) < 768 * 1024:
    rows.append([round(float(v), 4) for v in rng.standard_normal(size)])
    text = json.dumps({"x": rows})
(work / "echo1024.json").write_text(text)
print(out)
