#!/usr/bin/env bash
# Side-by-side benchmarks (see bench/README.md): GPUX against its baselines, in one run, printed as
# ratios and written to bench/results/latest.md.
#
#   bash bench/run.sh           # full: 5 interleaved rounds, about 3 minutes on 2 cores
#   bash bench/run.sh --quick   # 2 rounds and fewer iterations: a smoke run, about 1 minute
#
# Not part of `mvn test`; nothing here fails on a slow number (the report says PASS or MISS).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: bash bench/run.sh [--quick]" >&2; exit 2 ;;
esac
work="$root/bench/.work"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# --- settings -----------------------------------------------------------------------------------
rounds=5
tiny_warm=30000 tiny_iter=50000 # digits MLP: ~8 us a call, so ~0.7 s per side and round
big_warm=10 big_iter=40         # MatMul chain: 11-22 ms a call, so ~1 s per side and round
cli_warm=3 cli_runs=20
if ((quick)); then
  rounds=2 tiny_warm=10000 tiny_iter=20000 big_warm=3 big_iter=15 cli_warm=2 cli_runs=10
fi
mm_size=2048 mm_depth=8 mm_batch=32 # 2*32*2048^2*8 = 2.1 GFLOP a call, 128 MiB of weights

# --- build --------------------------------------------------------------------------------------
log "preparing: Python reference venv (.venv), build of gpux-bench"
bash python/setup-venv.sh >/dev/null
py="$root/.venv/bin/python"

# Builds gpux-bench and what it needs in one reactor run (package, not install: nothing is written
# to ~/.m2) and writes its class path to $work/cp.txt.
build_bench() {
  (cd "$1" && mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am \
    package dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1
}
# worktree: checks out the last commit at /tmp/gpux-bench-wt (once; updated to HEAD after).
wt=/tmp/gpux-bench-wt
worktree() {
  if [[ ! -e "$wt/.git" ]]; then
    git -C "$root" worktree add -q --detach "$wt" HEAD
  else
    git -C "$wt" checkout -q -f --detach "$(git -C "$root" rev-parse HEAD)"
  fi
}
src="$root" # the tree whose gpux-core is measured and whose bin/gpux is timed
why=""
if [[ "${GPUX_BENCH_FROM_HEAD:-0}" == 1 ]] || ! build_bench "$root"; then
  # The working tree may be mid-edit: measure the last commit instead, with these bench sources.
  if [[ "${GPUX_BENCH_FROM_HEAD:-0}" == 1 ]]; then
    log "GPUX_BENCH_FROM_HEAD=1: measuring the last commit in $wt"
    why="GPUX_BENCH_FROM_HEAD=1"
  else
    why="the working tree did not build"
    log "the working tree does not build (bench/.work/build.log); measuring the last commit in $wt"
  fi
  worktree
  rm -rf "$wt/gpux-bench/src" && cp -r "$root/gpux-bench/src" "$root/gpux-bench/pom.xml" "$wt/gpux-bench/"
  if ! build_bench "$wt"; then
    cat "$work/build.log" >&2
    log "error: the build of the last commit failed too"
    exit 1
  fi
  src="$wt"
fi
cp="$src/gpux-bench/target/classes:$(cat "$work/cp.txt")"
jbench() { java -cp "$cp" "$@"; }
revision="$(git -C "$src" rev-parse --short HEAD)"
if [[ "$src" != "$root" ]]; then
  revision+=" (last commit, from $wt: $why)"
elif [[ -n "$(git -C "$root" status --porcelain -- gpux-core 2>/dev/null)" ]]; then
  revision+=" + uncommitted changes in gpux-core"
fi

# --- 1. per-inference overhead ------------------------------------------------------------------
mm_model="$work/matmul_chain_${mm_size}x${mm_depth}.onnx"
mm_input="$work/matmul_chain_${mm_size}x${mm_depth}_b${mm_batch}.json"
if [[ ! -f "$mm_model" || ! -f "$mm_input" ]]; then
  log "writing the ${mm_size}x${mm_size} x${mm_depth} MatMul chain and its batch-${mm_batch} input to bench/.work (once)"
  jbench io.gpux.bench.GenerateModels "$work" "$mm_size" "$mm_depth" "$mm_batch" >/dev/null
fi

results="$work/overhead.jsonl"
: >"$results"
sides=(gpux ort-java python)
for ((r = 1; r <= rounds; r++)); do
  for model in tiny matmul; do
    if [[ $model == tiny ]]; then
      args=("$root/examples/digits/model.onnx" "$root/examples/digits/sample.json" "$tiny_warm" "$tiny_iter")
    else
      args=("$mm_model" "$mm_input" "$big_warm" "$big_iter")
    fi
    # Rotate the order of the sides every round so that drift (other load, heat) hits all alike.
    for ((k = 0; k < ${#sides[@]}; k++)); do
      side="${sides[$(((k + r - 1) % ${#sides[@]}))]}"
      log "round $r/$rounds, $model model, $side"
      if [[ $side == python ]]; then
        line="$("$py" "$root/bench/ort_baseline.py" "${args[@]}")"
      else
        line="$(jbench io.gpux.bench.InferenceOverhead "$side" "${args[@]}")"
      fi
      echo "{\"model\":\"$model\",\"round\":$r,\"position\":$k,${line#\{}" >>"$results"
    done
  done
done

# --- 2. CLI cold start --------------------------------------------------------------------------
pyvenv="$root/bench/.venv-gpux-py"
if [[ ! -x "$pyvenv/bin/gpux" ]]; then
  log "installing the Python GPUX 0.1.1 into bench/.venv-gpux-py (once)"
  if python3 -m venv "$pyvenv" &&
    "$pyvenv/bin/pip" install -q --disable-pip-version-check gpux==0.1.1; then
    "$pyvenv/bin/python" -m compileall -q "$pyvenv/lib" >/dev/null 2>&1 || true # .pyc, as any install
  else
    log "could not install gpux==0.1.1; the Python cold start will be missing from the report"
  fi
fi

gpux="$src/bin/gpux"
log "bin/gpux: first run (builds the CLI if needed and records its class-data-sharing archive)"
if ! "$gpux" inspect examples/digits >/dev/null 2>"$work/gpux-first-run.log"; then
  if [[ "$src" != "$root" ]]; then
    cat "$work/gpux-first-run.log" >&2
    exit 1
  fi
  log "bin/gpux of the working tree failed (bench/.work/gpux-first-run.log); timing the last commit's"
  revision+="; CLI from the last commit ($wt/bin/gpux): the working tree's bin/gpux failed"
  worktree
  gpux="$wt/bin/gpux"
  "$gpux" inspect examples/digits >/dev/null
fi

if ! command -v hyperfine >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  log "installing hyperfine (apt-get)"
  apt-get install -y -q hyperfine >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q hyperfine >/dev/null 2>&1; } || true
fi

cold="$work/coldstart.jsonl"
: >"$cold"
# time_cli NAME COMMAND...: whole-process wall time, $cli_warm warm-ups then $cli_runs runs.
time_cli() {
  local name="$1"
  shift
  log "cold start: $name"
  local rc=0
  "$@" >/dev/null 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "{\"name\":\"$name\",\"error\":\"exit status $rc\"}" >>"$cold"
    return
  fi
  if command -v hyperfine >/dev/null; then
    local quoted
    quoted="$(printf '%q ' "$@")"
    hyperfine -N --style none --warmup "$cli_warm" --runs "$cli_runs" \
      --export-json "$work/hf.json" "$quoted" >/dev/null 2>&1
    "$py" - "$name" "$work/hf.json" >>"$cold" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
print(json.dumps({"name": sys.argv[1], "tool": "hyperfine", "times_s": r["times"]}))
EOF
  else
    local t=() s e i
    for ((i = 0; i < cli_warm + cli_runs; i++)); do
      s=$(date +%s%N)
      "$@" >/dev/null 2>&1 || true
      e=$(date +%s%N)
      ((i >= cli_warm)) && t+=("$(((e - s)))")
    done
    "$py" -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "tool": "bash loop", "times_s": [int(x)/1e9 for x in sys.argv[2:]]}))' \
      "$name" "${t[@]}" >>"$cold"
  fi
}
time_cli gpux-inspect-json "$gpux" inspect examples/digits --json
time_cli gpux-inspect "$gpux" inspect examples/digits
if [[ -x "$pyvenv/bin/gpux" ]]; then
  # 0.1.1's table output crashes (AttributeError: size_mb), with ./gpux.yml or with -m;
  # its JSON output works with -m (with ./gpux.yml it fails: PosixPath is not JSON serializable).
  time_cli python-inspect-json "$pyvenv/bin/gpux" inspect -m examples/digits/model.onnx --json-output
fi
time_cli gpux-version "$gpux" --version
time_cli gpux-run "$gpux" run examples/digits --file examples/digits/sample.json

# --- report -------------------------------------------------------------------------------------
"$py" "$root/bench/report.py" --results "$results" --cold "$cold" --revision "$revision" \
  --load-start "$load_start" --gpux "$([[ "$gpux" == "$root/bin/gpux" ]] && echo bin/gpux || echo "$gpux")" --mode "$([[ $quick == 1 ]] && echo quick || echo full)" \
  --settings "rounds=$rounds tiny=${tiny_warm}+${tiny_iter} matmul=${big_warm}+${big_iter} cli=${cli_warm}+${cli_runs}" \
  >"$work/latest.md"
cp "$work/latest.md" "$root/bench/results/latest.md"
cat "$root/bench/results/latest.md"
