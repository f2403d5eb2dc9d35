#!/usr/bin/env bash
# Batch-run benchmark (issue 13): `gpux batch run` of MODELS models x LINES input lines against a
# shell loop of `gpux run` doing the same work, side by side in one run, with the batch's peak RSS
# (/usr/bin/time -v). The models are copies of examples/digits (an MLP, 64 float inputs, dynamic
# batch dimension) in folders of their own; the lines are seeded random digits. The loop would
# take one process start per (model, line) pair (10,000 for 100 x 100), so it is SAMPLED: it runs
# SAMPLE_MODELS x SAMPLE_LINES pairs and its time per pair is multiplied by MODELS x LINES (the
# report says so). Outputs of the sampled pairs are compared with the batch's lines for them.
# Writes bench/results/batch-run.md.
# Usage: bash bench/batch-run.sh [MODELS] [LINES] [SAMPLE_MODELS] [SAMPLE_LINES]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
models=${1:-100}
lines=${2:-100}
sample_models=${3:-4}
sample_lines=${4:-5}
work="$root/bench/.work/batch-run"
rm -rf "$work"
mkdir -p "$work/models" "$root/bench/results"
build_cli
export GPUX_HOME="$work/home"

log "making $models models and $lines lines"
: >"$work/models.txt"
for ((i = 0; i < models; i++)); do
  d="$work/models/m$i"
  mkdir -p "$d"
  cp examples/digits/model.onnx "$d/model.onnx"
  sed "s/^name: digits/name: m$i/" examples/digits/gpux.yml >"$d/gpux.yml"
  echo "$d" >>"$work/models.txt"
done
python3 - "$lines" >"$work/data.jsonl" <<'PY'
import json, random, sys
rng = random.Random(13)
for _ in range(int(sys.argv[1])):
    print(json.dumps({"pixels": [[float(rng.randint(0, 16)) for _ in range(64)]]}))
PY

load_before=$(load_avg)
log "load average before: $load_before"

log "gpux batch run: $models models x $lines lines"
start=$(now)
/usr/bin/time -v -o "$work/time.txt" bin/gpux batch run -f "$work/models.txt" \
  --input "$work/data.jsonl" -o "$work/results.jsonl" --json >"$work/summary.json"
end=$(now)
batch_s=$(secs "$start" "$end")
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
log "batch: ${batch_s} s, peak RSS ${rss_kb} kB"

log "shell loop of gpux run: $sample_models models x $sample_lines lines (sampled)"
: >"$work/loop.jsonl"
start=$(now)
for ((i = 0; i < sample_models; i++)); do
  for ((j = 0; j < sample_lines; j++)); do
    line=$(sed -n "$((j + 1))p" "$work/data.jsonl")
    out=$(bin/gpux run "$work/models/m$i" --input "$line" --json -q)
    printf '%s\t%s\t%s\n' "$work/models/m$i" "$j" "$out" >>"$work/loop.jsonl"
  done
done
end=$(now)
loop_s=$(secs "$start" "$end")
load_after=$(load_avg)

python3 - "$work" "$models" "$lines" "$sample_models" "$sample_lines" "$batch_s" "$loop_s" \
  "$rss_kb" "$load_before" "$load_after" "$(machine)" >"$root/bench/results/batch-run.md" <<'PY'
import datetime, json, sys
work = sys.argv[1]
models, lines, sm, sl = map(int, sys.argv[2:6])
batch_s, loop_s, rss_kb = float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
results = {}
for l in open(f"{work}/results.jsonl"):
    r = json.loads(l)
    results[(r["model"], r["line"])] = r
same = 0
for l in open(f"{work}/loop.jsonl"):
    model, line, out = l.rstrip("\n").split("\t", 2)
    same += results[(model, int(line))].get("outputs") == json.loads(out)
summary = json.load(open(f"{work}/summary.json"))["summary"]
pairs = models * lines
per_pair = loop_s / (sm * sl)
loop_total = per_pair * pairs
ratio = loop_total / batch_s
print("# gpux batch run vs a shell loop of gpux run\n")
print(f"Measured {datetime.date.today()} with `bash bench/batch-run.sh`, {sys.argv[11]}; "
      f"load average {sys.argv[9]} before, "
      f"{sys.argv[10]} after (other helpers' builds and tests shared the machine). {models} copies of "
      f"examples/digits (each its own project folder, so its own session) x {lines} lines of seeded random "
      f"digits.\n")
print("| work | gpux batch run | shell loop of `gpux run` | ratio | target | result |")
print("|---|---|---|---|---|---|")
print(f"| {models} models x {lines} lines = {pairs} pairs | {batch_s:.1f} s "
      f"(peak RSS {rss_kb / 1024:.0f} MiB, at most {summary['peak_sessions']} sessions open, "
      f"{summary['errors']} errors) | {loop_total:.0f} s extrapolated ({per_pair:.3f} s a pair, "
      f"sampled over {sm} models x {sl} lines = {sm * sl} runs in {loop_s:.1f} s) | {ratio:.0f}x | >= 20x | "
      f"{'PASS' if ratio >= 20 else 'MISS'} |")
print()
print(f"The sampled loop's outputs equal the batch's lines for the same pairs: {same} of {sm * sl}.")
print(f"The batch wrote {len(results)} result lines; its summary: {json.dumps(summary)}.")
PY
cat "$root/bench/results/batch-run.md"
