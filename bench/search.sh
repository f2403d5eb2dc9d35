#!/usr/bin/env bash
# Cross-registry search benchmark (issue #16): `gpux search` over three test servers at once (the
# Hugging Face test hub, a real `mlflow server`, the W&B test server), side by side with the same
# three searches done one after another with the registries' official Python clients
# (huggingface_hub.list_models, MlflowClient.search_registered_models,
# wandb.Api().artifact_collections), each in its own environment as a user would run them.
# Both sides include their start-up (the JVM; three Python interpreters and imports); the cache is
# off for gpux (GPUX_SEARCH_CACHE=0) except in the row that says so. Not part of the tests.
# Writes bench/results/search.md. Usage: bash bench/search.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/bench/rounds.sh"
work="$root/bench/.work/search"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
bash python/setup-venv.sh >/dev/null
bash python/setup-venv.sh mlflow >/dev/null
bash python/setup-venv.sh wandb >/dev/null
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-cli,gpux-testing -am package \
  dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
tcp="$root/gpux-testing/target/classes:$(cat gpux-testing/target/cp.txt)"
bin/gpux --version >/dev/null 2>&1 # builds the launcher when the sources changed

# Fixtures: 30 Hub repos, 10 W&B collections, 10 MLflow registered models named *model*.
if [[ ! -f "$work/.fixtures" ]]; then
  rm -rf "$work/hf" "$work/wandb"
  for i in $(seq 1 30); do
    mkdir -p "$work/hf/acme/model-$i" && cp examples/digits/model.onnx "$work/hf/acme/model-$i/"
  done
  for i in $(seq 1 10); do
    mkdir -p "$work/wandb/bench/models/model-$i" && cp examples/digits/model.onnx "$work/wandb/bench/models/model-$i/"
  done
  touch "$work/.fixtures"
fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
java -cp "$tcp" io.gpux.testing.hf.FakeHfHub --root "$work/hf" --port 18810 >"$work/hf.log" 2>&1 &
pids+=($!)
key="local-benchKey0123456789abcdefghijklmnopqrstuvwxyz"
java -cp "$tcp" io.gpux.testing.wandb.FakeWandb --root "$work/wandb" --port 18811 --api-key "$key" >"$work/wandb.log" 2>&1 &
pids+=($!)
rm -rf "$work/mlflow.db" "$work/artifacts"
"$root/.venv-mlflow/bin/mlflow" server --backend-store-uri "sqlite:///$work/mlflow.db" \
  --artifacts-destination "$work/artifacts" --host 127.0.0.1 --port 18812 --workers 1 \
  >"$work/mlflow.log" 2>&1 &
pids+=($!)
hf=http://127.0.0.1:18810 wb=http://127.0.0.1:18811 ml=http://127.0.0.1:18812
for _ in $(seq 600); do curl -sf "$ml/health" >/dev/null && grep -q http "$work/hf.log" && grep -q http "$work/wandb.log" && break; sleep 0.2; done
MLFLOW_TRACKING_URI=$ml "$root/.venv-mlflow/bin/python" -c '
from mlflow import MlflowClient
c = MlflowClient()
for i in range(1, 11):
    c.create_registered_model(f"bench-model-{i}", tags={"task": "image-classification"})
' >/dev/null 2>"$work/mlflow-setup.err"

export HF_ENDPOINT=$hf MLFLOW_TRACKING_URI=$ml WANDB_BASE_URL=$wb WANDB_API_KEY=$key
export WANDB_ENTITY=bench WANDB_PROJECT=models HF_HUB_DISABLE_TELEMETRY=1 WANDB_SILENT=true
export HOME="$work/user" && mkdir -p "$HOME"
search=(search model --registry hf,mlflow,wandb --limit 50 --json)
run_gpux() {
  GPUX_HOME="$work/home" GPUX_SEARCH_CACHE=0 bin/gpux "${search[@]}" >"$work/gpux.json" 2>"$work/gpux.err"
}
run_cached() {
  GPUX_HOME="$work/home" bin/gpux "${search[@]}" >"$work/cached.json" 2>"$work/cached.err"
}
run_python() {
  "$root/.venv/bin/python" -c '
from huggingface_hub import list_models
print(len(list(list_models(search="model", limit=50))))' >"$work/py-hf.out"
  "$root/.venv-mlflow/bin/python" -c '
from mlflow import MlflowClient
print(len(MlflowClient().search_registered_models(filter_string="name ILIKE '"'"'%model%'"'"'", max_results=50)))' >"$work/py-mlflow.out"
  WANDB_CONFIG_DIR="$work/user/wandb" WANDB_CACHE_DIR="$work/user/wandb-cache" \
    "$root/.venv-wandb/bin/python" -c '
import wandb
print(len([c for c in wandb.Api().artifact_collections("bench/models", "model") if "model" in c.name][:50]))' >"$work/py-wandb.out"
}
run_gpux && run_python && run_cached # warm-up of each side (the servers' JIT, the page cache)
interleave 5 gpux python
g=$(median "${times[gpux]}")
p=$(median "${times[python]}")
interleave 5 cached
c=$(median "${times[cached]}")
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
hits=$("$root/.venv/bin/python" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/gpux.json")
py_hits="$(cat "$work/py-hf.out") + $(cat "$work/py-mlflow.out") + $(cat "$work/py-wandb.out")"
{
  echo "measured on $(date +%F), median of 5 interleaved rounds after a warm-up of each, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average $load_start at the start, $load_end at the end; loopback test servers (Hugging Face test hub, mlflow server $("$root/.venv-mlflow/bin/python" -c 'import mlflow; print(mlflow.__version__)'), W&B test server)"
  echo
  echo "| side | time | results | ratio (python / gpux) | target |"
  echo "|---|---|---|---|---|"
  echo "| \`gpux ${search[*]}\` (concurrent, JVM start included, cache off) | $g s (runs: ${times[gpux]}) | $hits merged | $(awk -v a="$p" -v b="$g" 'BEGIN {printf "%.2fx", a / b}') | >= 2x |"
  echo "| huggingface_hub.list_models, then MlflowClient.search_registered_models, then wandb.Api().artifact_collections (three interpreters, one after another) | $p s (runs: ${times[python]}) | $py_hits | | |"
  echo "| the same gpux search answered from the index's cache (5 minutes) | $c s (runs: ${times[cached]}) | | $(awk -v a="$p" -v b="$c" 'BEGIN {printf "%.2fx", a / b}') | |"
} >"$root/bench/results/search.md"
cat "$root/bench/results/search.md"
