#!/usr/bin/env bash
# Pull benchmark (issue: store and Hugging Face): a generated multi-file model of about 1 GB served
# by the fake Hub on loopback, fetched side by side by `gpux pull`, curl (the wire limit) and
# huggingface_hub's snapshot_download; then a re-pull of the unchanged model, and a 2 GB file
# pulled with a 256 MB heap. Writes bench/results/pull.md. Usage: bash bench/pull.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/pull"
mkdir -p "$work" "$root/bench/results"
bash python/setup-venv.sh >/dev/null
mvn -q -B -DskipTests -Dspotless.check.skip=true install
bin/gpux --version >/dev/null 2>&1

repo="$work/hub/bench/multi"
if [[ ! -f "$repo/.complete" ]]; then
  echo "bench: generating the models (random bytes)" >&2
  rm -rf "$work/hub" && mkdir -p "$repo" "$work/hub/bench/huge"
  cp examples/digits/model.onnx "$repo/model.onnx"
  head -c $((600 << 20)) /dev/urandom >"$repo/model.onnx_data"
  head -c $((200 << 20)) /dev/urandom >"$repo/shard-1.onnx_data"
  head -c $((200 << 20)) /dev/urandom >"$repo/shard-2.onnx_data"
  echo '{"model_type": "bench"}' >"$repo/config.json"
  cp examples/digits/model.onnx "$work/hub/bench/huge/model.onnx"
  head -c 2000000000 /dev/urandom >"$work/hub/bench/huge/model.onnx_data"
  touch "$repo/.complete"
fi
rm -f "$repo/.complete.tmp"

port=18799
java -Xmx5g -cp gpux-testing/target/classes io.gpux.testing.hf.FakeHfHub --root "$work/hub" --port $port >"$work/hub.log" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q http "$work/hub.log" 2>/dev/null && break; sleep 0.3; done
url="http://127.0.0.1:$port"
files=(model.onnx model.onnx_data shard-1.onnx_data shard-2.onnx_data config.json .complete)
bytes=$(du -cb "$repo"/model.onnx "$repo"/*.onnx_data "$repo"/config.json | tail -1 | cut -f1)

# Five interleaved rounds, each number the median (bench/lib.sh).
args=()
for f in "${files[@]}"; do args+=(-o "$work/curl/$f" "$url/bench/multi/resolve/main/$f"); done
run_gpux() {
  rm -rf "$work/home"
  GPUX_HOME="$work/home" HF_ENDPOINT=$url bin/gpux pull hf:bench/multi --include '**' >/dev/null 2>&1
}
# The same pull forcing each file to disk before the store records it (GPUX_FSYNC=1).
run_gpuxfsync() {
  rm -rf "$work/home"
  GPUX_FSYNC=1 GPUX_HOME="$work/home" HF_ENDPOINT=$url bin/gpux pull hf:bench/multi --include '**' >/dev/null 2>&1
}
run_curl() {
  rm -rf "$work/curl" && mkdir -p "$work/curl"
  curl -sSL --parallel --parallel-max 4 "${args[@]}"
}
run_hf() {
  rm -rf "$work/hfcache"
  HF_ENDPOINT=$url HF_HUB_CACHE="$work/hfcache" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_PROGRESS_BARS=1 \
    .venv/bin/python -c 'import huggingface_hub as h; h.snapshot_download("bench/multi")' >/dev/null 2>&1
}
interleave 5 gpux gpuxfsync curl hf
gpux_s=$(median "${times[gpux]}")
fsync_s=$(median "${times[gpuxfsync]}")
curl_s=$(median "${times[curl]}")
hf_s=$(median "${times[hf]}")
t0=$(now); GPUX_HOME="$work/home" HF_ENDPOINT=$url bin/gpux pull hf:bench/multi --include '**' >/dev/null 2>&1; t1=$(now)
repull_s=$(secs "$t0" "$t1")

echo "bench: 2 GB file with a 256 MB heap" >&2
rm -rf "$work/home-huge"
t0=$(now)
if GPUX_JAVA_OPTS="-Xmx256m" GPUX_HOME="$work/home-huge" HF_ENDPOINT=$url bin/gpux pull hf:bench/huge >/dev/null 2>"$work/huge.err"; then huge="ok"; else huge="FAILED: $(tail -1 "$work/huge.err")"; fi
t1=$(now)
huge_s=$(secs "$t0" "$t1")

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}')
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }
{
  echo "measured on $(date +%F), median of 5 interleaved rounds, $(machine); loopback, fake Hub"
  echo
  echo "| client | time | throughput | ratio GPUX/client (throughput) | target |"
  echo "|---|---|---|---|---|"
  echo "| gpux pull ($mb MB, 5 files; sha256-verified; durability checked after a restart) | ${gpux_s} s (runs: ${times[gpux]}) | $(rate "$gpux_s") MB/s | | |"
  echo "| gpux pull, GPUX_FSYNC=1 (each file forced to disk before the store records it) | ${fsync_s} s (runs: ${times[gpuxfsync]}) | $(rate "$fsync_s") MB/s | | |"
  echo "| curl --parallel (same files, no verification, not forced to disk) | ${curl_s} s (runs: ${times[curl]}) | $(rate "$curl_s") MB/s | $(awk -v a="$curl_s" -v b="$gpux_s" 'BEGIN {printf "%.2fx", a / b}') ($(awk -v a="$curl_s" -v b="$fsync_s" 'BEGIN {printf "%.2fx", a / b}') with GPUX_FSYNC=1) | >= 0.90x |"
  echo "| huggingface_hub snapshot_download (no verification of LFS files, not forced to disk) | ${hf_s} s (runs: ${times[hf]}) | $(rate "$hf_s") MB/s | $(awk -v a="$hf_s" -v b="$gpux_s" 'BEGIN {printf "%.2fx", a / b}') ($(awk -v a="$hf_s" -v b="$fsync_s" 'BEGIN {printf "%.2fx", a / b}') with GPUX_FSYNC=1) | >= 1.50x |"
  echo
  echo "- re-pull of the unchanged model: ${repull_s} s, no file transferred (target < 1 s; it includes JVM start)"
  echo "- 2 GB file with -Xmx256m: $huge in ${huge_s} s"
} | tee "$root/bench/results/pull.md"
