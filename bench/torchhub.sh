#!/usr/bin/env bash
# PyTorch Hub benchmark (issue 15): the first `gpux pull torchhub:...` of torchvision's ResNet-18
# (seeded weights, weights=None: nothing from the internet) from the GitHub stand-in on loopback,
# with the PyTorch environment ready (.venv-pytorch), split into what the conversion record says
# (load: import torch and build the model; export; check) and the rest (resolve, download, store,
# JVM and Python start); then the converted model's latency in onnxruntime against the same model
# in PyTorch eager, interleaved in one process (bench/torchhub/latency.py).
#
#   bash bench/torchhub.sh              # 3 pulls, 5 latency rounds of 20 runs
#   ROUNDS=1 bash bench/torchhub.sh     # a smoke run
#
# Writes bench/results/torchhub.md. Not a test: nothing here fails on a slow number.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-3}"
work="$root/bench/.work/torchhub"
rm -rf "$work"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

log "preparing: .venv-pytorch, the CLI and the GitHub stand-in"
bash python/setup-venv.sh pytorch >/dev/null
py="$root/.venv-pytorch/bin/python"
mvn -q -B -o -DskipTests -Dspotless.check.skip=true -pl gpux-cli,gpux-testing -am package \
  dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
tcp="$root/gpux-testing/target/classes:$(cat gpux-testing/target/cp.txt)"
java -cp "$tcp" io.gpux.testing.torchhub.FakeGitHub "bench/vision=$root/bench/torchhub" \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q GPUX_GITHUB_API_URL "$work/server.log" 2>/dev/null && break; sleep 0.3; done
export $(grep '^GPUX_GITHUB' "$work/server.log" | xargs)
export GPUX_PYTHON_ENV_PYTORCH="$root/.venv-pytorch"
bin/gpux --version >/dev/null
ref="torchhub:bench/vision/resnet18"

for ((r = 1; r <= rounds; r++)); do
  log "pull $r of $rounds"
  export GPUX_HOME="$work/home-$r"
  s=$(date +%s.%N)
  bin/gpux pull "$ref" --trust >"$work/pull.$r.log" 2>&1 ||
    { log "the pull failed:"; tail -5 "$work/pull.$r.log" >&2; exit 1; }
  e=$(date +%s.%N)
  echo "$r $(echo "$e - $s" | bc)" >>"$work/pulls.txt"
  bin/gpux inspect "$ref" --json >"$work/inspect.$r.json"
  s=$(date +%s.%N)
  curl -sfL "$GPUX_GITHUB_URL/bench/vision/zipball/main" -o "$work/zip.$r.zip"
  e=$(date +%s.%N)
  echo "$r $(echo "$e - $s" | bc) $(stat -c %s "$work/zip.$r.zip")" >>"$work/curl.txt"
done
onnx="$(find "$work/home-1" -name model.onnx -path '*resnet18*' | head -1)"
[[ -n "$onnx" ]] || onnx="$(find "$work/home-1" -name model.onnx | head -1)"
mkdir -p "$work/repo" && (cd "$work/repo" && unzip -q "$work/zip.1.zip")
repo="$(ls -d "$work"/repo/*/ | head -1)"
log "latency: eager vs onnxruntime"
"$py" bench/torchhub/latency.py "$repo" resnet18 "$onnx" "${LAT_ROUNDS:-5}" "${LAT_RUNS:-20}" 1 \
  >"$work/latency1.json" 2>/dev/null
"$py" bench/torchhub/latency.py "$repo" resnet18 "$onnx" "${LAT_ROUNDS:-5}" "${LAT_RUNS:-5}" 8 \
  >"$work/latency8.json" 2>/dev/null
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$rounds" "$load_start" "$load_end" >"$root/bench/results/torchhub.md" <<'PY'
import json, statistics, sys
work, rounds, load_start, load_end = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pulls = [float(l.split()[1]) for l in open(work + "/pulls.txt")]
curl = [float(l.split()[1]) for l in open(work + "/curl.txt")]
size = int(open(work + "/curl.txt").readline().split()[2])
steps = {}
conv = None
for r in range(1, rounds + 1):
    conv = json.load(open("%s/inspect.%d.json" % (work, r)))["conversion"]
    for k, v in conv["seconds"].items():
        steps.setdefault(k, []).append(v)
med = {k: statistics.median(v) for k, v in steps.items()}
total = statistics.median(pulls)
rest = total - sum(med.values())
print("# PyTorch Hub benchmark (bash bench/torchhub.sh)\n")
print("torchvision ResNet-18 (seeded weights) from the GitHub stand-in on loopback; the PyTorch")
print("environment ready. %d pulls into fresh stores, medians; load average %s at the start, %s at"
      " the end.\n" % (rounds, load_start, load_end))
print("| step of the first `gpux pull` | seconds |")
print("|---|---|")
print("| whole pull (wall) | %.2f |" % total)
print("| load: import torch, build the model (driver) | %.2f |" % med.get("load", 0))
print("| export (%s %s, opset %s) | %.2f |" % (conv["converter"], conv["converter_version"],
                                               conv["opset"], med.get("convert", 0)))
print("| check (onnxruntime vs PyTorch, seeded inputs %s) | %.2f |"
      % (", ".join("%s=%s" % (k, "x".join(map(str, v))) for k, v in conv["input_shapes"].items()),
         med.get("check", 0)))
print("| the rest: resolve, download, store, JVM and Python start | %.2f |" % rest)
print("| for scale: `curl` of the same zipball (%d bytes) | %.3f |\n" % (size, statistics.median(curl)))
worst = max(o.get("max_abs", 0) for o in conv["outputs"])
print("Check: %s, max abs difference %.3g.\n" % ("passed" if conv["passed"] else "FAILED", worst))
print("| latency per run (median of round medians) | PyTorch eager | ONNX Runtime | ONNX / eager |")
print("|---|---|---|---|")
for b in (1, 8):
    l = json.load(open("%s/latency%d.json" % (work, b)))
    print("| batch %d, %d threads | %.2f ms | %.2f ms | %.2f |"
          % (b, l["threads"], l["eager_ms"], l["onnx_ms"], l["ratio_onnx_over_eager"]))
print("\ntorch %s, onnxruntime %s; the two run interleaved in one process on the same input."
      % (l["torch"], l["onnxruntime"]))
PY
cat "$root/bench/results/torchhub.md"
