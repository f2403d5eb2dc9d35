#!/usr/bin/env python3
"""Reference inference for GPUX cross-checks: runs an ONNX model with ONNX Runtime's Python API.

  gpux_reference.py --model M.onnx --input IN.json --output OUT.json [--tokenizer tokenizer.json --max-length N]
  gpux_reference.py --model M.onnx --describe

IN.json is {input_name: nested list | scalar | list of strings}. Each value is cast to the dtype
the model declares for that input. With --tokenizer, a key "text" (a string or a list of strings)
is tokenized with the Hugging Face `tokenizers` package (padding to the longest in the batch,
truncation to --max-length if given, else the tokenizer.json's own truncation) into
input_ids / attention_mask / token_type_ids, fed as the model's integer inputs of those names.

OUT.json is {"outputs": {name: {"dtype": "float32", "shape": [...], "data": nested list}},
             "tokens": {"input_ids": [[...]], ...}}   ("tokens" only when text was tokenized)

Runs on CPUExecutionProvider with one intra-op and one inter-op thread, so it is deterministic.
"""
import argparse
import json
import sys

import numpy as np
import onnxruntime as ort

# ONNX Runtime's type strings -> numpy dtypes
DTYPES = {
    "tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
    "tensor(int8)": np.int8, "tensor(int16)": np.int16, "tensor(int32)": np.int32,
    "tensor(int64)": np.int64, "tensor(uint8)": np.uint8, "tensor(uint16)": np.uint16,
    "tensor(uint32)": np.uint32, "tensor(uint64)": np.uint64, "tensor(bool)": np.bool_,
    "tensor(string)": np.object_,
}
TOKEN_INPUTS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}


def session(model_path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])


def describe(sess):
    def info(args):
        return [{"name": a.name, "type": a.type,
                 "shape": [d if isinstance(d, int) else -1 for d in a.shape],
                 "dims": list(a.shape)} for a in args]
    return {"inputs": info(sess.get_inputs()), "outputs": info(sess.get_outputs())}


def is_text(value):
    return isinstance(value, str) or (
        isinstance(value, list) and len(value) > 0 and all(isinstance(v, str) for v in value))


def tokenize(texts, tokenizer_path, max_length, declared):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(tokenizer_path)
    if max_length:
        tok.enable_truncation(max_length=max_length)
    pad = tok.padding or {}
    # Override the file's padding (often Fixed 128) with "pad to the longest in the batch".
    tok.enable_padding(pad_id=pad.get("pad_id", tok.token_to_id("[PAD]") or 0),
                       pad_type_id=pad.get("pad_type_id", 0),
                       pad_token=pad.get("pad_token", "[PAD]"),
                       direction=pad.get("direction", "right"))
    enc = tok.encode_batch([texts] if isinstance(texts, str) else list(texts))
    tokens = {name: np.array([getattr(e, attr) for e in enc], dtype=np.int64)
              for name, attr in TOKEN_INPUTS.items()}
    feeds = {name: arr.astype(DTYPES[declared[name]]) for name, arr in tokens.items() if name in declared}
    if not feeds:
        sys.exit(f"model declares none of {list(TOKEN_INPUTS)}; cannot feed tokenized text")
    return feeds, {name: arr.tolist() for name, arr in tokens.items()}


def build_feeds(sess, inputs, tokenizer, max_length):
    declared = {i.name: i.type for i in sess.get_inputs()}
    feeds, tokens = {}, None
    text = inputs.get("text")
    if tokenizer and "text" not in declared and is_text(text):
        integer_inputs = {n: t for n, t in declared.items()
                          if n in TOKEN_INPUTS and t.startswith("tensor(int")}
        feeds, tokens = tokenize(text, tokenizer, max_length, integer_inputs)
    for name, value in inputs.items():
        if name in feeds or (tokens is not None and name == "text"):
            continue
        if name not in declared:
            sys.exit(f"input '{name}' is not a model input; model inputs: {list(declared)}")
        dtype = DTYPES.get(declared[name])
        if dtype is None:
            sys.exit(f"input '{name}' has unsupported type {declared[name]}")
        feeds[name] = np.array(value, dtype=dtype)
    missing = [n for n in declared if n not in feeds]
    if missing:
        sys.exit(f"missing model inputs: {missing}")
    return feeds, tokens


def to_json(array):
    array = np.asarray(array)
    data = array.tolist() if array.dtype != np.object_ else np.vectorize(str, otypes=[object])(array).tolist()
    return {"dtype": "string" if array.dtype == np.object_ else array.dtype.name,
            "shape": list(array.shape), "data": data}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="ONNX model file")
    ap.add_argument("--input", help="input JSON: {name: value}")
    ap.add_argument("--output", help="where to write the output JSON (default: stdout)")
    ap.add_argument("--tokenizer", help="tokenizer.json for a 'text' input")
    ap.add_argument("--max-length", type=int, help="truncate token sequences to this length")
    ap.add_argument("--describe", action="store_true", help="print the model's inputs and outputs as JSON")
    args = ap.parse_args()

    sess = session(args.model)
    if args.describe:
        print(json.dumps(describe(sess), indent=2))
        return
    if not args.input:
        ap.error("--input is required unless --describe is given")
    with open(args.input) as f:
        inputs = json.load(f)
    feeds, tokens = build_feeds(sess, inputs, args.tokenizer, args.max_length)
    names = [o.name for o in sess.get_outputs()]
    results = sess.run(names, feeds)
    out = {"outputs": {n: to_json(r) for n, r in zip(names, results)}}
    if tokens is not None:
        out["tokens"] = tokens
    text = json.dumps(out)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
