"""The official client's side of the PyTorch Hub fidelity test.

  python torchhub_fidelity.py REPO_DIR ENTRYPOINT KWARGS_JSON INPUT_JSON [TORCHSCRIPT_OUT]

Loads the model with torch.hub.load(REPO_DIR, ENTRYPOINT, source='local', **kwargs) (torch.hub's
own hubconf.py import, dependency check and entrypoint call, on the archive the GitHub stand-in
serves, extracted) and prints its outputs for the inputs (a JSON object of name -> nested lists)
as JSON: {"output": [[...]]} for one tensor, the dict's keys for a dict. With TORCHSCRIPT_OUT,
the same model is also saved there with torch.jit.save(torch.jit.script(model)), for the tests of
`gpux convert --framework pytorch FILE.pt`.
"""

import json
import sys

import torch


def main(repo, entry, kwargs_json, input_json, torchscript=None):
    kwargs = json.loads(kwargs_json)
    with open(input_json) as f:
        inputs = json.load(f)
    model = torch.hub.load(repo, entry, source="local", **kwargs).eval()
    with torch.no_grad():
        result = model(*[torch.tensor(v, dtype=torch.float32) for v in inputs.values()])
    if isinstance(result, dict):
        out = {k: v.tolist() for k, v in result.items()}
    else:
        out = {"output": result.tolist()}
    if torchscript:
        torch.jit.save(torch.jit.script(model), torchscript)
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
