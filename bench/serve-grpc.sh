#!/usr/bin/env bash
# gRPC serving benchmark (see bench/README.md, "Serving over gRPC"): the Open Inference Protocol's
# ModelInfer on gpux serve --grpc-port, driven by h2load, ghz and GrpcLoad, next to the same
# inference over HTTP (POST /v2/models/digits64/infer and /predict, driven by wrk), on one server,
# in one run.
#
#   bash bench/serve-grpc.sh           # 3 interleaved rounds of 8 s per measurement (~3 minutes)
#   bash bench/serve-grpc.sh --quick   # 1 round of 3 s: a smoke run
#
# Three gRPC load generators: h2load (nghttp2's HTTP/2 load generator, C, from apt: it POSTs one
# prepared gRPC message, written by GrpcLoad --frame, and costs about what wrk costs a request, so
# it is the like-for-like counterpart of wrk), ghz (from the Go module proxy: go install
# github.com/bojand/ghz/cmd/ghz@v0.120.0, once, into bench/.work/go/bin), the tool the issue names,
# and GrpcLoad (gpux-bench: grpc-java's async stub). ghz and GrpcLoad cost several times what the
# server does a call, and on 2 cores that caps what they measure; the report gives each load
# generator's CPU a request next to the server's. h2load reads no gRPC trailers, so its errors add
# the server's own failure count (/metrics) over the run. wrk and h2load come from apt. Each load
# generator gets one CPU (wrk -t1, h2load -t1, ghz --cpus 1, GrpcLoad -XX:ActiveProcessorCount=1),
# on the same machine as the server. GPUX=... runs another gpux launcher (default bin/gpux).
# Not part of the tests; nothing fails on a slow number. Report: bench/results/serve-grpc.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=3 seconds=8 warm=2
case "${1:-}" in
  --quick) rounds=1 seconds=3 warm=1 ;;
  "") ;;
  *) echo "usage: bash bench/serve-grpc.sh [--quick]" >&2; exit 2 ;;
esac
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
work="$root/bench/.work/serve-grpc"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# --- what it needs ------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v h2load >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk and h2load (apt-get install wrk nghttp2-client)"
    apt-get install -y -q wrk nghttp2-client >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk nghttp2-client >/dev/null 2>&1; }
  else
    log "error: wrk and h2load are needed (apt-get install wrk nghttp2-client)"; exit 1
  fi
fi
ghz="$root/bench/.work/go/bin/ghz"
if [[ ! -x "$ghz" ]]; then
  command -v go >/dev/null || { log "error: Go is needed to build ghz (apt-get install golang)"; exit 1; }
  log "building ghz v0.120.0 from the Go module proxy (once)"
  GOBIN="$root/bench/.work/go/bin" go install github.com/bojand/ghz/cmd/ghz@v0.120.0
fi
bash python/setup-venv.sh >/dev/null
py="$root/.venv/bin/python"
"$py" "$root/bench/serve/make_models.py" "$work" "$root" >/dev/null
"$py" "$root/bench/serve/grpc_bodies.py" "$work/digits64.json" "$work" digits64 pixels FP64
gpux="${GPUX:-$root/bin/gpux}"
"$gpux" inspect "$work/digits64" >/dev/null # builds the CLI when the sources changed, before timing
# GrpcLoad and what it needs, built in one reactor run (package, not install: nothing is written
# to ~/.m2 but downloads).
log "building gpux-bench (GrpcLoad)"
(mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am package \
  dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }
bench_cp="$root/gpux-bench/target/classes:$(cat "$work/cp.txt")"
for mode in raw typed; do # the messages h2load sends
  java -cp "$bench_cp" io.gpux.bench.GrpcLoad --frame "$work/grpc-$mode.bin" "$work/digits64.json" \
    digits64 pixels FP64 "$mode"
done

# --- the server: HTTP and gRPC on one gpux serve ------------------------------------------------
http_port=18191 grpc_port=18192
$gpux serve "$work/digits64" --port "$http_port" --grpc-port "$grpc_port" >"$work/gpux.log" 2>&1 &
pids+=($!)
server_pid=$! # the launcher execs java
# The server's CPU time (user + system, in clock ticks): what one request costs the server,
# whatever the load generator costs (a gRPC client does more work a call than wrk).
ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz="$(getconf CLK_TCK)"
# The load generator's CPU time, from /usr/bin/time -f '%U %S' written to $work/client-time.
client_us() { awk '{printf "%d", ($1 + $2) * 1000000}' "$work/client-time"; }
timed() { /usr/bin/time -o "$work/client-time" -f '%U %S' "$@"; }
record() { # SIDE ROUND TICKS LINE
  echo "{\"side\":\"$1\",\"round\":$2,\"server_cpu_us\":$(($3 * 1000000 / hz)),\"client_cpu_us\":$(client_us),${4#\{}" >>"$results"
  log "$1 c=32 round $2: $4"
}
# Failed inference requests the server counted so far (h2load cannot see gRPC's status).
failures() {
  curl -s "http://127.0.0.1:$http_port/metrics" |
    awk '/^gpux_inference_requests_total\{.*outcome="failure"/ {n += $2} END {printf "%d", n}'
}
for _ in $(seq 600); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/v2/health/ready" || true)" == 200 ]] && break
  sleep 0.1
done
# The gRPC port is printed after HTTP answers (it starts right after), so wait for its line too.
for _ in $(seq 600); do
  grep -q "gRPC" "$work/gpux.log" && break
  sleep 0.1
done
grep -q "gRPC" "$work/gpux.log" || { log "error: gpux serve did not start gRPC: $(cat "$work/gpux.log")"; exit 1; }

results="$work/results.jsonl"
: >"$results"
proto=(--proto "$root/gpux-server/src/main/proto/grpc_service.proto" --import-paths "$root/gpux-server/src/main/proto")
call=inference.GRPCInferenceService/ModelInfer
# One answer of each kind before anything is timed: the sides must agree.
"$ghz" --insecure "${proto[@]}" --call "$call" -D "$work/grpc-raw.json" -n 1 -c 1 --format json \
  "127.0.0.1:$grpc_port" | "$py" -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["statusCodeDistribution"].get("OK")==1 else 1)' ||
  { log "error: ModelInfer failed under ghz"; exit 1; }

# wrk_load SIDE PATH BODY ROUND / h2load_load SIDE MODE ROUND / ghz_load SIDE DATA ROUND /
# java_load SIDE MODE ROUND: one JSON line each, in post.lua's form.
wrk_load() {
  local side="$1" path="$2" body="$3" r="$4" line
  GPUX_BENCH_BODY="$body" wrk -t1 -c32 -d"${warm}s" -s "$root/bench/serve/post.lua" "http://127.0.0.1:$http_port$path" >/dev/null
  t0="$(ticks)"
  line="$(GPUX_BENCH_BODY="$body" timed wrk -t1 -c32 -d"${seconds}s" -s "$root/bench/serve/post.lua" "http://127.0.0.1:$http_port$path" | grep '^{' | tail -1)"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}
# 32 streams on one connection, as tritonclient.grpc, ghz and GrpcLoad use one. MODE raw or
# typed: gRPC; h2c: the same OIP JSON as http-v2, over HTTP/2 (prior knowledge) on the HTTP port.
h2load_load() {
  local side="$1" mode="$2" r="$3" line f0 target
  local headers=(-H 'content-type: application/grpc' -H 'te: trailers') body="$work/grpc-$mode.bin"
  target="http://127.0.0.1:$grpc_port/$call"
  if [[ "$mode" == h2c ]]; then
    headers=(-H 'content-type: application/json') body="$work/oip.json"
    target="http://127.0.0.1:$http_port/v2/models/digits64/infer"
  fi
  f0="$(failures)"
  t0="$(ticks)"
  timed h2load -t1 -c1 -m32 --warm-up-time="${warm}s" -D "$seconds" --log-file="$work/h2load.log" \
    "${headers[@]}" -d "$body" "$target" >"$work/h2load.out"
  t1="$(ticks)"
  line="$("$py" "$root/bench/serve/grpc_bodies.py" --h2load "$work/h2load.out" "$work/h2load.log" \
    $(($(failures) - f0)))"
  record "$side" "$r" $((t1 - t0)) "$line"
}
ghz_load() {
  local side="$1" data="$2" r="$3" line
  "$ghz" --insecure "${proto[@]}" --call "$call" -D "$data" --cpus 1 -c 32 \
    -z "${warm}s" --format json "127.0.0.1:$grpc_port" >/dev/null
  t0="$(ticks)"
  line="$(timed "$ghz" --insecure "${proto[@]}" --call "$call" -D "$data" --cpus 1 -c 32 \
    -z "${seconds}s" --format json "127.0.0.1:$grpc_port" | "$py" "$root/bench/serve/grpc_bodies.py" --summary)"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}
# The warm-up runs inside the one JVM (its JIT warms up with the server's); the server's ticks
# are read around the whole run, so its CPU a request counts the warm-up's requests out roughly.
java_load() {
  local side="$1" mode="$2" r="$3" line
  t0="$(ticks)"
  line="$(timed java -XX:ActiveProcessorCount=1 -cp "$bench_cp" io.gpux.bench.GrpcLoad "127.0.0.1:$grpc_port" \
    "$work/digits64.json" digits64 pixels FP64 "$mode" 32 1 "$warm" "$seconds")"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}

sides=(http-v2 http-predict h2c-v2 h2load-raw h2load-typed ghz-raw java-raw)
for ((r = 1; r <= rounds; r++)); do
  for ((k = 0; k < ${#sides[@]}; k++)); do
    side="${sides[$(((k + r) % ${#sides[@]}))]}" # rotate who goes first
    case "$side" in
      http-v2) wrk_load "$side" /v2/models/digits64/infer "$work/oip.json" "$r" ;;
      http-predict) wrk_load "$side" /predict "$work/digits64.json" "$r" ;;
      h2c-v2) h2load_load "$side" h2c "$r" ;;
      h2load-raw) h2load_load "$side" raw "$r" ;;
      h2load-typed) h2load_load "$side" typed "$r" ;;
      ghz-raw) ghz_load "$side" "$work/grpc-raw.json" "$r" ;;
      java-raw) java_load "$side" raw "$r" ;;
    esac
  done
done
cleanup; pids=()

"$py" "$root/bench/serve/grpc_report.py" "$results" \
  "$(git -C "$root" rev-parse --short HEAD)" \
  "rounds=$rounds seconds=$seconds warm-up=${warm}s; load average (1, 5, 15 min) at start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/serve-grpc.md"
cp "$work/serve-grpc.md" "$root/bench/results/serve-grpc.md"
cat "$root/bench/results/serve-grpc.md"
