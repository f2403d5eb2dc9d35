"""RSS under a burst (bench/serve.sh): BURST requests of one body sent at once, each on its own
connection, while the server process's resident memory is sampled from /proc every 5 ms.

Usage: burst.py URL BODY_FILE BURST PID
Prints one JSON line: statuses counted, the RSS before, the highest sampled and the kernel's
high-water mark (VmHWM) after, in bytes.
"""

import http.client
import json
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlparse

url, body_path, burst, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
body = open(body_path, "rb").read()
u = urlparse(url)


def status_kb(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


# Resets the kernel's high-water mark (VmHWM) to the current RSS, so it tells this burst's peak
# and not the model load's; needs to own the process or be root, else it stays the lifetime peak.
try:
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    hwm_reset = True
except OSError:
    hwm_reset = False
before = status_kb("VmRSS")
peak = [before]
stop = threading.Event()


def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], status_kb("VmRSS"))
        time.sleep(0.005)


statuses = Counter()
lock = threading.Lock()
go = threading.Barrier(burst)


def one():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    try:
        c.connect()
        go.wait()
        c.request("POST", u.path, body, {"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        s = r.status
    except Exception as e:  # a reset counts as an error, not a crash of the benchmark
        s = type(e).__name__
    finally:
        c.close()
    with lock:
        statuses[str(s)] += 1


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
threads = [threading.Thread(target=one) for _ in range(burst)]
t0 = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - t0
time.sleep(0.05)
stop.set()
sampler.join()
print(json.dumps({
    "statuses": dict(statuses),
    "rss_before": before,
    "rss_peak_sampled": peak[0],
    "vm_hwm": status_kb("VmHWM"),
    "vm_hwm_reset": hwm_reset,
    "body_bytes": len(body),
    "seconds": round(elapsed, 2),
}))
