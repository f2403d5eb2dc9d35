"""The Python baseline: huggingface_hub.snapshot_download of every model of a list, 8 at a time.

Usage: HF_ENDPOINT=... HF_HUB_CACHE=... python snapshot_pool.py MODELS.txt THREADS
Prints the number of models downloaded.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

from huggingface_hub import snapshot_download

repos = [l.split("#")[0].strip().split(":", 1)[1] for l in open(sys.argv[1]) if l.split("#")[0].strip()]
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    done = list(pool.map(lambda r: snapshot_download(r), repos))
print(len(done))
