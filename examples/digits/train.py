#!/usr/bin/env python3
"""Train the GPUX `digits` example: a small MLP on scikit-learn's bundled 8x8 digits.

Deterministic (fixed seeds, stratified 80/20 split). No download: load_digits() ships
with scikit-learn. Writes, next to this file:

  model.onnx    skl2onnx export; input `pixels` float32 [N, 64] (raw 0..16 intensities,
                the /16 scaling is inside the graph); outputs `label` int64 [N] and
                `probabilities` float32 [N, 10] (no ZipMap)
  metrics.json  test accuracy (sklearn and onnxruntime), test size, versions
  sample.json   one test image as a GPUX run input  {"pixels": [[64 floats]]}
  batch.json    four test images                    {"pixels": [[...] x4]}

Run:  .venv/bin/python examples/digits/train.py
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
import skl2onnx
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 0
# Opsets every ONNX Runtime release since 1.14 supports.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


def write_json(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1 if name.endswith("metrics.json") else None)
        f.write("\n")


def main():
    digits = load_digits()
    x = digits.data.astype(np.float32)  # (1797, 64), integer intensities 0..16
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, stratify=y, random_state=SEED)

    # Fixed scaling 0..16 -> 0..1 for every pixel: fit the scaler on the two extreme
    # images instead of the data, so it is exactly x / 16 and lives inside the graph.
    scaler = MinMaxScaler().fit(np.array([[0.0] * 64, [16.0] * 64], dtype=np.float32))
    clf = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=500,
                        random_state=SEED)
    clf.fit(scaler.transform(x_train), y_train)
    pipe = Pipeline([("scale", scaler), ("mlp", clf)])

    sk_pred = pipe.predict(x_test)
    sk_acc = float(np.mean(sk_pred == y_test))
    print(f"sklearn     test accuracy: {sk_acc:.4f} ({int(np.sum(sk_pred == y_test))}/{len(y_test)})")

    model = to_onnx(pipe, initial_types=[("pixels", FloatTensorType([None, 64]))],
                    target_opset=TARGET_OPSET,
                    options={id(clf): {"zipmap": False}})
    # Name the dynamic batch dimension (skl2onnx leaves it anonymous).
    for value in list(model.graph.input) + list(model.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    model.doc_string = "GPUX digits example: MLP on sklearn load_digits, raw 0..16 pixel input"
    onnx.checker.check_model(model)
    path = os.path.join(HERE, "model.onnx")
    onnx.save(model, path)

    # Cross-check: onnxruntime on the whole test set must match sklearn.
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    assert [i.name for i in sess.get_inputs()] == ["pixels"], sess.get_inputs()
    assert names == ["label", "probabilities"], names
    label, proba = sess.run(None, {"pixels": x_test})
    assert label.dtype == np.int64 and label.shape == (len(x_test),)
    assert proba.dtype == np.float32 and proba.shape == (len(x_test), 10)
    ort_acc = float(np.mean(label == y_test))
    max_diff = float(np.max(np.abs(proba - pipe.predict_proba(x_test))))
    print(f"onnxruntime test accuracy: {ort_acc:.4f}; label mismatches vs sklearn: "
          f"{int(np.sum(label != sk_pred))}; max |proba diff| {max_diff:.2e}")
    if ort_acc != sk_acc or max_diff > 1e-4:
        sys.exit("onnxruntime output disagrees with sklearn")

    size = os.path.getsize(path)
    print(f"wrote {path} ({size} bytes)")
    write_json("metrics.json", {
        "test_accuracy": round(sk_acc, 6),
        "onnxruntime_test_accuracy": round(ort_acc, 6),
        "n_train": int(len(y_train)),
        "n_test": int(len(y_test)),
        "model": "Pipeline(MinMaxScaler(0..16 -> 0..1), MLPClassifier(hidden=(64,), random_state=0))",
        "sample_label": int(y_test[0]),
        "batch_labels": [int(v) for v in y_test[:4]],
        "sklearn_version": sklearn.__version__,
        "skl2onnx_version": skl2onnx.__version__,
        "onnxruntime_version": ort.__version__,
        "opset": TARGET_OPSET,
    })
    write_json("sample.json", {"pixels": x_test[:1].astype(float).tolist()})
    write_json("batch.json", {"pixels": x_test[:4].astype(float).tolist()})


if __name__ == "__main__":
    main()
