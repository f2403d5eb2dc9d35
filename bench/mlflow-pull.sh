#!/usr/bin/env bash
# MLflow pull benchmark (issue #5): a registered ONNX model of about 200 MB (external data) on a
# real `mlflow server` on loopback, fetched side by side by `gpux pull` and the official Python
# client (mlflow.artifacts.download_artifacts("models:/...")), then a no-op re-pull.
# Writes bench/results/mlflow-pull.md. Not part of the tests. Usage: bash bench/mlflow-pull.sh [MB]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mb="${1:-200}"
rounds=3
work="$root/bench/.work/mlflow"
mkdir -p "$work" "$root/bench/results"
bash python/setup-venv.sh mlflow >/dev/null
py="$root/.venv-mlflow/bin/python"
# Package (never install: ~/.m2 may be shared) and run the CLI from target/ directly; bin/gpux
# would `mvn install` when the sources are newer than its jar.
mvn -B -q -o -DskipTests -Dspotless.check.skip=true package -pl gpux-cli -am
jar="$(ls gpux-cli/target/gpux-cli-*.jar | grep -v sources | head -1)"
gpux() { java -XX:+UseSerialGC -cp "$jar:$root/gpux-cli/target/dist/lib/*" io.gpux.cli.Main "$@"; }

port=18798
server="$work/server"
mkdir -p "$server"
"$root/.venv-mlflow/bin/mlflow" server --backend-store-uri "sqlite:///$server/mlflow.db" \
  --artifacts-destination "$server/artifacts" --host 127.0.0.1 --port "$port" --workers 1 \
  >"$server/server.log" 2>&1 &
pid=$!
trap 'pkill -P $pid 2>/dev/null || true; kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
name="bench-${mb}mb"
if ! curl -sf "$MLFLOW_TRACKING_URI/api/2.0/mlflow/registered-models/get?name=$name" >/dev/null; then
  echo "bench: registering $name (${mb} MB of weights)" >&2
  "$py" python/mlflow_fixture.py big "$name" "$mb" >/dev/null 2>&1
fi
uri="models:/$name/1"

now() { date +%s.%N; }
results=()
for r in $(seq $rounds); do
  rm -rf "$work/home" "$work/py"
  t0=$(now)
  GPUX_HOME="$work/home" gpux pull "mlflow:$name/1" >/dev/null
  t1=$(now)
  "$py" python/mlflow_fixture.py download "$uri" "$work/py" >/dev/null 2>&1
  t2=$(now)
  rm -rf "$work/py"
  inproc=$("$py" python/mlflow_fixture.py download-timed "$uri" "$work/py" 2>/dev/null | tail -1)
  t3=$(now)
  GPUX_HOME="$work/home" gpux pull "mlflow:$name/1" --json >"$work/repull.json"
  t4=$(now)
  g=$(echo "$t1 - $t0" | bc); p=$(echo "$t2 - $t1" | bc); n=$(echo "$t4 - $t3" | bc)
  echo "round $r: gpux pull ${g}s, python (process) ${p}s, python (download call) ${inproc}s, no-op re-pull ${n}s" >&2
  results+=("| $r | $g | $p | $inproc | $n |")
done
size=$(du -sb "$work/home/blobs" 2>/dev/null | cut -f1 || echo "?")
{
  echo "# MLflow pull benchmark"
  echo
  echo "$(date -u +%FT%TZ), $(nproc) cores, model \`$uri\` (${mb} MB of external-data weights, store blobs $size bytes),"
  echo "real \`mlflow server\` on loopback ($("$py" -c 'import mlflow; print(mlflow.__version__)'))."
  echo "gpux times include JVM start-up; 'python (process)' is \`python -c download_artifacts(...)\` with"
  echo "interpreter start-up and imports, 'download call' the call alone."
  echo
  echo "| round | gpux pull (s) | python process (s) | python download call (s) | gpux no-op re-pull (s) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
  echo
  echo "No-op re-pull: $(tr -d '\n ' <"$work/repull.json" | grep -o '"bytes_downloaded":[0-9]*')"
} >bench/results/mlflow-pull.md
cat bench/results/mlflow-pull.md
