"""PyTorch models for convert_driver.py: a TorchScript file, or a PyTorch Hub entrypoint.

Imported by the driver only for --framework pytorch (a file: TorchScript; a folder: a hub), so the TensorFlow driver
never imports torch. Each class has the driver's interface: versions(), run(feeds) (the reference
side of the check) and convert(opset, shapes) -> (onnx model, converter, converter version).

Input shapes, when --input-shape does not give them: a hub entrypoint may declare them as an
attribute of the entrypoint function,

    def tiny_cnn(**kwargs): ...
    tiny_cnn.gpux_input_shapes = {"x": [1, 3, 32, 32]}

(forward()'s argument names to shapes); otherwise a model whose forward() takes one tensor gets an
image of 1x3x224x224. The first dimension is the batch and stays dynamic in the ONNX model.
"""

import ast
import inspect
import os
import re
import sys

from convert_common import BadInput

import torch_export

DEFAULT_IMAGE = [1, 3, 224, 224]
SHAPES_ATTRIBUTE = "gpux_input_shapes"




def parse_arguments(values):
    """--entry-arg k=v strings as keyword arguments: Python literals (None, 10, True, 0.5,
    "text") where they parse as one, else the text itself (weights=DEFAULT)."""
    kwargs = {}
    for v in values:
        key, sep, text = v.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise BadInput("entrypoint argument %r is not NAME=VALUE (e.g. weights=None)" % v)
        try:
            kwargs[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            kwargs[key] = text
    return kwargs


class TorchModel:
    """What both kinds share: the module, its input names and shapes, the export and the run."""

    framework = "pytorch"
    declared_shapes = None

    def versions(self):
        import torch

        return {"framework_version": torch.__version__}

    def input_names(self):
        raise NotImplementedError

    def example_shapes(self, shapes):
        names = self.input_names()
        unknown = sorted(set(shapes) - set(names))
        if unknown:
            raise BadInput("--input-shape names %s, but the model's inputs are: %s"
                           % (", ".join(unknown), ", ".join(names) or "none"))
        out = {}
        declared = self.declared_shapes or {}
        for n in names:
            if n in shapes:
                out[n] = list(shapes[n])
            elif n in declared:
                out[n] = [int(d) for d in declared[n]]
            elif len(names) == 1:
                out[n] = list(DEFAULT_IMAGE)
        missing = [n for n in names if n not in out]
        if missing:
            raise BadInput("the model takes %d inputs (%s) and no shapes are known for %s"
                           % (len(names), ", ".join(names), ", ".join(missing))
                           + "; give --input-shape NAME=DIMS for each")
        return out

    def run(self, feeds):
        import torch

        with torch.no_grad():
            result = self.module(*[torch.from_numpy(feeds[n]) for n in self.input_names()])
        return dict(zip(self.output_names, [t.detach().numpy() for t in flatten(result)]))

    def convert(self, opset, shapes):
        import onnx
        import tempfile
        import torch

        example = self.example_shapes(shapes)
        names = self.input_names()
        torch.manual_seed(0)
        inputs = tuple(torch.randn(*example[n]) for n in names)
        with torch.no_grad():
            result = self.module(*inputs)
        self.output_names = output_names(result)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.onnx")
            try:
                taken = torch_export.export_module(self.module, inputs, names, self.output_names,
                                                   path, opset, log=self.log)
            except torch_export.ExportFailed as e:
                raise ExportFailed(str(e))
            model = onnx.load(path)
        self.path_taken = taken
        return model, torch_export.converter_name(taken), torch.__version__

    @staticmethod
    def log(line):
        print("gpux-convert: " + line, flush=True)


class ExportFailed(Exception):
    """Both exporters failed; the message names them and the shapes tried."""


class TorchScriptModel(TorchModel):
    """A file saved with torch.jit.save (.pt, .pth): loading it runs no Python code of its own."""

    def __init__(self, source):
        import torch

        try:
            self.module = torch.jit.load(source, map_location="cpu").eval()
        except Exception as e:
            if "constants.pkl" in str(e) or "PytorchStreamReader" in str(e) or zip_of_pickle(source):
                raise BadInput("%s is not a TorchScript file (torch.jit.save); a file written by"
                               " torch.save holds pickles, which GPUX does not load: save the"
                               " model with torch.jit.save(torch.jit.script(model), path), or"
                               " export it from its code with a hub entrypoint" % source)
            raise

    def input_names(self):
        args = self.module.forward.schema.arguments[1:]  # the first one is self
        return [a.name for a in args]


def zip_of_pickle(path):
    """Whether the file is torch.save's zip (data.pkl inside) rather than TorchScript's."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except Exception:
        return False
    return any(n.endswith("/data.pkl") for n in names) and not any(
        n.endswith("/constants.pkl") for n in names)


class HubModel(TorchModel):
    """A PyTorch Hub entrypoint of an unpacked repository, built as torch.hub.load(dir, entry,
    source='local', **kwargs) builds it: hubconf.py imported with the repository on sys.path, its
    `dependencies` checked, the entrypoint called (its weights, if any, through torch.hub's own
    checkpoint download with its hash-prefix check)."""

    def __init__(self, repo, entrypoint, arguments):
        import torch
        import torch.hub as hub

        if not os.path.isfile(os.path.join(repo, "hubconf.py")):
            raise BadInput("%s has no hubconf.py: it is no PyTorch Hub repository" % repo)
        kwargs = parse_arguments(arguments)
        sys.path.insert(0, repo)
        try:
            module = hub._import_module(hub.MODULE_HUBCONF, os.path.join(repo, "hubconf.py"))
            try:
                hub._check_dependencies(module)
            except RuntimeError as e:
                missing = str(e).split(":", 1)[-1].strip()
                raise BadInput("the repository's hubconf.py needs %s, which GPUX's PyTorch"
                               " environment does not have (dependencies = [...])" % missing)
            entrypoints = sorted(f for f in dir(module)
                                 if callable(getattr(module, f)) and not f.startswith("_"))
            fn = getattr(module, entrypoint, None) if entrypoint else None
            if fn is None or not callable(fn) or entrypoint.startswith("_"):
                raise BadInput("the repository has no entrypoint %r; its entrypoints: %s"
                               % (entrypoint, ", ".join(entrypoints) or "none"))
            self.declared_shapes = getattr(fn, SHAPES_ATTRIBUTE, None)
            try:
                built = fn(**kwargs)
            except TypeError as e:
                raise BadInput("entrypoint %s does not take %s: %s" % (
                    entrypoint, ", ".join("%s=%r" % kv for kv in kwargs.items()) or "no arguments",
                    torch_export.short(e)))
        finally:
            sys.path.remove(repo)
        if not isinstance(built, torch.nn.Module):
            raise BadInput("entrypoint %s returned %s, not a torch.nn.Module"
                           % (entrypoint, type(built).__name__))
        self.module = built.eval()
        self.entrypoint = entrypoint
        self.kwargs = kwargs

    def input_names(self):
        sig = inspect.signature(self.module.forward)
        names = [p.name for p in sig.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                 and p.default is inspect.Parameter.empty]
        return names


def output_names(result):
    """output for one tensor; the keys of a dict; output_0, output_1... for a tuple or list."""
    if isinstance(result, dict):
        return [safe_name(k) for k in result.keys()]
    flat = flatten(result)
    if len(flat) == 1 and not isinstance(result, (list, tuple)):
        return ["output"]
    return ["output_%d" % i for i in range(len(flat))]


def flatten(result):
    import torch

    if isinstance(result, torch.Tensor):
        return [result]
    if isinstance(result, dict):
        return [t for v in result.values() for t in flatten(v)]
    if isinstance(result, (list, tuple)):
        return [t for v in result for t in flatten(v)]
    raise BadInput("the model returned %s; GPUX exports models that return tensors (alone, in"
                   " tuples, lists or dicts)" % type(result).__name__)


def safe_name(key):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(key)) or "output"
