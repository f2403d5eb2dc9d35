"""The check `gpux outdated` makes, scripted the way a user would with huggingface_hub: one
model_info call per model in a loop, comparing the commit each branch points to now with the one
recorded at download time.

    python model_info_loop.py MODELS.json    (HF_ENDPOINT names the Hub)

MODELS.json: [{"repo": "org/name", "revision": "main", "sha": "<commit pulled>"}, ...]
Prints one JSON line: {"outdated": N, "checked": M, "loop_s": seconds inside the loop}.
"""

import json
import sys
import time

from huggingface_hub import HfApi


def main():
    with open(sys.argv[1]) as f:
        models = json.load(f)
    api = HfApi()
    start = time.perf_counter()
    outdated = 0
    for m in models:
        info = api.model_info(m["repo"], revision=m["revision"])
        if info.sha != m["sha"]:
            outdated += 1
    loop = time.perf_counter() - start
    print(json.dumps({"outdated": outdated, "checked": len(models), "loop_s": round(loop, 3)}))


if __name__ == "__main__":
    main()
