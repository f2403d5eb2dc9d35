"""Runs the official kagglehub client (on kagglesdk) against a Kaggle server (the test server in CI).

usage: kaggle_fidelity.py OUT_JSON HANDLE[#PATH] [HANDLE[#PATH]...]
For each handle it runs ``kagglehub.model_download(handle)`` (with ``path=PATH`` after a '#'),
and writes OUT_JSON: for each argument, the folder or file the client returned, the files in it
with their sha256, so the Java test can compare them with what ``gpux pull`` stored.
The server comes from KAGGLE_API_ENVIRONMENT (TEST: http://localhost:7777, hard-coded in
kagglesdk), credentials from KAGGLE_API_TOKEN or KAGGLE_USERNAME/KAGGLE_KEY, and the cache from
KAGGLEHUB_CACHE.
"""

import hashlib
import json
import os
import sys


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main() -> int:
    out, handles = sys.argv[1], sys.argv[2:]
    import kagglehub

    result = {"kagglehub": kagglehub.__version__, "downloads": {}}
    for arg in handles:
        handle, _, path = arg.partition("#")
        got = kagglehub.model_download(handle, path=path or None)
        if os.path.isdir(got):
            files = {
                os.path.relpath(os.path.join(d, f), got).replace(os.sep, "/"): sha256(
                    os.path.join(d, f)
                )
                for d, _, fs in os.walk(got)
                for f in fs
            }
        else:
            files = {path: sha256(got)}
        result["downloads"][arg] = {"path": got, "files": files}
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
