#!/usr/bin/env bash
# `gpux recommend` answered from the index's cache against the same query uncached, side by side
# (issue 16: a cached query under 1 s of wall time). Uncached: a fresh GPUX_HOME, so the ten
# candidates on the Hugging Face test hub are searched, pulled and measured; cached: the same
# home asked again, the search answer and every latency (per machine fingerprint) from the index.
# Both are `bin/gpux` processes, JVM start-up included. Writes bench/results/recommend.md.
# Usage: bash bench/recommend.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/recommend"
mkdir -p "$work" "$root/bench/results"
(mvn -q -B -ntp -Dspotless.check.skip=true -pl gpux-cli -am install -DskipTests &&
  mvn -q -B -ntp -Dspotless.check.skip=true -pl gpux-cli test-compile \
    dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; log "error: gpux-cli did not build"; exit 1; }
# This checkout's modules first: ~/.m2's gpux snapshots may be another checkout's, replaced mid-run.
mods="$root/gpux-cli/target/test-classes:$root/gpux-cli/target/classes"
for m in gpux-core gpux-testing gpux-server; do mods="$mods:$root/$m/target/classes"; done
cp="$mods:$(cat "$work/cp.txt")"
build_cli
java -cp "$cp" io.gpux.cli.RecommendBenchHub 18820 "$work/models" >"$work/hub.log" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q ready "$work/hub.log" && break; sleep 0.2; done
export HF_ENDPOINT=http://127.0.0.1:18820 HOME="$work/user"
query=(recommend --task tabular-classification --registry hf --prefer latency --max-candidates 10 --json)
run_uncached() { rm -rf "$work/fresh"; GPUX_HOME="$work/fresh" bin/gpux "${query[@]}" >"$work/uncached.json"; }
run_cached() { GPUX_HOME="$work/warm" bin/gpux "${query[@]}" >"$work/cached.json"; }
rm -rf "$work/warm"
GPUX_HOME="$work/warm" bin/gpux "${query[@]}" >/dev/null # fills the warm home's index
run_uncached
interleave 5 uncached cached
u=$(median "${times[uncached]}")
c=$(median "${times[cached]}")
{
  echo "measured on $(date +%F), median of 5 interleaved rounds, $(machine); load average $(load_avg) at the end"
  echo
  echo "| side | wall time | ratio (uncached / cached) | target |"
  echo "|---|---|---|---|"
  echo "| \`gpux ${query[*]}\`, cached (search answer and 10 latencies from the index) | $c s (runs: ${times[cached]}) | $(awk -v a="$u" -v b="$c" 'BEGIN {printf "%.1fx", a / b}') | < 1 s |"
  echo "| the same, uncached (fresh GPUX_HOME: search, 10 pulls, 10 measurements) | $u s (runs: ${times[uncached]}) | | |"
} >"$root/bench/results/recommend.md"
cat "$root/bench/results/recommend.md"
