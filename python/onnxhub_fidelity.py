"""Runs the ONNX Model Zoo's own client, onnx.hub (onnx 1.20.1), against a zoo mirror.

onnx.hub hard-codes raw.githubusercontent.com and media.githubusercontent.com; its one seam is
_get_base_url(repo, lfs), which is pointed at BASE_URL here (research notes, registry-protocols-2
1.2). Everything else is the client's own code: the manifest fetch, the case-insensitive name
match, the highest opset by default, the sha256 checks and the safe tar extraction.

usage: onnxhub_fidelity.py BASE_URL CACHE_DIR MODEL [TAG]
Prints one JSON object: what list_models, get_model_info, load and
download_model_with_test_data returned, with the sha256 of every file they wrote.
"""

import hashlib
import json
import os
import sys


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    base, cache, model = sys.argv[1], sys.argv[2], sys.argv[3]
    tag = sys.argv[4] if len(sys.argv) > 4 else None
    os.environ["ONNX_HOME"] = cache
    import onnx
    import onnx.hub as hub

    hub.set_dir(os.path.join(cache, "hub"))
    hub._get_base_url = lambda repo, lfs=False: base.rstrip("/") + "/"
    repo = "gpux/zoo-test:main"  # any repo but onnx/models:main is "untrusted": silent=True
    out = {"onnx": onnx.__version__}
    out["list"] = [[m.model, m.opset] for m in hub.list_models(repo=repo)]
    out["by_name"] = [[m.model, m.opset] for m in hub.list_models(repo=repo, model=model.lower())]
    if tag:
        out["by_tag"] = sorted({m.model for m in hub.list_models(repo=repo, tags=[tag.upper()])})
    info = hub.get_model_info(model, repo=repo)
    out["info"] = {
        "model": info.model,
        "opset": info.opset,
        "model_path": info.model_path,
        "model_sha": info.model_sha,
        "tags": sorted(info.tags),
    }
    try:
        hub.get_model_info(model, repo=repo, opset=999)
        out["missing_opset"] = None
    except AssertionError as e:
        out["missing_opset"] = str(e)
    proto = hub.load(model, repo=repo, silent=True)
    out["load"] = {
        "inputs": [i.name for i in proto.graph.input],
        "outputs": [o.name for o in proto.graph.output],
    }
    cached = []
    for root, _, files in os.walk(os.path.join(cache, "hub")):
        for f in files:
            if f.endswith(".onnx"):
                cached.append(sha256(os.path.join(root, f)))
    out["load"]["sha256"] = cached
    folder = hub.download_model_with_test_data(model, repo=repo, silent=True)
    files = {}
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            files[os.path.relpath(p, folder)] = sha256(p)
    out["with_data"] = {"folder": os.path.basename(folder), "files": files}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
