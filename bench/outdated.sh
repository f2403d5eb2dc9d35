#!/usr/bin/env bash
# Update-check benchmark (issue 11): `gpux outdated` over 100 models stored from the test hub, a
# seeded random half of them moved on, against the same check scripted with huggingface_hub
# (model_info per model in a loop, bench/outdated/model_info_loop.py), side by side in interleaved
# rounds; then `gpux update --all` after 10 more moved, counting the files it fetched (only the 10
# changed READMEs may come). Writes bench/results/outdated.md.
# Usage: bash bench/outdated.sh [MODELS] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
models=${1:-100}
rounds=${2:-5}
work="$root/bench/.work/outdated"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
[[ -x .venv/bin/python ]] || bash python/setup-venv.sh >/dev/null
.venv/bin/python -c 'import huggingface_hub' || { log "error: .venv lacks huggingface_hub"; exit 1; }
bin/gpux --version >/dev/null # builds the CLI when the sources changed
log "building gpux-bench and its class path"
(mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am package \
  dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; log "error: gpux-bench did not build"; exit 1; }
cp_="$root/gpux-bench/target/classes:$(cat "$work/cp.txt")"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $load_before; $models models, $rounds rounds"
java -Xmx1g -cp "$cp_" io.gpux.bench.OutdatedBench "$root/bin/gpux" "$root/.venv/bin/python" \
  "$root/bench/outdated/model_info_loop.py" "$work" "$models" "$rounds" >"$work/result.json"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
hf_version=$(.venv/bin/python -c 'import huggingface_hub as h; print(h.__version__)')
python3 - "$work/result.json" "$load_before" "$load_after" "$hf_version" >"$root/bench/results/outdated.md" <<'PY'
import json, platform, statistics, subprocess, sys, datetime
r = json.load(open(sys.argv[1]))
med = lambda xs: statistics.median(xs)
g, h, loop = med(r["gpux_s"]), med(r["huggingface_hub_s"]), med(r["huggingface_hub_loop_s"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
ratio = h / g
print(f"# gpux outdated vs a huggingface_hub loop\n")
print(f"Measured {datetime.date.today()}, {cpu}, {subprocess.check_output(['nproc']).decode().strip()} cores; "
      f"load average {sys.argv[2]} before, {sys.argv[3]} after; the test hub on loopback; "
      f"huggingface_hub {sys.argv[4]}. Median of {r['rounds']} interleaved rounds, each a fresh process "
      f"(JVM or interpreter start included).\n")
print("| check of %d stored models, %d moved | time | ratio | target | result |" % (r["models"], r["moved"]))
print("|---|---|---|---|---|")
print(f"| `gpux outdated --json` ({r['gpux_requests']} requests, concurrent) | {g:.2f} s | | | |")
print(f"| huggingface_hub `model_info` per model in a loop | {h:.2f} s (loop alone {loop:.2f} s) "
      f"| {ratio:.1f}x faster | >= 5x | {'PASS' if ratio >= 5 else 'MISS'} |")
print()
print(f"Rounds: gpux {', '.join('%.2f' % x for x in r['gpux_s'])} s; "
      f"huggingface_hub {', '.join('%.2f' % x for x in r['huggingface_hub_s'])} s.\n")
print(f"`gpux update --all` after {r['update_moved']} more models moved: {r['update_models_updated']} models "
      f"updated, {r['update_files_fetched']} files fetched "
      f"({'only the changed README.md of each' if r['update_only_readmes'] else 'NOT only the changed files'}), "
      f"{r['update_s']:.2f} s.")
PY
cat "$root/bench/results/outdated.md"
