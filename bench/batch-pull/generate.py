"""Writes the batch pull benchmark's models as test-hub folders: ROOT/bench/mNNN/ (FakeHfHub --root).

Each model: the digits ONNX model, a config.json, and model.onnx_data of a seeded random size
between 1 and 20 MB. Some share files: every 4th model has the same 2 MB tokenizer.json, and the
last 10 models have the same weights as the first 10 (same sha256). Files of 1 MB or more are LFS
on the hub (sha256 listed), as on the real Hub.
Usage: python3 generate.py ROOT MODELS DIGITS_MODEL
"""
import os
import random
import sys

root, count, digits = sys.argv[1], int(sys.argv[2]), sys.argv[3]
model = open(digits, "rb").read()
tokenizer = random.Random(-1).randbytes(2 << 20)
refs = []
for i in range(count):
    d = os.path.join(root, "bench", "m%03d" % i)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model)
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"id": %d}\n' % i)
    twin = i - (count - 10) if i >= count - 10 and count >= 20 else i
    rnd = random.Random(twin)
    size = rnd.randint(1 << 20, 20 << 20)
    with open(os.path.join(d, "model.onnx_data"), "wb") as f:
        f.write(rnd.randbytes(size))
    if i % 4 == 0:
        with open(os.path.join(d, "tokenizer.json"), "wb") as f:
            f.write(tokenizer)
    refs.append("hf:bench/m%03d" % i)
with open(os.path.join(root, "models.txt"), "w") as f:
    f.write("\n".join(refs) + "\n")
