#!/usr/bin/env bash
# Update-check benchmark (issue 11): `gpux outdated` over 100 models stored from the test hub, a
# seeded random half of them moved on, against the same check scripted with huggingface_hub
# (model_info per model in a loop, bench/outdated/model_info_loop.py), side by side in interleaved
# rounds; then `gpux update --all` after 10 more moved, counting the files it fetched (only the 10
# changed READMEs may come). Writes bench/results/outdated.md.
# Usage: bash bench/outdated.sh [MODELS] [ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
models=${1:-100}
rounds=${2:-5}
work="$root/bench/.work/outdated"
mkdir -p "$work" "$root/bench/results"
[[ -x .venv/bin/python ]] || bash python/setup-venv.sh >/dev/null
.venv/bin/python -c 'import huggingface_hub' || { log "error: .venv lacks huggingface_hub"; exit 1; }
build_cli
log "building gpux-bench and its class path"
cp_=$(build_classpath "$work" gpux-bench)
load_before=$(load_avg)
log "load average before: $load_before; $models models, $rounds rounds"
# Twice: the test hub as it is (the JDK's HTTP server leaves Nagle's algorithm on, so a request on
# a kept-alive connection waits ~40 ms for the delayed ACK: about a round trip to a real Hub), and
# with TCP_NODELAY (pure loopback: each side bound by its own CPU time).
for mode in hub nodelay; do
  log "mode $mode"
  java -Xmx1g -cp "$cp_" io.gpux.bench.OutdatedBench "$root/bin/gpux" "$root/.venv/bin/python" \
    "$root/bench/outdated/model_info_loop.py" "$work" "$models" "$rounds" \
    $([[ $mode == nodelay ]] && echo nodelay) >"$work/result-$mode.json"
done
load_after=$(load_avg)
hf_version=$(.venv/bin/python -c 'import huggingface_hub as h; print(h.__version__)')
python3 - "$work" "$load_before" "$load_after" "$hf_version" >"$root/bench/results/outdated.md" <<'PY'
import json, statistics, subprocess, sys, datetime
work = sys.argv[1]
runs = {m: json.load(open(f"{work}/result-{m}.json")) for m in ("hub", "nodelay")}
med = statistics.median
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
r0 = runs["hub"]
print("# gpux outdated vs a huggingface_hub loop\n")
print(f"Measured {datetime.date.today()} with `bash bench/outdated.sh`, {cpu}, "
      f"{subprocess.check_output(['nproc']).decode().strip()} cores; load average {sys.argv[2]} before, "
      f"{sys.argv[3]} after (other builds ran on the machine); the test hub on loopback; huggingface_hub "
      f"{sys.argv[4]}. {r0['models']} models stored from the hub, a seeded random {r0['moved']} of them "
      f"moved on (a new commit on main). Median of {r0['rounds']} interleaved rounds, each side a fresh "
      f"process (JVM or interpreter start included), both checking every model.\n")
print("| test hub | `gpux outdated --json` | huggingface_hub `model_info` loop (loop alone) | ratio | target | result |")
print("|---|---|---|---|---|---|")
label = {"hub": "as it is: ~40 ms a request on a kept-alive connection (Nagle + delayed ACK), about a round trip to a real Hub",
         "nodelay": "TCP_NODELAY: pure loopback, each side bound by its own CPU"}
for m, r in runs.items():
    g, h, loop = med(r["gpux_s"]), med(r["huggingface_hub_s"]), med(r["huggingface_hub_loop_s"])
    ratio = h / g
    print(f"| {label[m]} | {g:.2f} s ({r['gpux_requests']} requests, <= 8 at once) | {h:.2f} s ({loop:.2f} s) "
          f"| {ratio:.1f}x | >= 5x | {'PASS' if ratio >= 5 else 'MISS'} |")
print()
for m, r in runs.items():
    print(f"- {m}: rounds gpux {', '.join('%.2f' % x for x in r['gpux_s'])} s; huggingface_hub "
          f"{', '.join('%.2f' % x for x in r['huggingface_hub_s'])} s. `gpux update --all` after "
          f"{r['update_moved']} more models moved: {r['update_models_updated']} models updated, "
          f"{r['update_files_fetched']} files fetched "
          f"({'only the changed README.md of each' if r['update_only_readmes'] else 'NOT only the changed files'}), "
          f"{r['update_s']:.2f} s.")
PY
cat "$root/bench/results/outdated.md"
