#!/usr/bin/env bash
# Side-by-side benchmarks for the runtime (see bench/README.md). Prints a report and writes it to
# bench/results/latest.md. Usage: bash bench/run.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
work="$root/bench/.work"
mkdir -p "$work" "$root/bench/results"

echo "bench: preparing (Python reference environment, build)" >&2
bash python/setup-venv.sh >/dev/null
mvn -q -B -DskipTests -Dspotless.check.skip=true install
mvn -q -B -pl gpux-bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$root/gpux-bench/target/classes:$(cat "$work/cp.txt")"
py="$root/.venv/bin/python"
java_opts=(-Xshare:auto)

# The >= 10 ms model: a chain of 8 MatMuls 1024x1024 on a batch of 128 (about 2 GFLOP per call).
matmul="$work/matmul_chain_1024x8.onnx"
if [[ ! -f "$matmul" ]]; then
  java "${java_opts[@]}" -cp "$cp" io.gpux.bench.GenerateModels "$work" 1024 8 128 >/dev/null
fi

rounds=5; tiny_warm=3000; tiny_iter=20000; big_warm=10; big_iter=60
if ((quick)); then rounds=2; tiny_iter=5000; big_iter=20; fi

results="$work/overhead.jsonl"
: >"$results"
for ((r = 1; r <= rounds; r++)); do
  echo "bench: inference overhead, round $r of $rounds" >&2
  # Alternate the two sides within each round so drift on a shared machine hits both alike.
  for model in tiny matmul; do
    if [[ $model == tiny ]]; then
      args=("$root/examples/digits/model.onnx" "$root/examples/digits/sample.json" $tiny_warm $tiny_iter)
    else
      args=("$matmul" "$work/matmul_input.json" $big_warm $big_iter)
    fi
    java "${java_opts[@]}" -cp "$cp" io.gpux.bench.InferenceOverhead "${args[@]}" | sed "s/^{/{\"model\":\"$model\",\"round\":$r,/" >>"$results"
    "$py" bench/ort_baseline.py "${args[@]}" | sed "s/^{/{\"model\":\"$model\",\"round\":$r,/" >>"$results"
  done
done

# CLI cold start: bin/gpux inspect vs the Python GPUX 0.1.1 on the same example.
cold="$work/coldstart.json"
pyvenv="$root/bench/.venv-gpux-py"
if [[ ! -x "$pyvenv/bin/gpux" ]]; then
  echo "bench: installing the Python GPUX 0.1.1 into $pyvenv (once)" >&2
  python3 -m venv "$pyvenv" && "$pyvenv/bin/pip" install -q --disable-pip-version-check gpux==0.1.1 || echo "bench: could not install gpux 0.1.1" >&2
fi
bin/gpux inspect examples/digits >/dev/null 2>&1 # builds the CLI and its class-data-sharing archive once
runs=15; ((quick)) && runs=5
time_cmd() { # prints the median wall time in ms of a command run $runs times after 2 warm-ups
  local dir="$1"; shift
  local t=()
  for ((i = 0; i < runs + 2; i++)); do
    local s e
    s=$(date +%s%N)
    (cd "$dir" && "$@" >/dev/null 2>&1) || true
    e=$(date +%s%N)
    ((i >= 2)) && t+=($(((e - s) / 1000000)))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo "bench: CLI cold start" >&2
gpux_inspect=$(time_cmd "$root" bin/gpux inspect examples/digits --json)
gpux_version=$(time_cmd "$root" bin/gpux --version)
gpux_run=$(time_cmd "$root" bin/gpux run examples/digits --file examples/digits/sample.json)
py_inspect=null
# Its table output crashes (AttributeError: size_mb) in both inspect modes; --json-output works.
if [[ -x "$pyvenv/bin/gpux" ]] && (cd examples/digits && "$pyvenv/bin/gpux" inspect -m model.onnx --json-output >/dev/null 2>&1); then
  py_inspect=$(time_cmd "$root/examples/digits" "$pyvenv/bin/gpux" inspect -m model.onnx --json-output)
fi
echo "{\"gpux_inspect_ms\":$gpux_inspect,\"gpux_version_ms\":$gpux_version,\"gpux_run_ms\":$gpux_run,\"python_gpux_inspect_ms\":$py_inspect,\"runs\":$runs}" >"$cold"

"$py" bench/report.py "$results" "$cold" | tee "$root/bench/results/latest.md"
