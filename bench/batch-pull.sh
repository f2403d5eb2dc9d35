#!/usr/bin/env bash
# Batch pull benchmark (issue 13): `gpux batch pull` of MODELS models (1-20 MB each, some sharing
# files) from the test hub on loopback, against a shell loop of `gpux pull` and against
# huggingface_hub.snapshot_download in a Python ThreadPoolExecutor of 8, side by side in
# interleaved rounds (the order rotating), each side a fresh process and an empty store/cache,
# after an untimed warm-up of the hub. Twice: the test hub as it is (the JDK's HTTP server leaves
# Nagle's algorithm on, so a request on a kept-alive connection waits ~40 ms for the delayed ACK:
# about a round trip to a real Hub) and with TCP_NODELAY (pure loopback). Then with 40 ms of added
# round-trip time (tc netem on the loopback of a network namespace the script creates) where the
# machine allows it; where not (this machine's kernel has no sch_netem), it says so and skips it.
# Writes bench/results/batch-pull.md.
# Usage: [BENCH_MODES="hub nodelay"] [BENCH_SIDES="batch python loop"] bash bench/batch-pull.sh
#        [MODELS] [ROUNDS]   (BENCH_SIDES="batch python": the huggingface_hub comparison alone)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
models=${1:-100}
rounds=${2:-1}
work="$root/bench/.work/batch-pull"
mkdir -p "$work" "$root/bench/results"
[[ -x .venv/bin/python ]] || bash python/setup-venv.sh >/dev/null
.venv/bin/python -c 'import huggingface_hub' || { log "error: .venv lacks huggingface_hub"; exit 1; }
build_cli
log "building the test hub's class path"
cp_=$(build_classpath "$work" gpux-bench)

data="$work/models-$models"
if [[ ! -f "$data/models.txt" ]]; then
  log "writing $models models under $data"
  rm -rf "$data"
  python3 bench/batch-pull/generate.py "$data" "$models" examples/digits/model.onnx
fi
list="$data/models.txt"
bytes=$(du -sb "$data/bench" | cut -f1)

hub_pid=
stop_hub() { if [[ -n $hub_pid ]]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi; hub_pid=; }
trap 'stop_hub; [[ -n ${ns:-} ]] && ip netns del "$ns" 2>/dev/null; true' EXIT

# Starts the hub (with $1 as JVM options) under the command prefix $2 (empty, or ip netns exec).
start_hub() {
  local port=$((20000 + RANDOM % 20000))
  # shellcheck disable=SC2086
  $2 java $1 -Xmx2g -cp "$cp_" io.gpux.testing.hf.FakeHfHub --root "$data" --port "$port" \
    >"$work/hub.out" 2>"$work/hub.err" &
  hub_pid=$!
  for _ in $(seq 1 200); do
    [[ -s $work/hub.out ]] && break
    sleep 0.1
  done
  url=$(head -1 "$work/hub.out")
  [[ -n $url ]] || { cat "$work/hub.err" >&2; log "error: the hub did not start"; exit 1; }
}

# One side, timed from its process start to its end: prints the seconds.
side() {
  local name=$1 prefix=$2 home="$work/home-$1"
  rm -rf "$home" && mkdir -p "$home"
  local t0 t1
  t0=$(now)
  case $name in
    batch)
      # shellcheck disable=SC2086
      $prefix env GPUX_HOME="$home" HF_ENDPOINT="$url" "$root/bin/gpux" batch pull -f "$list" \
        --quiet >"$work/$name.out" 2>"$work/$name.err" ;;
    loop)
      # shellcheck disable=SC2086
      $prefix env GPUX_HOME="$home" HF_ENDPOINT="$url" bash -c \
        'while read -r ref; do "$0" pull "$ref" >/dev/null || exit 1; done <"$1"' \
        "$root/bin/gpux" "$list" >"$work/$name.out" 2>"$work/$name.err" ;;
    python)
      # shellcheck disable=SC2086
      $prefix env HF_ENDPOINT="$url" HF_HUB_CACHE="$home" HF_HUB_DISABLE_PROGRESS_BARS=1 \
        HF_HUB_DISABLE_TELEMETRY=1 "$root/.venv/bin/python" bench/batch-pull/snapshot_pool.py \
        "$list" 8 >"$work/$name.out" 2>"$work/$name.err" ;;
  esac || { cat "$work/$name.err" >&2; log "error: $name failed"; exit 1; }
  t1=$(now)
  local got
  got=$(du -sb --apparent-size "$home" | cut -f1)
  rm -rf "$home"
  echo "$name $(secs "$t0" "$t1") $got"
}

# Every side, $rounds times interleaved, against a hub started with JVM options $2: "MODE NAME S B".
run_mode() {
  local mode=$1 jvm=$2 prefix=$3
  start_hub "$jvm" "$prefix"
  log "mode $mode: hub at $url"
  # Untimed, the first 20 models by both parallel sides: the hub's JVM compiles its hot paths
  # here, so the side that happens to go first is not the one that pays for it.
  local whole=$list
  list="$work/warm.txt"
  head -20 "$whole" >"$list"
  log "  warm-up (untimed): 20 models by gpux and by huggingface_hub"
  side batch "$prefix" >/dev/null
  side python "$prefix" >/dev/null
  list=$whole
  local sides k n
  read -r -a sides <<<"${BENCH_SIDES:-batch python loop}"
  n=${#sides[@]}
  for r in $(seq 1 "$rounds"); do
    for ((k = 0; k < n; k++)); do
      s=${sides[$(((k + r) % n))]} # the order rotates each round
      log "  round $r: $s"
      echo "$mode $(side "$s" "$prefix")" >>"$work/times.txt"
    done
  done
  stop_hub
}

load_before=$(load_avg)
log "load average before: $load_before; $models models ($((bytes >> 20)) MB), $rounds round(s)"
: >"$work/times.txt"
# BENCH_MODES picks the loopback modes (default both; the netem part runs when allowed).
for mode in ${BENCH_MODES:-hub nodelay}; do
  case $mode in
    hub) run_mode hub "" "" ;;
    nodelay) run_mode nodelay "-Dsun.net.httpserver.nodelay=true" "" ;;
  esac
done

netem="skipped"
ns="gpux-bench-$$"
if ip netns add "$ns" 2>"$work/netem.err" &&
  ip netns exec "$ns" ip link set lo up 2>>"$work/netem.err" &&
  ip netns exec "$ns" tc qdisc add dev lo root netem delay 20ms 2>>"$work/netem.err"; then
  # 20 ms each way on the namespace's loopback: 40 ms a round trip, for every side alike.
  netem="40 ms RTT"
  run_mode netem "-Dsun.net.httpserver.nodelay=true" "ip netns exec $ns"
else
  netem="skipped: $(tr '\n' ' ' <"$work/netem.err")"
  log "tc netem in a network namespace is not available here ($netem): the 40 ms part is skipped"
fi
ip netns del "$ns" 2>/dev/null || true
ns=
load_after=$(load_avg)
hf_version=$(.venv/bin/python -c 'import huggingface_hub as h; print(h.__version__)')

python3 - "$work/times.txt" "$load_before" "$load_after" "$hf_version" "$models" "$bytes" \
  "$rounds" "$netem" "$(machine)" >"$root/bench/results/batch-pull.md" <<'PY'
import collections, datetime, statistics, sys
times, lb, la, hf, models, size, rounds, netem, machine = sys.argv[1:10]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
got = {}
for line in open(times):
    mode, side, s, b = line.split()
    runs[mode][side].append(float(s))
    got[(mode, side)] = int(b)
med = statistics.median
print("# gpux batch pull vs a gpux pull loop and huggingface_hub\n")
print(f"Measured {datetime.date.today()} with `bash bench/batch-pull.sh {models} {rounds}`, {machine}; "
      f"load average {lb} before, {la} "
      f"after (other builds and tests ran on the machine: absolute times are inflated, compare within "
      f"a row); huggingface_hub {hf}. {models} models on the test hub ({int(size) >> 20} MB of files, "
      f"1-20 MB of weights each; a 2 MB tokenizer.json shared by every 4th model, the last 10 with the "
      f"first 10's weights). Each side is a fresh process (JVM or interpreter start included) into an "
      f"empty store or cache, after an untimed warm-up of the hub (20 models by each parallel side); "
      f"median of {rounds} interleaved round(s), the order rotating.\n")
print("| test hub | `gpux batch pull` | `gpux pull` loop | ratio | target | huggingface_hub snapshot_download, 8 threads | ratio | target |")
print("|---|---|---|---|---|---|---|---|")
label = {"hub": "as it is (~40 ms a request on a kept-alive connection: Nagle + delayed ACK)",
         "nodelay": "TCP_NODELAY (pure loopback)", "netem": "TCP_NODELAY + 40 ms RTT (tc netem)"}
for mode in ("hub", "nodelay", "netem"):
    if mode not in runs:
        continue
    b, p = med(runs[mode]["batch"]), med(runs[mode]["python"])
    rp = p / b
    if "loop" in runs[mode]:
        l = med(runs[mode]["loop"])
        loop = f"{l:.1f} s | {l / b:.1f}x | >= 5x {'PASS' if l / b >= 5 else 'MISS'}"
    else:
        loop = "not run (BENCH_SIDES) | | >= 5x"
    print(f"| {label[mode]} | {b:.1f} s | {loop} "
          f"| {p:.1f} s | {rp:.2f}x | >= 1.5x {'PASS' if rp >= 1.5 else 'MISS'} |")
if "netem" not in runs:
    print(f"\n40 ms RTT: {netem}")
print()
for (mode, side), b in sorted(got.items()):
    print(f"- {mode} {side}: {', '.join('%.1f' % x for x in runs[mode][side])} s; "
          f"{b >> 20} MB in its store/cache at the end")
PY
cat "$root/bench/results/batch-pull.md"
