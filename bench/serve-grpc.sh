#!/usr/bin/env bash
# gRPC serving benchmark (see bench/README.md, "Serving over gRPC"): the Open Inference Protocol's
# ModelInfer on gpux serve --grpc-port, driven by ghz, next to the same inference over HTTP
# (POST /v2/models/digits64/infer and /predict, driven by wrk), on one server, in one run.
#
#   bash bench/serve-grpc.sh           # 3 interleaved rounds of 8 s per measurement (~3 minutes)
#   bash bench/serve-grpc.sh --quick   # 1 round of 3 s: a smoke run
#
# Two gRPC load generators: ghz (from the Go module proxy: go install
# github.com/bojand/ghz/cmd/ghz@v0.120.0, once, into bench/.work/go/bin), the tool the issue names,
# and GrpcLoad (gpux-bench: grpc-java's async stub), since ghz's dynamic messages cost it more per
# call than wrk pays. wrk comes from apt. Each load generator gets one CPU (wrk -t1, ghz --cpus 1),
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
work="$root/bench/.work/serve-grpc"
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
# GrpcLoad and what it needs, built in one reactor run (package, not install: nothing is written
# to ~/.m2 but downloads).
log "building gpux-bench (GrpcLoad)"
(mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am package \
  dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }
bench_cp="$root/gpux-bench/target/classes:$(cat "$work/cp.txt")"

# --- the server: HTTP and gRPC on one gpux serve ------------------------------------------------
http_port=18191 grpc_port=18192
$gpux serve "$work/digits64" --port "$http_port" --grpc-port "$grpc_port" >"$work/gpux.log" 2>&1 &
pids+=($!)
server_pid=$! # the launcher execs java
# The server's CPU time (user + system, in clock ticks): what one request costs the server,
# whatever the load generator costs (a gRPC client does more work a call than wrk).
ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz="$(getconf CLK_TCK)"
record() { # SIDE ROUND TICKS LINE
  echo "{\"side\":\"$1\",\"round\":$2,\"server_cpu_us\":$(($3 * 1000000 / hz)),${4#\{}" >>"$results"
  log "$1 c=32 round $2: $4"
}
for _ in $(seq 600); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/v2/health/ready" || true)" == 200 ]] && break
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

# wrk_load SIDE PATH BODY ROUND / ghz_load SIDE DATA ROUND / java_load SIDE MODE ROUND: one JSON
# line each, in post.lua's form.
wrk_load() {
  local side="$1" path="$2" body="$3" r="$4" line
  GPUX_BENCH_BODY="$body" wrk -t1 -c32 -d"${warm}s" -s "$root/bench/serve/post.lua" "http://127.0.0.1:$http_port$path" >/dev/null
  t0="$(ticks)"
  line="$(GPUX_BENCH_BODY="$body" wrk -t1 -c32 -d"${seconds}s" -s "$root/bench/serve/post.lua" "http://127.0.0.1:$http_port$path" | grep '^{' | tail -1)"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}
ghz_load() {
  local side="$1" data="$2" r="$3" line
  "$ghz" --insecure "${proto[@]}" --call "$call" -D "$data" --cpus 1 -c 32 \
    -z "${warm}s" --format json "127.0.0.1:$grpc_port" >/dev/null
  t0="$(ticks)"
  line="$("$ghz" --insecure "${proto[@]}" --call "$call" -D "$data" --cpus 1 -c 32 \
    -z "${seconds}s" --format json "127.0.0.1:$grpc_port" | "$py" "$root/bench/serve/grpc_bodies.py" --summary)"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}
# The class path in the environment: ONNX Runtime is not loaded here, but keep launches alike.
java_load() {
  local side="$1" mode="$2" r="$3" line
  CLASSPATH="$bench_cp" java -XX:ActiveProcessorCount=1 io.gpux.bench.GrpcLoad "127.0.0.1:$grpc_port" \
    "$work/digits64.json" digits64 pixels "$mode" 32 1 "$warm" >/dev/null
  t0="$(ticks)"
  line="$(CLASSPATH="$bench_cp" java -XX:ActiveProcessorCount=1 io.gpux.bench.GrpcLoad "127.0.0.1:$grpc_port" \
    "$work/digits64.json" digits64 pixels "$mode" 32 1 "$seconds")"
  record "$side" "$r" $(($(ticks) - t0)) "$line"
}

sides=(http-v2 http-predict ghz-raw ghz-typed java-raw java-typed)
for ((r = 1; r <= rounds; r++)); do
  for ((k = 0; k < ${#sides[@]}; k++)); do
    side="${sides[$(((k + r) % ${#sides[@]}))]}" # rotate who goes first
    case "$side" in
      http-v2) wrk_load "$side" /v2/models/digits64/infer "$work/oip.json" "$r" ;;
      http-predict) wrk_load "$side" /predict "$work/digits64.json" "$r" ;;
      ghz-raw) ghz_load "$side" "$work/grpc-raw.json" "$r" ;;
      ghz-typed) ghz_load "$side" "$work/grpc-typed.json" "$r" ;;
      java-raw) java_load "$side" raw "$r" ;;
      java-typed) java_load "$side" typed "$r" ;;
    esac
  done
done
cleanup; pids=()

"$py" "$root/bench/serve/grpc_report.py" "$results" \
  "$(git -C "$root" rev-parse --short HEAD)" "rounds=$rounds seconds=$seconds warm-up=${warm}s" >"$work/serve-grpc.md"
cp "$work/serve-grpc.md" "$root/bench/results/serve-grpc.md"
cat "$root/bench/results/serve-grpc.md"
