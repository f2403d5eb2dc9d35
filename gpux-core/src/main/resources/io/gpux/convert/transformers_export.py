"""Transformers models (a save_pretrained folder) for convert_driver.py.

The task head comes from the repository, never from the model's name (the Python GPUX guessed it
from substrings of the id and exported sentiment classifiers as masked-LM heads with random
weights): --task when given, else config.json's architectures (BertForSequenceClassification is
text-classification), else the Hub's pipeline_tag. A head whose weights the folder does not have
is refused instead of exported with random ones. The export goes through torch_export (the
torch.export-based exporter first, the TorchScript one as the fallback), and the check feeds
tokenized sample text and seeded token ids to both PyTorch and ONNX Runtime.
"""

import os

from convert_common import BadInput

# task -> (the Auto class that builds its head, the output that head's users read)
TASKS = {
    "text-classification": ("AutoModelForSequenceClassification", "logits"),
    "token-classification": ("AutoModelForTokenClassification", "logits"),
    "fill-mask": ("AutoModelForMaskedLM", "logits"),
    "text-generation": ("AutoModelForCausalLM", "logits"),
    "feature-extraction": ("AutoModel", "last_hidden_state"),
}

# config.json architectures suffix -> task, longest suffixes first (BertForMaskedLM before Model).
ARCHITECTURES = [
    ("ForSequenceClassification", "text-classification"),
    ("ForTokenClassification", "token-classification"),
    ("ForMaskedLM", "fill-mask"),
    ("ForCausalLM", "text-generation"),
    ("LMHeadModel", "text-generation"),
    ("Model", "feature-extraction"),
]

# The Hub's pipeline tags that mean one of the tasks above.
PIPELINE_TAGS = {
    "text-classification": "text-classification",
    "sentiment-analysis": "text-classification",
    "token-classification": "token-classification",
    "ner": "token-classification",
    "fill-mask": "fill-mask",
    "text-generation": "text-generation",
    "feature-extraction": "feature-extraction",
    "sentence-similarity": "feature-extraction",
}

SAMPLE_TEXTS = [
    "GPUX checks every conversion against the original model.",
    "A second, longer sentence, so that the batch needs padding: the quick brown fox jumps over"
    " the lazy dog.",
]

TOKEN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def choose_task(config, task, declared):
    """(task, why): --task, else the architectures, else the pipeline_tag."""
    if task:
        if task not in TASKS:
            raise BadInput("unknown task %r (known: %s)" % (task, ", ".join(TASKS)))
        return task, "--task"
    for arch in getattr(config, "architectures", None) or []:
        for suffix, t in ARCHITECTURES:
            if arch.endswith(suffix):
                return t, "config.json architectures " + arch
    if declared and declared in PIPELINE_TAGS:
        return PIPELINE_TAGS[declared], "pipeline_tag " + declared
    archs = ", ".join(getattr(config, "architectures", None) or []) or "none"
    raise BadInput(
        "cannot tell which task head to export: config.json architectures is %s and the"
        " pipeline_tag is %s; name it with --task (%s)" % (archs, declared or "not set",
                                                          ", ".join(TASKS)))


class TransformersModel:
    framework = "transformers"

    def __init__(self, source, task=None, declared_task=None, trust=False):
        import torch
        import transformers

        self.torch = torch
        self.transformers = transformers
        self.source = source
        names = os.listdir(source)
        safetensors = any(n.endswith(".safetensors") for n in names)
        if not safetensors and not trust:
            raise BadInput("the weights are pickle .bin files, and loading a pickle runs code:"
                           " convert it only if you trust its source, with --trust")
        config = transformers.AutoConfig.from_pretrained(source)
        self.task, self.task_from = choose_task(config, task, declared_task)
        auto, self.output_name = TASKS[self.task]
        if self.task == "text-generation":
            config.use_cache = False  # logits only: no KV cache inputs or outputs
        model, info = getattr(transformers, auto).from_pretrained(
            source, config=config, output_loading_info=True, dtype=torch.float32,
            use_safetensors=True if safetensors else None, attn_implementation="eager")
        missing = [k for k in info.get("missing_keys", []) if k]
        if missing:
            # A head the weights lack would be random: what the Python GPUX exported.
            raise BadInput(
                "the weights have no trained %s head (%d tensors would be random, e.g. %s); the"
                " repository's head is %s: leave out --task, or pick the task its weights have"
                % (self.task, len(missing), ", ".join(sorted(missing)[:3]),
                   ", ".join(getattr(config, "architectures", None) or ["not named"])))
        model.eval()
        self.model = model
        self.config = config
        self.tokenizer = self.load_tokenizer()
        import inspect

        accepted = inspect.signature(model.forward).parameters
        self.input_names = [n for n in TOKEN_INPUTS if n in accepted]
        # Token types only where the model has more than one (BERT); RoBERTa's single type and
        # GPT-2's reuse of the word embeddings for them are left out, as their tokenizers do.
        if getattr(config, "type_vocab_size", 0) <= 1 and "token_type_ids" in self.input_names:
            self.input_names.remove("token_type_ids")
        self.vocab_size = int(getattr(config, "vocab_size", 0) or 0)
        self.export_path = None
        self.details = {"task": self.task, "task_from": self.task_from,
                        "architecture": ", ".join(getattr(config, "architectures", None) or [])}

    def load_tokenizer(self):
        try:
            return self.transformers.AutoTokenizer.from_pretrained(self.source)
        except Exception:
            path = os.path.join(self.source, "tokenizer.json")
            if os.path.isfile(path):
                try:
                    return self.transformers.PreTrainedTokenizerFast(tokenizer_file=path)
                except Exception:
                    return None
            return None

    def versions(self):
        return {"framework_version": self.transformers.__version__,
                "torch_version": self.torch.__version__}

    def module(self):
        torch = self.torch
        names = list(self.input_names)
        output = self.output_name
        model = self.model

        class Head(torch.nn.Module):
            """The model with its token inputs as positional tensors and one output."""

            def __init__(self):
                super().__init__()
                self.model = model

            # Named parameters, not *tensors: torch.export maps dynamic axes onto them by name.
            def forward(self, input_ids, attention_mask=None, token_type_ids=None):
                given = {"input_ids": input_ids, "attention_mask": attention_mask,
                         "token_type_ids": token_type_ids}
                return self.model(**{n: given[n] for n in names}, return_dict=True)[output]

        return Head().eval()

    def seeded(self, seed, batch=2, length=7):
        import numpy as np

        rng = np.random.default_rng(seed)
        high = max(self.vocab_size, 2)
        feeds = {"input_ids": rng.integers(0, high, (batch, length)).astype(np.int64),
                 "attention_mask": np.ones((batch, length), dtype=np.int64),
                 "token_type_ids": np.zeros((batch, length), dtype=np.int64)}
        return {n: feeds[n] for n in self.input_names}

    def tokenized(self):
        """Feed sets of the sample text: both texts padded into one batch when the tokenizer can
        pad, else each text on its own."""
        import numpy as np

        t = self.tokenizer
        if t is None:
            return []
        sets = []
        # No longer than the model's positions (a tokenizer may not know them).
        limit = min(n for n in (getattr(t, "model_max_length", None) or 10**9,
                                getattr(self.config, "max_position_embeddings", None) or 10**9,
                                getattr(self.config, "n_positions", None) or 10**9))
        kw = dict(return_tensors="np", truncation=True, max_length=min(limit, 512))
        if t.pad_token is not None:
            sets.append(t(SAMPLE_TEXTS, padding=True, **kw))
        else:
            sets.extend(t([s], **kw) for s in SAMPLE_TEXTS)
        out = []
        for enc in sets:
            ids = np.asarray(enc["input_ids"], dtype=np.int64)
            feeds = {"input_ids": ids,
                     "attention_mask": np.asarray(enc.get("attention_mask", np.ones_like(ids)),
                                                  dtype=np.int64),
                     "token_type_ids": np.asarray(enc.get("token_type_ids", np.zeros_like(ids)),
                                                  dtype=np.int64)}
            out.append({n: feeds[n] for n in self.input_names})
        return out

    def check_inputs(self, session, shapes, seed):
        """(label, feeds) pairs: tokenized sample text first, then seeded token ids."""
        sets = [("tokenized sample text", f) for f in self.tokenized()]
        sets.append(("seeded token ids (seed %d)" % seed, self.seeded(seed)))
        return sets

    def run(self, feeds):
        torch = self.torch
        with torch.no_grad():
            out = self.model(**{k: torch.from_numpy(v) for k, v in feeds.items()},
                             return_dict=True)
        return {self.output_name: out[self.output_name].detach().numpy()}

    def convert(self, opset, shapes):
        import tempfile

        import onnx
        import torch_export

        if shapes:
            raise BadInput("--input-shape does not apply to Transformers models: their inputs are"
                           " token ids of any batch and length")
        example = self.seeded(0)
        args = tuple(self.torch.from_numpy(example[n]) for n in self.input_names)
        # The batch is dynamic already; the sequence too, on every input and on a per-token
        # output (a classifier's logits are per text).
        more = {n: {1: "sequence"} for n in self.input_names}
        if self.task != "text-classification":
            more[self.output_name] = {1: "sequence"}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.onnx")
            self.export_path = torch_export.export_module(
                self.module(), args, list(self.input_names), [self.output_name], path, opset,
                more_dynamic=more)
            model = onnx.load(path)
        self.details["export_path"] = self.export_path
        if torch_export.last_failures:
            self.details["export_fallback"] = torch_export.last_failures[0]
        return model, torch_export.converter_name(self.export_path), self.torch.__version__

