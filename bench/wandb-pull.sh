#!/usr/bin/env bash
# W&B pull benchmark (issue #6): a generated ~200 MB multi-file model artifact served by the W&B
# test server on loopback, fetched side by side by `gpux pull` (MD5- and sha256-verified) and the
# official client's `wandb.Api().artifact(...).download()`. Not part of the test run.
# Writes bench/results/wandb-pull.md. Usage: bash bench/wandb-pull.sh
# gpux runs through bin/gpux, as users run it; GPUX_LAUNCHER=0 runs plain `java -cp` from the
# reactor instead (no launcher build, no class-data-sharing archive).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/wandb-pull"
mkdir -p "$work" "$root/bench/results"
bash python/setup-venv.sh wandb >/dev/null
# package (no install): the CLI and the test server run from the reactor's class path.
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-cli,gpux-testing -am package \
  dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
cp="$root/gpux-cli/target/classes:$root/gpux-core/target/classes:$root/gpux-server/target/classes:$(cat gpux-cli/target/cp.txt)"
tcp="$root/gpux-testing/target/classes:$(cat gpux-testing/target/cp.txt)"

art="$work/root/bench/models/multi"
if [[ ! -f "$work/.complete" ]]; then
  echo "bench: generating the artifact (random bytes)" >&2
  rm -rf "$work/root" && mkdir -p "$art"
  cp examples/digits/model.onnx "$art/model.onnx"
  for i in 1 2 3 4; do head -c $((50 << 20)) /dev/urandom >"$art/shard-$i.bin"; done
  echo '{"model_type": "bench"}' >"$art/config.json"
  touch "$work/.complete"
fi
key="local-benchKey0123456789abcdefghijklmnopqrstuvwxyz"
port=18798
java -Xmx3g -cp "$tcp" io.gpux.testing.wandb.FakeWandb --root "$work/root" --port $port --api-key "$key" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q http "$work/server.log" 2>/dev/null && break; sleep 0.3; done
url="http://127.0.0.1:$port"
bytes=$(du -cb "$art"/* | tail -1 | cut -f1)

if [[ "${GPUX_LAUNCHER:-1}" == 1 ]]; then gpux=(bin/gpux); else gpux=(java -cp "$cp" io.gpux.cli.Main); fi
run_gpux() {
  rm -rf "$work/home"
  GPUX_HOME="$work/home" WANDB_BASE_URL=$url WANDB_API_KEY=$key "${gpux[@]}" \
    pull wandb:bench/models/multi:latest >/dev/null 2>"$work/gpux.err"
}
run_wandb() {
  rm -rf "$work/client" && mkdir -p "$work/client"
  (cd "$work/client" && HOME="$work/client" WANDB_BASE_URL=$url WANDB_API_KEY=$key WANDB_SILENT=true \
    WANDB_CACHE_DIR="$work/client/cache" WANDB_CONFIG_DIR="$work/client/config" WANDB_DIR="$work/client" \
    WANDB_ERROR_REPORTING=false "$root/.venv-wandb/bin/python" -c \
    'import wandb; wandb.Api().artifact("bench/models/multi:latest").download(root="out")' >/dev/null)
}
# A warm-up of each side first (the test server's JIT, the launcher's build and archive), then
# five interleaved rounds; each number is the median.
"${gpux[@]}" --version >/dev/null 2>&1
run_gpux
run_wandb
interleave 5 gpux wandb
gpux_s=$(median "${times[gpux]}")
wandb_s=$(median "${times[wandb]}")

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}')
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }
{
  echo "measured on $(date +%F), median of 5 interleaved rounds after a warm-up of each, $(machine); loopback, W&B test server"
  echo
  echo "| client | time | throughput | ratio (wandb time / gpux time) | target |"
  echo "|---|---|---|---|---|"
  echo "| gpux pull ($mb MB, 6 files, MD5 + sha256 verified, JVM start included) | ${gpux_s} s (runs: ${times[gpux]}) | $(rate "$gpux_s") MB/s | | |"
  echo "| wandb $(.venv-wandb/bin/python -c 'import wandb; print(wandb.__version__)') artifact().download() (no MD5 check) | ${wandb_s} s (runs: ${times[wandb]}) | $(rate "$wandb_s") MB/s | $(awk -v a="$wandb_s" -v b="$gpux_s" 'BEGIN {printf "%.2fx", a / b}') | >= 1.50x |"
} >"$root/bench/results/wandb-pull.md"
cat "$root/bench/results/wandb-pull.md"
