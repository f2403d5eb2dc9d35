#!/usr/bin/env bash
# Conversion benchmark (issue 14): time and peak memory of `gpux convert` of the test SavedModel
# (python/make_tf_models.py), side by side in one run with the baseline a user would otherwise
# type, `python -m tf2onnx.convert --saved-model` (no check), and the two exporters for a .keras
# file: tf2onnx.convert.from_keras against Keras' own model.export(format="onnx").
#
#   bash bench/convert.sh            # 3 interleaved rounds, about 3 minutes on 2 cores
#   ROUNDS=1 bash bench/convert.sh   # a smoke run
#
# Peak memory is the largest resident set of one process in the command's tree (GNU time's %M:
# the converter's Python, which dwarfs the JVM). Writes bench/results/convert.md. Not a test:
# nothing here fails on a slow number.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-3}"
work="$root/bench/.work/convert"
rm -rf "$work"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

log "preparing: .venv-tensorflow, the test models, the CLI"
bash python/setup-venv.sh tensorflow >/dev/null
py="$root/.venv-tensorflow/bin/python"
"$py" python/make_tf_models.py "$work/models" >/dev/null 2>&1
export GPUX_HOME="$work/home" GPUX_PYTHON_ENV_TENSORFLOW="$root/.venv-tensorflow"
bin/gpux --version >/dev/null
driver="$root/gpux-core/src/main/resources/io/gpux/convert/convert_driver.py"

# measure NAME COMMAND...: one line "NAME seconds peak_kb" in $work/times.txt
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$work/t.txt" "$@" >"$work/$name.log" 2>&1 ||
    { log "$name failed:"; tail -5 "$work/$name.log" >&2; exit 1; }
  echo "$name $(cat "$work/t.txt")" >>"$work/times.txt"
}

for ((r = 1; r <= rounds; r++)); do
  log "round $r of $rounds"
  measure gpux_convert bin/gpux convert "$work/models/saved_model" -o "$work/out" --json
  cp "$work/gpux_convert.log" "$work/gpux_convert.$r.json"
  measure tf2onnx_cli "$py" -m tf2onnx.convert --saved-model "$work/models/saved_model" \
    --output "$work/cli.onnx" --opset 17
  for exporter in tf2onnx keras; do
    measure "keras_$exporter" "$py" "$driver" --framework keras --exporter "$exporter" \
      --source "$work/models/tiny.keras" --output "$work/k.onnx" --record "$work/k-$exporter.$r.json"
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$rounds" "$load_start" "$load_end" >"$root/bench/results/convert.md" <<'PY'
import json, statistics, sys
work, rounds, load_start, load_end = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {}
for line in open(work + "/times.txt"):
    name, sec, kb = line.split()
    rows.setdefault(name, []).append((float(sec), int(kb)))
med = {k: (statistics.median(s for s, _ in v), max(m for _, m in v)) for k, v in rows.items()}
def steps(pattern):
    out = {}
    for r in range(1, rounds + 1):
        rec = json.load(open(pattern % r))
        rec = rec.get("conversion", rec)
        for k, v in rec.get("seconds", {}).items():
            out.setdefault(k, []).append(v)
    return {k: statistics.median(v) for k, v in out.items()}
print("# Conversion benchmark (bash bench/convert.sh)\n")
print("%d interleaved rounds, medians; load average %s at the start, %s at the end.\n"
      % (rounds, load_start, load_end))
print("| what | wall time | peak RSS (one process) |")
print("|---|---|---|")
labels = {
    "gpux_convert": "`gpux convert` SavedModel (JVM + driver: load, convert, check, project)",
    "tf2onnx_cli": "baseline: `python -m tf2onnx.convert --saved-model` (no check)",
    "keras_tf2onnx": "driver, .keras via `tf2onnx.convert.from_keras` (with check)",
    "keras_keras": "driver, .keras via Keras `model.export(format=\"onnx\")` (with check)",
}
for k in ["gpux_convert", "tf2onnx_cli", "keras_tf2onnx", "keras_keras"]:
    s, kb = med[k]
    print("| %s | %.2f s | %.0f MiB |" % (labels[k], s, kb / 1024))
print("\nRatio gpux convert / tf2onnx CLI: %.2fx (GPUX adds the check, the gpux.yml and a JVM)."
      % (med["gpux_convert"][0] / med["tf2onnx_cli"][0]))
g = steps(work + "/gpux_convert.%d.json")
print("\nInside gpux convert (driver's own timing, medians): load %.2f s (importing TensorFlow and"
      " reading the model), convert %.2f s, check %.2f s." % (g.get("load", 0), g.get("convert", 0),
                                                            g.get("check", 0)))
kt, kk = steps(work + "/k-tf2onnx.%d.json"), steps(work + "/k-keras.%d.json")
print("\nExporters on the .keras file, the conversion step alone: tf2onnx.from_keras %.2f s,"
      " Keras model.export %.2f s (%.2fx)." % (kt["convert"], kk["convert"],
                                               kk["convert"] / kt["convert"]))
PY
cat "$root/bench/results/convert.md"
