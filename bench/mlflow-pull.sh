#!/usr/bin/env bash
# MLflow pull benchmark (issue #5): a ~200 MB registered ONNX model (weights in MLflow's
# external-data file) pulled from a local `mlflow server` by `gpux pull` and by Python
# `mlflow.artifacts.download_artifacts("models:/NAME/1")`, side by side, 5 interleaved rounds,
# medians; then a no-op re-pull, counting the artifact downloads the server saw.
#
#   bash bench/mlflow-pull.sh      # ~3 minutes the first time (model logging), then ~1 minute
#
# Not part of the tests. Report: bench/results/mlflow-pull.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/mlflow"
mkdir -p "$work" "$root/bench/results"
bash python/setup-venv.sh mlflow >/dev/null
py="$root/.venv-mlflow/bin/python"
bin/gpux --version >/dev/null 2>&1

port=18800
url="http://127.0.0.1:$port"
"$root/.venv-mlflow/bin/mlflow" server --backend-store-uri "sqlite:///$work/mlflow.db" \
  --artifacts-destination "$work/artifacts" --host 127.0.0.1 --port "$port" --workers 1 \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "$url/health" >/dev/null && break; sleep 0.2; done
export MLFLOW_TRACKING_URI="$url"
name=bench-200mb
if [[ ! -f "$work/.registered" ]]; then
  log "logging and registering $name (once)"
  "$py" "$root/bench/mlflow/make_model.py" "$name" >/dev/null 2>"$work/make.log"
  touch "$work/.registered"
fi
bytes=$(du -cb "$work/artifacts" | tail -1 | cut -f1)

run_gpux() {
  rm -rf "$work/home"
  GPUX_HOME="$work/home" bin/gpux pull "mlflow:$name/1" >/dev/null 2>"$work/gpux.err"
}
run_mlflow() {
  rm -rf "$work/py-out"
  "$py" -c "import mlflow, sys; mlflow.artifacts.download_artifacts('models:/$name/1', dst_path=sys.argv[1])" \
    "$work/py-out" >/dev/null 2>"$work/py.err"
}
interleave 5 gpux mlflow
g=$(median "${times[gpux]}")
m=$(median "${times[mlflow]}")
before=$(grep -c "GET /api/2.0/mlflow-artifacts/artifacts/" "$work/server.log" || true)
t0=$(now); GPUX_HOME="$work/home" bin/gpux pull "mlflow:$name/1" >/dev/null 2>&1; t1=$(now)
after=$(grep -c "GET /api/2.0/mlflow-artifacts/artifacts/" "$work/server.log" || true)
{
  echo "measured on $(date +%F), median of 5 interleaved rounds, $(machine); loopback, mlflow server $("$py" -c 'import mlflow; print(mlflow.__version__)')"
  echo
  echo "| client | time | ratio (mlflow / gpux) | target |"
  echo "|---|---|---|---|"
  echo "| gpux pull mlflow:$name/1 ($((bytes / 1048576)) MB) | $g s (runs: ${times[gpux]}) | $(awk -v a="$m" -v b="$g" 'BEGIN {printf "%.2fx", a / b}') | >= 1.5x |"
  echo "| mlflow.artifacts.download_artifacts('models:/$name/1') | $m s (runs: ${times[mlflow]}) | | |"
  echo
  echo "- no-op re-pull: $(secs "$t0" "$t1") s; artifact downloads the server saw during it: $((after - before))"
} | tee "$root/bench/results/mlflow-pull.md"
