#!/usr/bin/env bash
# Serving benchmark (see bench/README.md, "Serving"), side by side in one run on this machine:
#   1. the HTTP ceiling: nginx serving a static JSON file of gpux's response size, against
#      gpux serve's POST /predict and /v2/models/digits64/infer on the tiny model, and the same
#      two routes on the JDK-HTTP-server gpux serve of commit fc08a7b (built in a temporary
#      clone), at concurrency 1, 8, 32 and 128 (wrk); the Python GPUX 0.1.1 at 32;
#   2. gRPC ModelInfer at concurrency 32 (h2load, 32 streams on one HTTP/2 connection, the tensor
#      in raw_input_contents; bench/serve-grpc.sh compares gRPC load generators);
#   3. dynamic batching on vs off on a batchable model at concurrency 32;
#   4. RSS under a burst of 200 concurrent 768 KB requests against the configured memory budget;
#   5. the HTTP cost per request against in-process inference.
#
#   bash bench/serve.sh           # 2 interleaved rounds of 6 s per measurement (~10 minutes)
#   bash bench/serve.sh --quick   # 1 round of 3 s: a smoke run (~4 minutes)
#
# Not part of the tests; nothing fails on a slow number. Report: bench/results/serve.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=2 seconds=6 warm=2
case "${1:-}" in
  --quick) rounds=1 seconds=3 warm=1 ;;
  "") ;;
  *) echo "usage: bash bench/serve.sh [--quick]" >&2; exit 2 ;;
esac
work="$root/bench/.work/serve"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- what it needs ------------------------------------------------------------------------------
need_apt() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing $2 (apt-get)"
    apt-get install -y -q "$2" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >/dev/null 2>&1; }
  fi
  command -v "$1" >/dev/null || PATH="$PATH:/usr/sbin" command -v "$1" >/dev/null ||
    { log "error: $1 is needed (apt-get install $2)"; exit 1; }
}
need_apt wrk wrk
need_apt h2load nghttp2-client
need_apt nginx nginx
nginx_bin="$(PATH="$PATH:/usr/sbin" command -v nginx)"
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

log "building gpux-bench (the gRPC load generator) and its class path"
(mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am package \
  dependency:build-classpath -Dmdep.outputFile="$work/bench-cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; log "error: gpux-bench did not build"; exit 1; }
bench_cp="$root/gpux-bench/target/classes:$(cat "$work/bench-cp.txt")"
java -cp "$bench_cp" io.gpux.bench.GrpcLoad --frame "$work/grpc-raw.bin" "$work/digits64.json" \
  digits64 pixels FP64 raw # the ModelInferRequest h2load sends

# The JDK-server gpux serve: commit fc08a7b, the last before Netty, built in a temporary clone
# (package, not install: nothing reaches ~/.m2). Kept between runs; never part of this repo.
jdk_rev=fc08a7b
jdk=/tmp/gpux-bench-jdkserver
if [[ ! -f "$jdk/.built-$jdk_rev" ]]; then
  log "building gpux at $jdk_rev (the JDK HTTP server) in $jdk"
  rm -rf "$jdk"
  git clone -q "$root" "$jdk" && git -C "$jdk" checkout -q "$jdk_rev"
  (cd "$jdk" && mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl gpux-cli -am package \
    dependency:build-classpath -Dmdep.outputFile="$jdk/cli-cp.txt") >"$work/jdk-build.log" 2>&1 ||
    { cat "$work/jdk-build.log" >&2; log "error: $jdk_rev did not build"; exit 1; }
  touch "$jdk/.built-$jdk_rev"
fi
jdk_cp="$jdk/gpux-cli/target/classes:$(cat "$jdk/cli-cp.txt")"

# --- servers ------------------------------------------------------------------------------------
# wait_ok URL: until it answers 200 (120 s at most).
wait_ok() {
  for _ in $(seq 1200); do
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
# The JDK-server gpux serve, with the heap and JIT bin/gpux gives serve.
start_jdk() {
  local port="$1"; shift
  (cd "$jdk" && exec java -Xshare:auto -Xmx2g -cp "$jdk_cp" io.gpux.cli.Main serve "$@" --port "$port") \
    >"$work/jdk-$port.log" 2>&1 &
  pids+=($!)
  wait_ok "http://127.0.0.1:$port/health"
}
start_python() {
  local port="$1"
  (cd "$work/digits64" && exec "$pyvenv/bin/gpux" serve digits64 --port "$port") >"$work/python-$port.log" 2>&1 &
  pids+=($!)
  wait_ok "http://127.0.0.1:$port/health"
}
start_nginx() {
  local port="$1"
  mkdir -p "$work/nginx"
  sed -e "s#@WORK@#$work#g" -e "s#@PORT@#$port#g" "$root/bench/serve/nginx.conf" >"$work/nginx/nginx.conf"
  # As root nginx's workers would drop to nobody, who may not read the work folder.
  local user=()
  [[ $(id -u) == 0 ]] && user=(-g "user root;")
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" "${user[@]}" >"$work/nginx/out.log" 2>&1 &
  pids+=($!)
  wait_ok "http://127.0.0.1:$port/predict.json"
}

results="$work/results.jsonl"
: >"$results"
record() { # TEST SIDE CONCURRENCY ROUND JSON
  echo "{\"test\":\"$1\",\"side\":\"$2\",\"concurrency\":$3,\"round\":$4,${5#\{}" >>"$results"
  log "$1 $2 c=$3 round $4: $5"
}
# post TEST SIDE URL BODY CONCURRENCY ROUND: one wrk run of POSTs.
post() {
  local line
  GPUX_BENCH_BODY="$4" wrk -t1 -c"$5" -d"${warm}s" -s "$root/bench/serve/post.lua" "$3" >/dev/null
  line="$(GPUX_BENCH_BODY="$4" wrk -t1 -c"$5" -d"${seconds}s" -s "$root/bench/serve/post.lua" "$3" | grep '^{' | tail -1)"
  record "$1" "$2" "$5" "$6" "$line"
}
get() { # TEST SIDE URL CONCURRENCY ROUND
  local line
  wrk -t1 -c"$4" -d"${warm}s" -s "$root/bench/serve/get.lua" "$3" >/dev/null
  line="$(wrk -t1 -c"$4" -d"${seconds}s" -s "$root/bench/serve/get.lua" "$3" | grep '^{' | tail -1)"
  record "$1" "$2" "$4" "$5" "$line"
}
# Failed inference requests a gpux serve counted (h2load sees HTTP statuses, not gRPC's).
failures() { # HTTP-PORT
  curl -s "http://127.0.0.1:$1/metrics" |
    awk '/^gpux_inference_requests_total\{.*outcome="failure"/ {n += $2} END {printf "%d", n}'
}
grpc() { # TEST SIDE HOST:PORT CONCURRENCY ROUND HTTP-PORT
  local line f0
  f0="$(failures "$6")"
  h2load -t1 -c1 -m"$4" --warm-up-time="${warm}s" -D "$seconds" --log-file="$work/h2load.log" \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$work/grpc-raw.bin" \
    "http://$3/inference.GRPCInferenceService/ModelInfer" >"$work/h2load.out"
  line="$("$py" "$root/bench/serve/grpc_bodies.py" --h2load "$work/h2load.out" "$work/h2load.log" \
    $(($(failures "$6") - f0)))"
  record "$1" "$2" "$4" "$5" "$line"
}

# --- 1 and 2: the HTTP ceiling, the JDK server, the Python GPUX, gRPC ----------------------------
log "starting servers: gpux serve (Netty) with gRPC, the JDK-server gpux, the Python GPUX, nginx"
grpc_port=18187
start_gpux 18181 "$work/digits64" --grpc-port "$grpc_port"
# For information: the same server with one intra-op thread per session (ONNX Runtime otherwise
# gives each run a pool of one thread per core, which 4 workers on 2 cores oversubscribe).
start_gpux 18189 "$work/digits64" --threads 1
start_jdk 18182 "$work/digits64"
start_python 18183
infer_body="$work/digits64-infer.json"
"$py" - "$work/digits64.json" >"$infer_body" <<'EOF'
import json, sys
x = json.load(open(sys.argv[1]))["pixels"]
print(json.dumps({"inputs": [{"name": "pixels", "shape": [len(x), len(x[0])], "datatype": "FP64",
                              "data": [v for row in x for v in row]}]}))
EOF
declare -A url=(
  [gpux-predict]="http://127.0.0.1:18181/predict"
  [gpux-infer]="http://127.0.0.1:18181/v2/models/digits64/infer"
  [jdk-predict]="http://127.0.0.1:18182/predict"
  [jdk-infer]="http://127.0.0.1:18182/v2/models/digits64/infer"
  [python-predict]="http://127.0.0.1:18183/predict"
  [gpux-predict-threads1]="http://127.0.0.1:18189/predict"
)
declare -A body=(
  [gpux-predict]="$work/digits64.json" [jdk-predict]="$work/digits64.json"
  [python-predict]="$work/digits64.json" [gpux-predict-threads1]="$work/digits64.json"
  [gpux-infer]="$infer_body" [jdk-infer]="$infer_body"
)
# Every side must answer the same body alike before anything is timed; nginx then serves gpux's
# /predict answer itself, so its response is the same size byte for byte.
mkdir -p "$work/static"
for side in gpux-predict gpux-infer jdk-predict jdk-infer python-predict; do
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary "@${body[$side]}" "${url[$side]}" \
    >"$work/answer-$side.json" || { log "error: $side refused the request: $(cat "$work/answer-$side.json")"; exit 1; }
done
cp "$work/answer-gpux-predict.json" "$work/static/predict.json"
start_nginx 18190
url[nginx]="http://127.0.0.1:18190/predict.json"

sides=(nginx gpux-predict gpux-infer jdk-predict jdk-infer)
for ((r = 1; r <= rounds; r++)); do
  for c in 1 8 32 128; do
    for ((k = 0; k < ${#sides[@]}; k++)); do
      side="${sides[$(((k + r + c) % ${#sides[@]}))]}" # rotate who goes first
      if [[ $side == nginx ]]; then
        get ceiling "$side" "${url[$side]}" "$c" "$r"
      else
        post ceiling "$side" "${url[$side]}" "${body[$side]}" "$c" "$r"
      fi
    done
    if ((c == 32)); then
      grpc ceiling gpux-grpc "127.0.0.1:$grpc_port" 32 "$r" 18181
      post ceiling python-predict "${url[python-predict]}" "${body[python-predict]}" 32 "$r"
      post ceiling gpux-predict-threads1 "${url[gpux-predict-threads1]}" "${body[gpux-predict-threads1]}" 32 "$r"
    fi
  done
done
load_mid="$(cut -d' ' -f1-3 /proc/loadavg)"
cleanup; pids=()

# --- 3. dynamic batching on vs off ---------------------------------------------------------------
log "starting servers: mlp1024 with --max-batch-size 32 and with 1"
start_gpux 18184 "$work/mlp1024" --max-batch-size 32 --batch-delay-ms 2
start_gpux 18185 "$work/mlp1024" --max-batch-size 1
for ((r = 1; r <= rounds; r++)); do
  for side in $( ((r % 2)) && echo "batching no-batching" || echo "no-batching batching"); do
    port=$([[ $side == batching ]] && echo 18184 || echo 18185)
    post batching "$side" "http://127.0.0.1:$port/predict" "$work/mlp1024.json" 32 "$r"
  done
done
curl -s http://127.0.0.1:18184/metrics | grep '^gpux_inference_batch_size' >"$work/batch-metrics.txt" || true
cleanup; pids=()

# --- 4. RSS under a burst of 200 concurrent 768 KB requests ---------------------------------------
budget=512m
log "burst: 200 concurrent $(($(stat -c %s "$work/echo1024.json") / 1024)) KB requests, --memory-budget $budget"
start_gpux 18188 "$work/echo1024" --memory-budget "$budget"
serve_pid="${pids[-1]}"
curl -sf -X POST -H 'Content-Type: application/json' --data-binary "@$work/echo1024.json" \
  http://127.0.0.1:18188/predict >/dev/null # the first large request warms the JSON path
"$py" "$root/bench/serve/burst.py" http://127.0.0.1:18188/predict "$work/echo1024.json" 200 "$serve_pid" \
  >"$work/burst.json"
log "burst: $(cat "$work/burst.json")"
cleanup; pids=()

# --- 5. HTTP cost per request: in-process inference of the same model and body ------------------
log "in-process: gpux run --benchmark on digits64"
"$gpux" run "$work/digits64" --file "$work/digits64.json" --benchmark --runs 20000 --warmup 2000 --json -q \
  >"$work/inprocess.json" 2>/dev/null
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

revision="$(git -C "$root" rev-parse --short HEAD)"
[[ -n "$(git -C "$root" status --porcelain -- gpux-core gpux-server gpux-cli 2>/dev/null)" ]] &&
  revision+=" + uncommitted changes"
"$py" "$root/bench/serve/report.py" "$work" "$revision" \
  "rounds=$rounds seconds=$seconds warm-up=${warm}s; load average (1, 5, 15 min) at start $load_start, after the HTTP section $load_mid, at the end $load_end; JDK server: gpux at $jdk_rev; memory budget of the burst: $budget" \
  >"$work/serve.md"
cp "$work/serve.md" "$root/bench/results/serve.md"
cat "$root/bench/results/serve.md"
