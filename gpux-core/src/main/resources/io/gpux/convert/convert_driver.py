"""GPUX's converter driver: one framework model in, one checked ONNX model out.

Run by io.gpux.convert.ModelConverter in a managed Python environment (never by hand, but it
works by hand too):

  python convert_driver.py --framework tensorflow|keras|tflite|pytorch|transformers|sklearn
      --source PATH --output model.onnx --record record.json [--opset 17]
      [--input-shape NAME=1x224x224x3]... [--atol A --rtol R]
      [--entrypoint NAME --entry-arg K=V...]   (these two: a hub folder)
      [--task TASK] [--declared-task PIPELINE_TAG] [--trust]   (Transformers, scikit-learn)

The TensorFlow frameworks live here. PyTorch models (a TorchScript file; a hub repository's
entrypoint) are in torch_models.py and their export in torch_export.py; Transformers in
transformers_export.py and scikit-learn in sklearn_export.py, beside this file: each imported only
for its frameworks, so one environment never needs another's packages. A framework may give its
own check inputs (check_inputs: tokenized text for a language model) instead of the seeded random
ones, and "details" for the record.

It loads the model with its own framework, converts it, then checks the conversion: the ONNX
model (onnxruntime) and the framework run the same seeded random inputs, and the largest absolute
and relative difference of every output is compared with the tolerance (numpy.allclose's rule:
|onnx - framework| <= atol + rtol * |framework|, element by element).

The record (JSON) is written in every case, with "status" passed, check_failed, export_failed,
load_failed or bad_input; the process exits 0 whenever it could write it, so the caller reads one
place for what happened. Progress goes to standard output as "gpux-convert: STEP" lines; the
frameworks' own logs go to standard error, which the caller keeps only to explain a crash.
"""

import argparse
import json
import os
import re
import sys
import time
import traceback

from convert_common import BadInput, rename_io

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # the same kernels as onnxruntime's reference

# A dynamic dimension gets this size in the check unless --input-shape names it: small, but not 1,
# so that a conversion that mixes up the batch dimension shows.
DYNAMIC_DIM = 2


# What counts as bad input: BadInput (from convert_common, which the framework modules import
# too, so the driver never imports itself back through them) and any a module adds.
BAD_INPUT = [BadInput]
# An export the converter could not do, with its message: a framework module adds its class.
EXPORT_FAILED = []


def step(name):
    print("gpux-convert: " + name, flush=True)


def parse_shapes(values):
    shapes = {}
    for v in values:
        name, sep, dims = v.partition("=")
        if not sep or not name:
            raise BadInput("--input-shape %r is not NAME=DIMS (e.g. image=1x224x224x3)" % v)
        try:
            shapes[name] = [int(d) for d in dims.lower().split("x")]
        except ValueError:
            raise BadInput("--input-shape %r: dimensions must be whole numbers joined by x" % v)
    return shapes


def flatten_outputs(result, names=None):
    """The framework's outputs as name -> numpy array (dicts by key, lists by position)."""
    import numpy as np

    if isinstance(result, dict):
        return {str(k): np.asarray(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return {(names[i] if names and i < len(names) else "output_%d" % i): np.asarray(v)
                for i, v in enumerate(result)}
    return {(names[0] if names else "output_0"): np.asarray(result)}


# ----------------------------------------------------------------------------------------------
# Frameworks: each loads the model, gives a reference function (feeds -> outputs) and converts.


class TensorFlowSavedModel:
    framework = "tensorflow"

    def __init__(self, source, signature="serving_default"):
        import tensorflow as tf

        self.tf = tf
        self.source = source
        self.signature = signature
        loaded = tf.saved_model.load(source)
        if signature not in loaded.signatures:
            raise BadInput("the SavedModel has no signature %r (it has: %s)"
                           % (signature, ", ".join(loaded.signatures.keys()) or "none"))
        self.loaded = loaded  # keeps the variables alive
        self.fn = loaded.signatures[signature]

    def versions(self):
        return {"framework_version": self.tf.__version__}

    def run(self, feeds):
        tf = self.tf
        out = self.fn(**{k: tf.constant(v) for k, v in feeds.items()})
        return {k: v.numpy() for k, v in out.items()}

    def convert(self, opset, shapes):
        import tf2onnx
        from tf2onnx import tf_loader

        graph_def, inputs, outputs, tables, rename = tf_loader.from_saved_model(
            self.source, None, None, None, [self.signature], None, False,
            return_initialized_tables=True, return_tensors_to_rename=True)
        by_onnx_name = {v: k for k, v in rename.items()}
        override = {}
        for name, dims in shapes.items():
            if name not in by_onnx_name:
                raise BadInput("--input-shape names %r, but the model's inputs are: %s"
                               % (name, ", ".join(rename[i] for i in inputs if i in rename)))
            override[by_onnx_name[name]] = dims
        with self.tf.device("/cpu:0"):
            model, _ = tf2onnx.convert._convert_common(
                graph_def, name=self.source, opset=opset, input_names=inputs,
                output_names=outputs, shape_override=override or None,
                tensors_to_rename=rename, initialized_tables=tables, large_model=False)
        return model, "tf2onnx", tf2onnx.__version__


class KerasModel:
    framework = "keras"

    def __init__(self, source, exporter):
        import keras
        import tensorflow as tf

        self.keras = keras
        self.tf = tf
        self.source = source
        self.exporter = exporter
        self.model = keras.saving.load_model(source, compile=False)

    def versions(self):
        return {"framework_version": self.keras.__version__,
                "tensorflow_version": self.tf.__version__}

    def input_specs(self, shapes):
        specs = []
        for t in self.model.inputs:
            name = t.name.split(":")[0]
            dims = shapes.get(name, list(t.shape))
            specs.append(self.tf.TensorSpec(dims, t.dtype, name=name))
        unknown = set(shapes) - {s.name for s in specs}
        if unknown:
            raise BadInput("--input-shape names %s, but the model's inputs are: %s"
                           % (", ".join(sorted(unknown)), ", ".join(s.name for s in specs)))
        return specs

    def run(self, feeds):
        names = [t.name.split(":")[0] for t in self.model.inputs]
        args = [feeds[n] for n in names]
        result = self.model(args[0] if len(args) == 1 else args, training=False)
        return flatten_outputs(result, self.output_names)

    output_names = None

    def convert(self, opset, shapes):
        import tf2onnx

        specs = self.input_specs(shapes)
        if self.exporter == "keras":
            # Keras' own export (model.export(format="onnx")): tf2onnx under the hood for the
            # TensorFlow backend, on a function Keras traces itself.
            import onnx
            import tempfile

            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "model.onnx")
                self.model.export(path, format="onnx", input_signature=specs, opset_version=opset,
                                  verbose=False)
                model = onnx.load(path)
            return model, "keras.export", self.keras.__version__
        model, _ = tf2onnx.convert.from_keras(self.model, input_signature=specs, opset=opset)
        return model, "tf2onnx", tf2onnx.__version__


class TfLiteModel:
    framework = "tflite"

    def __init__(self, source):
        import tensorflow as tf

        self.tf = tf
        self.source = source
        self.interpreter = tf.lite.Interpreter(model_path=source)

    def versions(self):
        return {"framework_version": self.tf.__version__}

    def run(self, feeds):
        it = self.interpreter
        details = it.get_input_details()
        names = getattr(self, "names", {})
        for d in details:
            it.resize_tensor_input(d["index"], list(feeds[names.get(d["name"], d["name"])].shape))
        it.allocate_tensors()
        for d in details:
            it.set_tensor(d["index"], feeds[names.get(d["name"], d["name"])].astype(d["dtype"]))
        it.invoke()
        names = getattr(self, "names", {})
        return {names.get(d["name"], d["name"]): it.get_tensor(d["index"]).copy()
                for d in it.get_output_details()}

    def convert(self, opset, shapes):
        import tf2onnx

        names = [d["name"] for d in self.interpreter.get_input_details()]
        unknown = set(shapes) - set(names)
        if unknown:
            raise BadInput("--input-shape names %s, but the model's inputs are: %s"
                           % (", ".join(sorted(unknown)), ", ".join(names)))
        model, _ = tf2onnx.convert.from_tflite(self.source, opset=opset,
                                               shape_override=shapes or None)
        self.names = self.signature_names()
        rename_io(model, self.names)
        return model, "tf2onnx", tf2onnx.__version__

    def signature_names(self):
        """Tensor name -> signature key ("serving_default_image:0" -> "image"), when the model
        has exactly one signature: the names the model's author gave, as for SavedModels."""
        try:
            signatures = self.interpreter._get_full_signature_list()
        except Exception:
            return {}
        if len(signatures) != 1:
            return {}
        (sig,) = signatures.values()
        by_index = {d["index"]: d["name"] for d in self.interpreter.get_tensor_details()}
        names = {}
        for key, index in list(sig.get("inputs", {}).items()) + list(sig.get("outputs", {}).items()):
            if index in by_index:
                names[by_index[index]] = key
        return names if len(set(names.values())) == len(names) else {}




def name_batch_dims(model):
    """tf2onnx calls unknown dimensions unk__N; the leading one of each input and output is the
    batch, and gpux.yml and gpux inspect read better when it says so."""
    for v in list(model.graph.input) + list(model.graph.output):
        dims = v.type.tensor_type.shape.dim
        if len(dims) > 0 and dims[0].dim_param.startswith("unk__"):
            dims[0].dim_param = "batch"


def load(framework, source, exporter, entrypoint=None, entry_args=(), a=None):
    if framework == "transformers":
        from transformers_export import TransformersModel

        return TransformersModel(source, task=a.task, declared_task=a.declared_task,
                                 trust=a.trust)
    if framework == "sklearn":
        from sklearn_export import SklearnModel

        return SklearnModel(source, trust=a.trust)
    if framework in ("pytorch", "pytorch-hub"):
        import torch_models

        EXPORT_FAILED.append(torch_models.ExportFailed)
        if os.path.isdir(source):  # an unpacked hub repository: its entrypoint builds the model
            return torch_models.HubModel(source, entrypoint, list(entry_args))
        return torch_models.TorchScriptModel(source)
    if framework == "tensorflow":
        return TensorFlowSavedModel(source)
    if framework == "keras":
        return KerasModel(source, exporter)
    if framework == "tflite":
        return TfLiteModel(source)
    raise BadInput("unknown framework %r" % framework)


# ----------------------------------------------------------------------------------------------
# The check.


def onnx_dtype(type_string):
    import numpy as np

    return {
        "tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
        "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(int16)": np.int16,
        "tensor(int8)": np.int8, "tensor(uint8)": np.uint8, "tensor(bool)": np.bool_,
    }.get(type_string)


def sample_inputs(session, shapes, seed):
    """Seeded random inputs in the ONNX model's signature; dynamic dims small or as overridden."""
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds, used = {}, {}
    for i in session.get_inputs():
        dims = shapes.get(i.name)
        if dims is None:
            dims = [d if isinstance(d, int) and d > 0 else DYNAMIC_DIM for d in i.shape]
        dtype = onnx_dtype(i.type)
        if dtype is None:
            raise BadInput("input %r has type %s, which the check cannot generate" % (i.name, i.type))
        if np.issubdtype(dtype, np.floating):
            value = rng.standard_normal(dims).astype(dtype)
        elif dtype == np.bool_:
            value = rng.integers(0, 2, dims).astype(np.bool_)
        else:
            value = rng.integers(0, 10, dims).astype(dtype)
        feeds[i.name] = value
        used[i.name] = list(dims)
    return feeds, used


def compare(onnx_outputs, reference, atol, rtol):
    """Per output: the largest differences and whether every element is within the tolerance."""
    import numpy as np

    names = list(onnx_outputs)
    # tf2onnx keeps the framework's output names for SavedModels and TFLite; Keras models may name
    # theirs differently, and then the order (Keras flattens dicts by sorted key) pairs them.
    paired = all(n in reference for n in names)
    ref_values = list(reference.values()) if not paired else None
    results = []
    for index, name in enumerate(names):
        got = onnx_outputs[name]
        want = reference[name] if paired else (ref_values[index] if index < len(ref_values) else None)
        entry = {"name": name}
        kinds = (np.asarray(got).dtype.kind, np.asarray(want).dtype.kind
                 if want is not None else "f")
        if want is not None and any(k in "OSU" for k in kinds):
            # Class labels as strings: equal or not.
            ok = np.shape(got) == np.shape(want) and bool(np.all(np.asarray(got).astype(str)
                                                                 == np.asarray(want).astype(str)))
            entry.update(shape=list(np.shape(got)), max_abs=0.0 if ok else 1.0,
                         max_rel=0.0 if ok else 1.0, passed=ok)
        elif want is None:
            entry.update(passed=False, problem="the framework gave no output for it")
        elif np.shape(got) != np.shape(want):
            entry.update(passed=False, problem="shape %s, the framework's is %s"
                         % (list(np.shape(got)), list(np.shape(want))))
        else:
            a = np.asarray(got, dtype=np.float64)
            b = np.asarray(want, dtype=np.float64)
            diff = np.abs(a - b)
            finite = np.isfinite(diff)
            max_abs = float(diff.max()) if diff.size else 0.0
            # Relative differences only where the framework's value is not ~0: elsewhere they are
            # noise over noise, and the absolute tolerance governs.
            big = np.abs(b) > atol
            max_rel = float((diff[big] / np.abs(b[big])).max()) if big.any() else 0.0
            ok = bool(finite.all() and np.all(diff <= atol + rtol * np.abs(b)))
            entry.update(shape=list(np.shape(got)), max_abs=max_abs, max_rel=max_rel, passed=ok)
        results.append(entry)
    return results


def merge(results):
    """Per output, the worst of several input sets' comparisons (a failure wins)."""
    merged = []
    for entries in zip(*results):
        worst = dict(entries[0])
        for e in entries[1:]:
            if not e.get("passed", False) and worst.get("passed", False):
                worst = dict(e)
            elif "max_abs" in e and "max_abs" in worst and e["passed"] == worst["passed"]:
                worst["max_abs"] = max(worst["max_abs"], e["max_abs"])
                worst["max_rel"] = max(worst["max_rel"], e["max_rel"])
        merged.append(worst)
    return merged


def tamper(model):
    """Test hook (--tamper): shifts one float initializer, so a test sees the check fail."""
    from onnx import numpy_helper

    for init in model.graph.initializer:
        value = numpy_helper.to_array(init)
        if value.dtype.kind == "f" and value.size > 1:
            # Every other element shifted: a uniform shift could vanish behind a normalization
            # (a LayerNorm after an embedding subtracts it again).
            import numpy as np

            ramp = (np.arange(value.size) % 2).reshape(value.shape).astype(value.dtype)
            init.CopyFrom(numpy_helper.from_array(value + 0.5 * ramp, init.name))
            return init.name
    return None


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--framework", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--input-shape", action="append", default=[])
    p.add_argument("--exporter", default="tf2onnx", choices=["tf2onnx", "keras"])
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--task", default=None)
    p.add_argument("--declared-task", default=None)
    p.add_argument("--trust", action="store_true")
    p.add_argument("--entrypoint")
    p.add_argument("--entry-arg", action="append", default=[])
    p.add_argument("--tamper", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    record = {"framework": a.framework, "opset": a.opset, "seed": a.seed,
              "tolerance": {"abs": a.atol, "rel": a.rtol}, "seconds": {}}

    def finish(status, error=None):
        record["status"] = status
        record["error"] = error
        with open(a.record, "w") as f:
            json.dump(record, f, indent=2)
        return 0

    try:
        shapes = parse_shapes(a.input_shape)
        step("loading")
        t = time.perf_counter()
        model = load(a.framework, a.source, a.exporter, a.entrypoint, a.entry_arg, a)
        record.update(model.versions())
        record["seconds"]["load"] = round(time.perf_counter() - t, 3)
    except tuple(BAD_INPUT) as e:
        return finish("bad_input", str(e))
    except Exception as e:  # the framework could not read it: a user's file, not a crash
        return finish("load_failed", "%s could not load it: %s" % (a.framework, one_line(e)))

    try:
        step("converting")
        t = time.perf_counter()
        onnx_model, converter, version = model.convert(a.opset, shapes)
        record["converter"] = converter
        record["converter_version"] = version
        record["seconds"]["convert"] = round(time.perf_counter() - t, 3)
        if getattr(model, "path_taken", None):
            import torch_export

            record["export_path"] = model.path_taken
            if torch_export.last_failures:
                record["export_fallback_reason"] = "; ".join(torch_export.last_failures)
        # The opset the model has: an exporter may keep a newer one than asked for (torch's
        # exporter starts at 18 and keeps it when it cannot convert down).
        for o in onnx_model.opset_import:
            if o.domain in ("", "ai.onnx"):
                record["opset"] = int(o.version)
    except tuple(BAD_INPUT) as e:
        return finish("bad_input", str(e))
    except tuple(EXPORT_FAILED) as e:
        return finish("export_failed", str(e))
    except Exception as e:
        record["details"] = dict(getattr(model, "details", {}))
        return finish("export_failed", one_line(e))
    record["details"] = dict(getattr(model, "details", {}))

    import onnx
    import onnxruntime as ort

    record["onnxruntime_version"] = ort.__version__
    name_batch_dims(onnx_model)
    onnx_model.producer_version = version
    for key, value in (("gpux.converter", "%s %s" % (converter, version)),
                       ("gpux.source_framework",
                        "%s %s" % (a.framework, record.get("framework_version", "")))):
        prop = onnx_model.metadata_props.add()
        prop.key, prop.value = key, value
    if a.tamper:
        record["tampered_initializer"] = tamper(onnx_model)
    onnx.save(onnx_model, a.output)

    try:
        session = ort.InferenceSession(a.output, providers=["CPUExecutionProvider"])
    except Exception as e:
        # tf2onnx keeps an op it has no handler for as it is; ONNX Runtime then refuses the graph.
        missing = re.findall(r"No Op registered for (\w+)", str(e))
        return finish("export_failed", "no ONNX equivalent for the %s op%s %s" % (
            a.framework, "s" if len(set(missing)) > 1 else "",
            ", ".join(sorted(set(missing))))
            if missing else "the converted model does not load in onnxruntime: " + one_line(e))

    try:
        step("checking")
        t = time.perf_counter()
        if hasattr(model, "check_inputs"):
            sets = model.check_inputs(session, shapes, a.seed)
        else:
            feeds, _ = sample_inputs(session, shapes, a.seed)
            sets = [("seeded random inputs (seed %d)" % a.seed, feeds)]
        names = [o.name for o in session.get_outputs()]
        results = []
        for label, feeds in sets:
            got = dict(zip(names, session.run(None, feeds)))
            results.append(compare(got, model.run(feeds), a.atol, a.rtol))
        # The seeded set's shapes are what the record shows; every set must pass.
        record["input_shapes"] = {k: list(v.shape) for k, v in sets[-1][1].items()}
        record["outputs"] = merge(results)
        if len(sets) > 1 or hasattr(model, "check_inputs"):
            record["details"]["check_inputs"] = "; ".join(
                "%s %s" % (label, " ".join("%s=%s" % (k, "x".join(map(str, v.shape)))
                                           for k, v in feeds.items())) for label, feeds in sets)
        record["seconds"]["check"] = round(time.perf_counter() - t, 3)
    except tuple(BAD_INPUT) as e:
        return finish("bad_input", str(e))
    except Exception as e:
        return finish("check_failed", "the check could not run: " + one_line(e))
    failed = [o for o in record["outputs"] if not o["passed"]]
    return finish("passed" if not failed else "check_failed")


def one_line(e):
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 400 else text[:397] + "..."


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(70)
