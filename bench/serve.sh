#!/usr/bin/env bash
# Serving benchmark (see bench/README.md, "Serving"): gpux serve against the Python GPUX 0.1.1's
# `gpux serve` (FastAPI + uvicorn) on the same model and request, driven by wrk on loopback;
# then dynamic batching on vs off; then the HTTP cost per request against in-process inference.
#
#   bash bench/serve.sh           # 3 interleaved rounds of 8 s per measurement (~8 minutes)
#   bash bench/serve.sh --quick   # 1 round of 3 s (~1.5 minutes): a smoke run
#
# Not part of the tests; nothing fails on a slow number. Report: bench/results/serve.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=3 seconds=8 warm=2
case "${1:-}" in
  --quick) rounds=1 seconds=3 warm=1 ;;
  "") ;;
  *) echo "usage: bash bench/serve.sh [--quick]" >&2; exit 2 ;;
esac
work="$root/bench/.work/serve"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# --- what it needs ------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk (apt-get)"
    apt-get install -y -q wrk >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }
  else
    log "error: wrk is needed (apt-get install wrk)"; exit 1
  fi
fi
bash python/setup-venv.sh >/dev/null
py="$root/.venv/bin/python"
pyvenv="$root/bench/.venv-gpux-py"
# The Python GPUX 0.1.1 serves with FastAPI and uvicorn, which it does not declare: pinned here.
if [[ ! -x "$pyvenv/bin/gpux" ]] || ! "$pyvenv/bin/python" -c 'import fastapi, uvicorn' 2>/dev/null; then
  log "installing the Python GPUX 0.1.1 with fastapi and uvicorn into bench/.venv-gpux-py (once)"
  [[ -x "$pyvenv/bin/python" ]] || python3 -m venv "$pyvenv"
  "$pyvenv/bin/pip" install -q --disable-pip-version-check gpux==0.1.1 fastapi==0.165.0 uvicorn==0.54.0
fi
"$py" "$root/bench/serve/make_models.py" "$work" "$root" >/dev/null
gpux="$root/bin/gpux"
"$gpux" inspect "$work/digits64" >/dev/null # builds the CLI when the sources changed

# --- servers ------------------------------------------------------------------------------------
# wait_ok URL: until it answers 200 (60 s at most).
wait_ok() {
  for _ in $(seq 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  log "error: $1 never answered 200"; exit 1
}
# gpux serve on PORT with ARGS; ready once /v2/health/ready says so (models warmed up).
start_gpux() {
  local port="$1"; shift
  "$gpux" serve "$@" --port "$port" >"$work/gpux-$port.log" 2>&1 &
  pids+=($!)
  wait_ok "http://127.0.0.1:$port/v2/health/ready"
}
start_python() {
  local port="$1"
  (cd "$work/digits64" && exec "$pyvenv/bin/gpux" serve digits64 --port "$port") >"$work/python-$port.log" 2>&1 &
  pids+=($!)
  wait_ok "http://127.0.0.1:$port/health"
}

results="$work/results.jsonl"
: >"$results"
# load TEST SIDE URL BODY CONCURRENCY ROUND: one wrk run, one JSON line into results.
load() {
  local test="$1" side="$2" url="$3" body="$4" c="$5" r="$6" line
  GPUX_BENCH_BODY="$body" wrk -t1 -c"$c" -d"${warm}s" -s "$root/bench/serve/post.lua" "$url" >/dev/null
  line="$(GPUX_BENCH_BODY="$body" wrk -t1 -c"$c" -d"${seconds}s" -s "$root/bench/serve/post.lua" "$url" | grep '^{' | tail -1)"
  echo "{\"test\":\"$test\",\"side\":\"$side\",\"concurrency\":$c,\"round\":$r,${line#\{}" >>"$results"
  log "$test $side c=$c round $r: $line"
}

# --- 1. gpux serve vs the Python GPUX ------------------------------------------------------------
log "starting servers: gpux serve and the Python GPUX"
start_gpux 18181 "$work/digits64"
start_python 18183
declare -A url=(
  [gpux]="http://127.0.0.1:18181/predict"
  [python]="http://127.0.0.1:18183/predict"
)
# Both servers must answer the body alike before anything is timed.
for side in gpux python; do
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary "@$work/digits64.json" "${url[$side]}" >"$work/answer-$side.json" ||
    { log "error: $side refused the request: $(cat "$work/answer-$side.json")"; exit 1; }
done
sides=(gpux python)
for ((r = 1; r <= rounds; r++)); do
  for c in 1 8 32; do
    for ((k = 0; k < ${#sides[@]}; k++)); do
      side="${sides[$(((k + r + c) % ${#sides[@]}))]}" # rotate who goes first
      load vs-python "$side" "${url[$side]}" "$work/digits64.json" "$c" "$r"
    done
  done
done
cleanup; pids=()

# --- 2. dynamic batching on vs off ---------------------------------------------------------------
log "starting servers: mlp1024 with --max-batch-size 32 and with 1"
start_gpux 18184 "$work/mlp1024" --max-batch-size 32 --batch-delay-ms 2
start_gpux 18185 "$work/mlp1024" --max-batch-size 1
for ((r = 1; r <= rounds; r++)); do
  for side in $( ((r % 2)) && echo "batching no-batching" || echo "no-batching batching"); do
    port=$([[ $side == batching ]] && echo 18184 || echo 18185)
    load batching "$side" "http://127.0.0.1:$port/predict" "$work/mlp1024.json" 32 "$r"
  done
done
curl -s http://127.0.0.1:18184/metrics | grep '^gpux_inference_batch_size' >"$work/batch-metrics.txt" || true
cleanup; pids=()

# --- 3. HTTP cost per request: in-process inference of the same model and body ------------------
log "in-process: gpux run --benchmark on digits64"
"$gpux" run "$work/digits64" --file "$work/digits64.json" --benchmark --runs 20000 --warmup 2000 --json -q \
  >"$work/inprocess.json" 2>/dev/null

"$py" "$root/bench/serve/report.py" "$results" "$work/inprocess.json" "$work/batch-metrics.txt" \
  "$(git -C "$root" rev-parse --short HEAD)" "rounds=$rounds seconds=$seconds warm-up=${warm}s" >"$work/serve.md"
cp "$work/serve.md" "$root/bench/results/serve.md"
cat "$root/bench/results/serve.md"
