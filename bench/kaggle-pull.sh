#!/usr/bin/env bash
# Kaggle pull benchmark (issue #14): a generated ~200 MB multi-file ONNX variation served by the
# Kaggle test server on loopback, fetched side by side by `gpux pull` (MD5 from x-goog-hash and
# sha256 checked) and the official `kagglehub.model_download` (8 threads, MD5 checked). Not part
# of the test run. kagglesdk's TEST environment is hard-coded to localhost:7777, so the server
# listens there. Writes bench/results/kaggle-pull.md. Usage: bash bench/kaggle-pull.sh
# gpux runs through bin/gpux, as users run it; GPUX_LAUNCHER=0 runs plain `java -cp` from the
# reactor instead (no launcher build, no class-data-sharing archive).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/kaggle-pull"
mkdir -p "$work" "$root/bench/results"
bash python/setup-venv.sh kaggle >/dev/null
# package (no install): the CLI and the test server run from the reactor's class path.
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl gpux-cli,gpux-testing -am package \
  dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
cp="$root/gpux-cli/target/classes:$root/gpux-core/target/classes:$root/gpux-server/target/classes:$(cat gpux-cli/target/cp.txt)"
tcp="$root/gpux-testing/target/classes:$(cat gpux-testing/target/cp.txt)"

model="$work/model"
if [[ ! -f "$work/.complete" ]]; then
  echo "bench: generating the variation (random bytes)" >&2
  rm -rf "$model" && mkdir -p "$model"
  cp examples/digits/model.onnx "$model/model.onnx"
  for i in 1 2 3 4; do head -c $((50 << 20)) /dev/urandom >"$model/shard-$i.bin"; done
  echo '{"model_type": "bench"}' >"$model/config.json"
  touch "$work/.complete"
fi
token="KGAT_bench0123456789abcdefghijklmnopqrstuv"
port=7777
java -Xmx3g -cp "$tcp" io.gpux.testing.kaggle.FakeKaggle --port $port --token "$token" \
  "bench/multi/ONNX/default=$model" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q http "$work/server.log" 2>/dev/null && break; sleep 0.3; done
bytes=$(du -cb "$model"/* | tail -1 | cut -f1)

if [[ "${GPUX_LAUNCHER:-1}" == 1 ]]; then gpux=(bin/gpux); else gpux=(java -cp "$cp" io.gpux.cli.Main); fi
run_gpux() {
  rm -rf "$work/home"
  GPUX_HOME="$work/home" KAGGLE_API_ENVIRONMENT=TEST KAGGLE_API_TOKEN=$token "${gpux[@]}" \
    pull kaggle:bench/multi/onnx/default >/dev/null 2>"$work/gpux.err"
}
run_kagglehub() {
  rm -rf "$work/client" && mkdir -p "$work/client"
  HOME="$work/client" KAGGLE_API_ENVIRONMENT=TEST KAGGLE_API_TOKEN=$token \
    KAGGLEHUB_CACHE="$work/client/cache" NO_PROXY=localhost,127.0.0.1 \
    "$root/.venv-kaggle/bin/python" -c \
    'import kagglehub; kagglehub.model_download("bench/multi/onnx/default")' >/dev/null 2>&1
}
# A warm-up of each side first (the test server's JIT, the launcher's build and archive), then
# five interleaved rounds; each number is the median.
"${gpux[@]}" --version >/dev/null 2>&1
run_gpux
run_kagglehub
interleave 5 gpux kagglehub
gpux_s=$(median "${times[gpux]}")
hub_s=$(median "${times[kagglehub]}")

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}')
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }
{
  echo "measured on $(date +%F), median of 5 interleaved rounds after a warm-up of each, $(machine), load average $(load_avg) at the end; loopback, Kaggle test server"
  echo
  echo "| client | time | throughput | ratio (kagglehub time / gpux time) | target |"
  echo "|---|---|---|---|---|"
  echo "| gpux pull ($mb MB, 6 files, MD5 + sha256 verified, JVM start included) | ${gpux_s} s (runs: ${times[gpux]}) | $(rate "$gpux_s") MB/s | | |"
  echo "| kagglehub $(.venv-kaggle/bin/python -c 'import kagglehub; print(kagglehub.__version__)') model_download (MD5 verified) | ${hub_s} s (runs: ${times[kagglehub]}) | $(rate "$hub_s") MB/s | $(awk -v a="$hub_s" -v b="$gpux_s" 'BEGIN {printf "%.2fx", a / b}') | >= 1.50x |"
} >"$root/bench/results/kaggle-pull.md"
cat "$root/bench/results/kaggle-pull.md"
