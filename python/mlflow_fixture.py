"""Registers ONNX models on a real MLflow server with the official client, for the gpux tests.

    mlflow_fixture.py setup                 -> registers the fixture models, prints a JSON summary
    mlflow_fixture.py shared STATE          -> waits for the server, runs setup, writes the URL and
                                               the summary to STATE (the build's shared server)
    mlflow_fixture.py download URI DIR      -> mlflow.artifacts.download_artifacts(URI) into DIR
    mlflow_fixture.py big NAME MEGABYTES    -> registers a model with ~MEGABYTES of weights (bench)
    mlflow_fixture.py workspaces NAME WS... -> on a server with --enable-workspaces: creates each
                                               MLflow workspace WS and registers a model NAME in
                                               it (the i-th adds i + 1, with i + 1 versions);
                                               prints each one's versions and experiment

The tracking server comes from MLFLOW_TRACKING_URI (and MLFLOW_TRACKING_USERNAME/PASSWORD).

Fixture models (all `y = x + w`, float32 [-1, 4] in, [-1, 4] out):
  adder       versions 1, 2, 3 from one run with params/metrics/tags; alias champion -> 2,
              version 3 in stage Production, version 1 in Staging; model tag team=vision
  adder-ext   one version whose weights (4 KiB) sit in an external-data file (uuid-named)
  sklearn-ish a version with no onnx flavor (a plain artifact directory with an MLmodel)
  (run)       legacy-model: an onnx model folder logged as plain run artifacts (y = x + 7)
"""

import json
import os
import sys
import tempfile

import mlflow

# numpy and onnx are imported where models are made: `download` (the official client's download,
# run once per test that compares with it) needs neither.


def adder(width, offset):
    """y = x + w with w of `width` floats (`width` >= 256 makes it external data)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.full((width,), offset, dtype=np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, width])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, width])
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "adder", [x], [y], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def requirements():
    """The onnx flavor's default pip requirements, given explicitly: without them every log_model
    infers them by loading the model in a fresh Python process (seconds each, and nothing the tests
    look at)."""
    return mlflow.onnx.get_default_pip_requirements()


def signature(width):
    import numpy as np
    from mlflow.models import ModelSignature
    from mlflow.types.schema import Schema, TensorSpec

    return ModelSignature(
        inputs=Schema([TensorSpec(np.dtype(np.float32), (-1, width), "x")]),
        outputs=Schema([TensorSpec(np.dtype(np.float32), (-1, width), "y")]),
    )


def setup():
    import mlflow.onnx
    from mlflow import MlflowClient

    client = MlflowClient()
    mlflow.set_experiment("gpux-fixture")
    out = {}
    with mlflow.start_run(run_name="train-adder") as run:
        mlflow.log_params({"lr": "0.01", "epochs": "3"})
        mlflow.log_metric("accuracy", 0.93)
        mlflow.set_tag("team", "vision")
        versions = []
        for i in range(3):
            info = mlflow.onnx.log_model(
                adder(4, float(i + 1)),
                name="model",
                signature=signature(4),
                registered_model_name="adder",
                save_as_external_data=False,
                pip_requirements=requirements(),
            )
            versions.append(info.registered_model_version)
        out["adder_run"] = run.info.run_id
        out["adder_model_id"] = info.model_id
        out["adder_experiment"] = run.info.experiment_id
    client.set_registered_model_alias("adder", "champion", "2")
    client.transition_model_version_stage("adder", "3", "Production")
    client.transition_model_version_stage("adder", "1", "Staging")
    client.set_registered_model_tag("adder", "team", "vision")
    with mlflow.start_run(run_name="train-adder-ext") as run:
        info = mlflow.onnx.log_model(
            adder(1024, 0.5),
            name="model",
            signature=signature(1024),
            registered_model_name="adder-ext",
            save_as_external_data=True,
            pip_requirements=requirements(),
        )
        out["ext_run"] = run.info.run_id
    # A model folder logged as plain run artifacts (what older MLflow clients did): no logged
    # model stands for it, so runs:/<run>/legacy-model resolves through the run's artifacts.
    with mlflow.start_run(run_name="legacy-artifacts") as run:
        with tempfile.TemporaryDirectory() as d:
            folder = os.path.join(d, "legacy-model")
            mlflow.onnx.save_model(
                adder(4, 7.0),
                folder,
                signature=signature(4),
                save_as_external_data=False,
                pip_requirements=requirements(),
            )
            mlflow.log_artifacts(folder, "legacy-model")
        out["legacy_run"] = run.info.run_id
    with mlflow.start_run(run_name="not-onnx"):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "MLmodel"), "w") as f:
                f.write("flavors:\n  sklearn:\n    pickled_model: model.pkl\n")
            with open(os.path.join(d, "model.pkl"), "wb") as f:
                f.write(b"not really a pickle")
            mlflow.log_artifacts(d, "model")
            run_id = mlflow.active_run().info.run_id
        mlflow.register_model(f"runs:/{run_id}/model", "sklearn-ish")
    out["versions"] = versions
    print(json.dumps(out))


def big(name, megabytes):
    import mlflow.onnx

    width = int(megabytes) * 1024 * 1024 // 4
    with mlflow.start_run(run_name="big"):
        info = mlflow.onnx.log_model(
            adder(width, 1.0),
            name="model",
            registered_model_name=name,
            save_as_external_data=True,
            pip_requirements=requirements(),
        )
    print(json.dumps({"version": info.registered_model_version}))


def workspaces(name, names):
    """One model of the same name in each MLflow workspace, different in each: what tests of the
    workspace isolation pull and compare."""
    import mlflow.onnx

    out = {}
    for i, ws in enumerate(names):
        mlflow.create_workspace(ws)
        mlflow.set_workspace(ws)
        experiment = mlflow.set_experiment("gpux-workspaces")
        versions = []
        with mlflow.start_run(run_name=f"train-{ws}"):
            for _ in range(i + 1):
                info = mlflow.onnx.log_model(
                    adder(4, float(i + 1)),
                    name="model",
                    signature=signature(4),
                    registered_model_name=name,
                    save_as_external_data=False,
                    pip_requirements=requirements(),
                )
                versions.append(info.registered_model_version)
        out[ws] = {"versions": versions, "experiment": experiment.experiment_id}
    mlflow.set_workspace(None)
    print(json.dumps(out))


def shared(state):
    """setup() once the server answers, then {"url", "summary"} into STATE, atomically: the build's
    shared server is prepared in the background (MlflowServer.prestartShared) while the build
    compiles, and the test JVMs wait for STATE."""
    import contextlib
    import io
    import time
    import urllib.request

    url = os.environ["MLFLOW_TRACKING_URI"]
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"the mlflow server at {url} did not answer /health within 180 s")
        time.sleep(0.2)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        setup()
    summary = out.getvalue().strip().split("\n")[-1]
    tmp = state + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"url": url, "summary": summary}, f)
    os.replace(tmp, state)


def download(uri, dst):
    print(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=dst))


def download_timed(uri, dst):
    """The download call alone, without interpreter start-up and imports (for the benchmark)."""
    import time

    start = time.perf_counter()
    mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=dst)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "setup":
        setup()
    elif cmd == "shared":
        shared(sys.argv[2])
    elif cmd == "download":
        download(sys.argv[2], sys.argv[3])
    elif cmd == "download-timed":
        download_timed(sys.argv[2], sys.argv[3])
    elif cmd == "big":
        big(sys.argv[2], sys.argv[3])
    elif cmd == "workspaces":
        workspaces(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: mlflow_fixture.py setup | shared STATE | download URI DIR | big NAME MB")
