"""Builds the tiny Transformers and scikit-learn models the conversion tests use (.venv-pytorch).

  python make_hf_models.py OUT_DIR
  python make_hf_models.py --reference MODEL_DIR TASK TEXT...   (prints Transformers' output)
  python make_hf_models.py --predict-proba MODEL.pkl ROW_JSON   (prints predict_proba)

OUT_DIR/bert: a BertForSequenceClassification (2 layers, hidden 32) with random seeded weights,
id2label {0: negative, 1: positive}, a WordPiece tokenizer.json built with the tokenizers
library, saved by save_pretrained in safetensors. OUT_DIR/gpt2: a GPT2LMHeadModel likewise with a
byte-level BPE tokenizer. OUT_DIR/bert-bin: the BERT model saved as a pickle pytorch_model.bin
only. OUT_DIR/pipeline.pkl: StandardScaler + LogisticRegression fitted on seeded data (4
features, 3 classes); OUT_DIR/unsupported.pkl: an estimator skl2onnx cannot convert. Nothing is
downloaded.
"""

import json
import os
import sys

WORDS = ("the a an is was good bad great terrible movie film this that it i you we love hate "
         "gpux checks every conversion against original model second longer sentence so batch "
         "needs padding quick brown fox jumps over lazy dog hello world , . : !").split()


def wordpiece(path):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS)}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    tok.save(path)
    return len(vocab)


def bpe(path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([" ".join(WORDS)] * 20, trainer)
    tok.save(path)
    return tok.get_vocab_size()


def save_tokenizer(folder, file, **special):
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(tokenizer_file=file, **special)
    fast.save_pretrained(folder)


def make(out):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    bert = os.path.join(out, "bert")
    os.makedirs(bert, exist_ok=True)
    n = wordpiece(os.path.join(bert, "tokenizer.json"))
    config = BertConfig(vocab_size=n, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=2,
                        id2label={0: "negative", 1: "positive"},
                        label2id={"negative": 0, "positive": 1})
    model = BertForSequenceClassification(config).eval()
    model.save_pretrained(bert)
    save_tokenizer(bert, os.path.join(bert, "tokenizer.json"), unk_token="[UNK]",
                   pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                   model_max_length=64)

    binonly = os.path.join(out, "bert-bin")
    os.makedirs(binonly, exist_ok=True)
    # Transformers 5 saves safetensors only; a .bin-only repository is the older format that
    # the Hub still has plenty of: the config and a torch.save'd state dict.
    config.save_pretrained(binonly)
    torch.save(model.state_dict(), os.path.join(binonly, "pytorch_model.bin"))
    for f in os.listdir(bert):
        if f.startswith("tokenizer") or f == "special_tokens_map.json":
            with open(os.path.join(bert, f), "rb") as src, open(os.path.join(binonly, f), "wb") as d:
                d.write(src.read())

    gpt2 = os.path.join(out, "gpt2")
    os.makedirs(gpt2, exist_ok=True)
    n = bpe(os.path.join(gpt2, "tokenizer.json"))
    config = GPT2Config(vocab_size=n, n_positions=64, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=0, eos_token_id=0)
    GPT2LMHeadModel(config).eval().save_pretrained(gpt2)
    save_tokenizer(gpt2, os.path.join(gpt2, "tokenizer.json"), eos_token="<|endoftext|>",
                   bos_token="<|endoftext|>", model_max_length=64)

    import joblib
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 4)) * [1, 10, 100, 0.1]
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 5).astype(int)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    joblib.dump(pipe, os.path.join(out, "pipeline.pkl"))
    # An estimator skl2onnx has no converter for: the export error.
    from sklearn.semi_supervised import LabelSpreading

    joblib.dump(LabelSpreading().fit(x, y), os.path.join(out, "unsupported.pkl"))


def reference(folder, task, texts):
    """What Transformers gives for the texts one at a time, as JSON (the test compares gpux run's
    output with it)."""
    import torch
    import transformers

    auto = {"text-classification": "AutoModelForSequenceClassification",
            "text-generation": "AutoModelForCausalLM"}[task]
    model = getattr(transformers, auto).from_pretrained(folder, attn_implementation="eager").eval()
    tok = transformers.AutoTokenizer.from_pretrained(folder)
    out = []
    for text in texts:
        enc = tok([text], return_tensors="pt")
        with torch.no_grad():
            logits = model(**enc, use_cache=False).logits if task == "text-generation" else \
                model(**enc).logits
        out.append(logits[0].tolist())
    print(json.dumps(out))


def predict_proba(path, rows):
    import joblib
    import numpy as np

    model = joblib.load(path)
    x = np.asarray(json.loads(rows), dtype=np.float32)
    print(json.dumps({"probabilities": model.predict_proba(x).tolist(),
                      "label": model.predict(x).tolist()}))


if __name__ == "__main__":
    if sys.argv[1] == "--reference":
        reference(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "--predict-proba":
        predict_proba(sys.argv[2], sys.argv[3])
    else:
        make(sys.argv[1])
