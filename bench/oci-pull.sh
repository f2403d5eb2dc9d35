#!/usr/bin/env bash
# OCI benchmark (issue #12): a generated ~1 GB ModelPack artifact of 5 layers (an ONNX file and
# four 250 MB weight shards) in Debian's docker-registry on loopback, moved side by side by
#   pull:  `gpux pull oci://...`              vs  `skopeo copy docker://... dir:DIR`
#   push:  `gpux push REF oci://...`          vs  `skopeo copy dir:DIR docker://...`
# and a no-op re-pull of a model the store already has, counted from the registry's access log
# (target: one manifest request, nothing else). Not part of the test run.
# Writes bench/results/oci-pull.md. Usage: bash bench/oci-pull.sh [ROUNDS] (default 3, odd)
#
# Fairness: both sides verify every blob's sha256 (skopeo while copying, gpux before a blob enters
# the store) and write every byte to the same disk; the page cache is flushed (sync) before each
# run; the order of the sides rotates each round; each side's first run is a warm-up. gpux runs
# through bin/gpux, as users type it, JVM start included. A push goes to a registry whose storage
# is empty (restarted between runs), so neither side can skip a blob the registry already has.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${1:-3}"
work="$root/bench/.work/oci"
mkdir -p "$work" "$root/bench/results"
for p in docker-registry skopeo; do
  command -v $p >/dev/null || { echo "bench: $p is missing (apt-get install docker-registry skopeo)" >&2; exit 3; }
done

src="$work/model"
if [[ ! -f "$work/.complete" ]]; then
  echo "bench: generating the model (random bytes, ~1 GB)" >&2
  rm -rf "$src" && mkdir -p "$src"
  cp examples/digits/model.onnx "$src/model.onnx"
  for i in 1 2 3 4; do head -c $((250 << 20)) /dev/urandom >"$src/shard-$i.bin"; done
  touch "$work/.complete"
fi
bytes=$(du -cb "$src"/* | tail -1 | cut -f1)

# One registry for pulls (keeps its data), one for pushes (emptied before each push).
declare -A pids=()
start_registry() { # NAME PORT
  local name=$1 port=$2 dir="$work/$1"
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 &
  pids[$name]=$!
  for _ in $(seq 1 300); do
    (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: docker-registry $name did not start" >&2
  exit 1
}
stop_registry() { kill "${pids[$1]}" 2>/dev/null || true; wait "${pids[$1]}" 2>/dev/null || true; }
trap 'for n in "${!pids[@]}"; do stop_registry "$n"; done' EXIT
pull_port=18751
push_port=18752
rm -rf "$work/pullreg" "$work/pushreg"
start_registry pullreg $pull_port
start_registry pushreg $push_port

gpux=(bin/gpux)
"${gpux[@]}" --version >/dev/null 2>&1 # builds the CLI on a fresh checkout
home="$work/home"
ref="oci://127.0.0.1:$pull_port/bench/model:v1"
skopeo_src="docker://127.0.0.1:$pull_port/bench/model:v1"

echo "bench: seeding the pull registry with gpux push" >&2
rm -rf "$work/seed-home"
GPUX_HOME="$work/seed-home" "${gpux[@]}" push "$src" "$ref" >/dev/null

run_gpux_pull() {
  rm -rf "$home"
  GPUX_HOME="$home" "${gpux[@]}" pull "$ref" >/dev/null 2>"$work/gpux-pull.err"
}
run_skopeo_pull() {
  rm -rf "$work/skopeo-dir"
  skopeo copy -q --src-tls-verify=false "$skopeo_src" "dir:$work/skopeo-dir" >/dev/null
}
# The push sides start from what each has after a pull: gpux from its store, skopeo from its dir:
# copy. The push registry is emptied (stopped, storage removed, started) before each push.
fresh_push_registry() {
  stop_registry pushreg
  rm -rf "$work/pushreg/data"
  start_registry pushreg $push_port
}
run_gpux_push() {
  fresh_push_registry
  GPUX_HOME="$work/push-home" "${gpux[@]}" push "$ref" "oci://127.0.0.1:$push_port/bench/model:v1" \
    >/dev/null 2>"$work/gpux-push.err"
}
run_skopeo_push() {
  fresh_push_registry
  skopeo copy -q --dest-tls-verify=false "dir:$work/skopeo-push-src" \
    "docker://127.0.0.1:$push_port/bench/model:v1" >/dev/null
}
# What the push sides read from: a store holding the model (gpux) and a dir: copy (skopeo), made
# once, outside the timings.
rm -rf "$work/push-home" "$work/skopeo-push-src"
GPUX_HOME="$work/push-home" "${gpux[@]}" pull "$ref" >/dev/null 2>&1
skopeo copy -q --src-tls-verify=false "$skopeo_src" "dir:$work/skopeo-push-src" >/dev/null

echo "bench: warm-up" >&2
run_gpux_pull
run_skopeo_pull
interleave "$rounds" gpux_pull skopeo_pull
pull_gpux=$(median "${times[gpux_pull]}")
pull_skopeo=$(median "${times[skopeo_pull]}")
pull_runs_gpux="${times[gpux_pull]}"
pull_runs_skopeo="${times[skopeo_pull]}"

run_gpux_push
run_skopeo_push
interleave "$rounds" gpux_push skopeo_push
push_gpux=$(median "${times[gpux_push]}")
push_skopeo=$(median "${times[skopeo_push]}")

# The no-op re-pull: the store already holds v1 (the last gpux pull round left it there).
log="$work/pullreg/registry.log"
before=$(wc -l <"$log")
t0=$(now)
GPUX_HOME="$home" "${gpux[@]}" pull "$ref" >/dev/null 2>"$work/gpux-repull.err"
t1=$(now)
repull_s=$(secs "$t0" "$t1")
sleep 0.5 # the access log line is written after the response
requests=$(tail -n +"$((before + 1))" "$log" | grep -oE '"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/[^ ]* HTTP' |
  sed -E 's/^"//; s/ HTTP$//' || true)
n_requests=$(grep -c . <<<"$requests" || true)
n_manifests=$(grep -c '/manifests/' <<<"$requests" || true)
repull_result=MISS
[[ "$n_requests" == 1 && "$n_manifests" == 1 ]] && repull_result=PASS

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}')
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r >= t) ? "PASS" : "MISS"}'; }
pull_ratio=$(ratio "$pull_skopeo" "$pull_gpux")
push_ratio=$(ratio "$push_skopeo" "$push_gpux")
{
  echo "measured on $(date +%F) $(date +%H:%M) UTC, median of $rounds interleaved rounds after a warm-up of each side, $(machine), load average $(load_avg) at the end; loopback, Debian docker-registry $(dpkg-query -W -f '${Version}' docker-registry 2>/dev/null || echo '?'), $(skopeo --version)"
  echo
  echo "| transfer | gpux | skopeo | ratio (skopeo time / gpux time) | target | result |"
  echo "|---|---|---|---|---|---|"
  echo "| pull, $mb MB in 5 layers | ${pull_gpux} s, $(rate "$pull_gpux") MB/s (runs: ${pull_runs_gpux}) | ${pull_skopeo} s, $(rate "$pull_skopeo") MB/s (runs: ${pull_runs_skopeo}) | ${pull_ratio}x | >= 1.00x | $(verdict "$pull_ratio" 1.0) |"
  echo "| push, the same model to an empty registry | ${push_gpux} s, $(rate "$push_gpux") MB/s (runs: ${times[gpux_push]}) | ${push_skopeo} s, $(rate "$push_skopeo") MB/s (runs: ${times[skopeo_push]}) | ${push_ratio}x | >= 1.00x | $(verdict "$push_ratio" 1.0) |"
  echo "| no-op re-pull of v1 | ${repull_s} s, $n_requests request(s): $(tr '\n' ';' <<<"$requests" | sed 's/;$//; s/;/, /g') | | | one manifest request | $repull_result |"
} >"$root/bench/results/oci-pull.md"
cat "$root/bench/results/oci-pull.md"
