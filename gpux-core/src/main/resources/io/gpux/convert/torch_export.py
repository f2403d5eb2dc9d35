"""PyTorch module -> ONNX file, for GPUX's converter drivers (imported, never run by itself).

One function other drivers reuse (TorchScript files and hub entrypoints here; Transformers models
in the Hugging Face driver):

  path_taken = export_module(module, example_inputs, input_names, output_names, path, opset)

It exports with a dynamic batch dimension (the first dimension of every input and output, named
"batch"): first with the torch.export-based exporter (torch.onnx.export(dynamo=True), which needs
onnxscript), and when that fails with the TorchScript exporter (dynamo=False) as the fallback. It
returns the path taken, "dynamo" or "torchscript", for the conversion record; when both fail it
raises ExportFailed with each exporter's message, shortened, and the input shapes tried.

The weights are kept inside the .onnx file (no external data), so models up to ONNX's 2 GB limit.
"""

import os
import re
import warnings

DYNAMO = "dynamo"
TORCHSCRIPT = "torchscript"

# torch.export specialises a dimension whose example size is 1 to a constant ("0/1
# specialisation"), so a batch of 1 in the example could never be exported as dynamic: the
# exporters get this batch size instead when the example's is 1.
EXPORT_BATCH = 2


# Why the exporters tried before the one that worked failed ("dynamo: ..."), for the record; reset
# by each export_module call.
last_failures = []


class ExportFailed(Exception):
    """Neither exporter could export the module; the message says why, in one line."""


def converter_name(path_taken):
    """The converter's name in the conversion record: torch.onnx (dynamo) or (torchscript)."""
    return "torch.onnx." + path_taken


def export_module(module, example_inputs, input_names, output_names, path, opset,
                  dynamic_batch=True, log=None, more_dynamic=None):
    """Exports module(*example_inputs) to an ONNX file at path; returns "dynamo" or "torchscript".

    module: a torch.nn.Module (or torch.jit.ScriptModule) in eval mode.
    example_inputs: a tuple of tensors, in forward()'s order.
    input_names / output_names: the ONNX graph's names, one per (flattened) input and output.
    dynamic_batch: the first dimension of every input and output stays dynamic ("batch").
    log: a function taking one line (progress); None for silence.
    more_dynamic: other dynamic dimensions beyond the batch, {input or output name: {dim: label}}
        (a language model's sequence length: {"input_ids": {1: "sequence"}, ...}).
    """
    import torch

    example_inputs = tuple(example_inputs)
    if dynamic_batch:
        example_inputs = tuple(_batch_of(t, EXPORT_BATCH) for t in example_inputs)
    shapes = ", ".join("%s=%s" % (n, "x".join(str(d) for d in t.shape))
                       for n, t in zip(input_names, example_inputs))
    failures = last_failures
    del failures[:]
    for path_taken, export in ((DYNAMO, _dynamo), (TORCHSCRIPT, _torchscript)):
        if log:
            log("exporting with torch.onnx.export(dynamo=%s)" % (path_taken == DYNAMO))
        _remove(path)
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                export(torch, module, example_inputs, list(input_names), list(output_names),
                       path, opset, dynamic_batch, more_dynamic or {})
            if os.path.isfile(path):
                # Below opset 18 the torch.export-based exporter converts its opset-18 graph down,
                # which can leave a node the older opset lacks (Split's num_outputs): a model
                # ONNX's checker refuses is no export, and the next exporter gets its turn.
                import onnx

                onnx.checker.check_model(path)
                return path_taken
            failures.append("%s: wrote no file" % path_taken)
        except Exception as e:  # the next exporter may manage; both messages are kept
            failures.append("%s: %s" % (path_taken, short(e)))
    _remove(path)
    raise ExportFailed("neither exporter could export it with inputs %s (%s)"
                       % (shapes, "; ".join(failures)))


def _dynamo(torch, module, inputs, input_names, output_names, path, opset, dynamic_batch,
            more_dynamic):
    dynamic_shapes = None
    if dynamic_batch or more_dynamic:
        batch = torch.export.Dim("batch")
        dynamic_shapes = []
        for name, t in zip(input_names, inputs):
            dims = {0: batch} if dynamic_batch and t.dim() > 0 else {}
            # DYNAMIC, not a named Dim: the model may bound them (a sequence by its positions).
            dims.update({d: torch.export.Dim.DYNAMIC for d in more_dynamic.get(name, {})})
            dynamic_shapes.append(dims)
        dynamic_shapes = tuple(dynamic_shapes)
    program = torch.onnx.export(
        module, inputs, None, input_names=input_names, output_names=output_names,
        opset_version=opset, dynamo=True, dynamic_shapes=dynamic_shapes, external_data=False,
        optimize=True, verbose=False, report=False)
    if program is None:
        raise RuntimeError("the exporter returned nothing")
    program.save(path, external_data=False)


def _torchscript(torch, module, inputs, input_names, output_names, path, opset, dynamic_batch,
                 more_dynamic):
    dynamic_axes = None
    if dynamic_batch or more_dynamic:
        dynamic_axes = {n: ({0: "batch"} if dynamic_batch else {})
                        for n in list(input_names) + list(output_names)}
        for n, dims in more_dynamic.items():
            dynamic_axes.setdefault(n, {}).update(dims)
    torch.onnx.export(
        module, inputs, path, input_names=input_names, output_names=output_names,
        opset_version=opset, dynamo=False, dynamic_axes=dynamic_axes, do_constant_folding=True,
        verbose=False)


def _batch_of(t, size):
    """The tensor with its first dimension size, when it is 1 (repeated), else as it is."""
    if t.dim() == 0 or t.shape[0] != 1 or size == 1:
        return t
    return t.expand(size, *t.shape[1:]).clone()


def _remove(path):
    for p in (path, path + ".data"):
        try:
            os.remove(p)
        except OSError:
            pass


def short(e, limit=300):
    """An exception as one line: what failed (torch.export's errors open with generic advice and
    name the cause under "## Exception summary"), at most limit characters."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip() or type(e).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if "## Exception summary" in lines:
        after = lines[lines.index("## Exception summary") + 1:]
        first = after[0] if after else text
        first = re.sub(r"^<class '(?:[\w.]+\.)?(\w+)'>:\s*", r"\1: ", first)
    else:
        first = lines[0] if lines else text
        for ln in lines:
            if not ln.startswith(("Failed to export", "Traceback", "[torch.onnx]", "- ")):
                first = ln
                break
        first = "%s: %s" % (type(e).__name__, first)
    return first if len(first) <= limit else first[:limit - 3] + "..."
