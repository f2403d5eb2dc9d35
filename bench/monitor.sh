#!/usr/bin/env bash
# Monitoring benchmark (issue 17): gpux serve's throughput with the monitoring history recorded
# (the default, a sample every 5 s) against --no-history, side by side in interleaved rounds, each
# a fresh server on the digits example under gpux-bench's HttpLoad (CONCURRENCY
# clients on kept-alive HTTP/1.1 connections); then the index
# database's size after a simulated week at 1,000 requests/s (retention applied every simulated
# hour), and the dashboard's load (page, 7-day overview, one model's 7-day series, benchmarks) with
# a week of history for 20 models. Writes bench/results/monitor.md with the load average.
# Usage: bash bench/monitor.sh [ROUNDS] [SECONDS] [CONCURRENCY]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=${1:-3}
seconds=${2:-15}
conc=${3:-8}
work="$root/bench/.work/monitor"
rm -rf "$work"
mkdir -p "$work" "$root/bench/results"
log() { echo "bench: $*" >&2; }
bin/gpux --version >/dev/null # builds the CLI when the sources changed
(mvn -q -B -ntp -o -DskipTests -Dspotless.check.skip=true -pl gpux-bench -am package \
  dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; log "error: gpux-bench did not build"; exit 1; }
cp_="$root/gpux-bench/target/classes:$(cat "$work/cp.txt")"
body=examples/digits/sample.json

serve_pid=
stop() { if [[ -n $serve_pid ]]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi; serve_pid=; }
trap stop EXIT

# One round: a fresh server (history on or off), warmed up, then ab for $seconds; prints req/s.
round() {
  local mode=$1 port=$((18500 + RANDOM % 1000)) extra=()
  [[ $mode == off ]] && extra=(--no-history)
  GPUX_HOME="$work/home-$mode" bin/gpux serve examples/digits -p "$port" "${extra[@]}" \
    >"$work/serve-$mode.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 600); do
    grep -q "ready" "$work/serve-$mode.log" 2>/dev/null && break
    sleep 0.1
  done
  java -cp "$cp_" io.gpux.bench.HttpLoad "http://127.0.0.1:$port/predict" "$body" "$conc" 3 "$seconds" |
    cut -d' ' -f1
  stop
}

on=() off=()
for r in $(seq 1 "$rounds"); do
  for mode in off on; do
    rps=$(round $mode)
    log "round $r history $mode: $rps req/s"
    if [[ $mode == on ]]; then on+=("$rps"); else off+=("$rps"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_on=$(median "${on[@]}")
m_off=$(median "${off[@]}")
cost=$(awk -v a="$m_on" -v b="$m_off" 'BEGIN {printf "%.1f", (1 - a / b) * 100}')
load_serve=$(cut -d' ' -f1-3 /proc/loadavg)

week=$(java -cp "$cp_" io.gpux.bench.MonitorBench week "$work/week" 1000)
dash=$(java -cp "$cp_" io.gpux.bench.MonitorBench dashboard "$work/dash" 20)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

out=bench/results/monitor.md
{
  echo "# Monitoring benchmark ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "## Serve throughput, history on vs off"
  echo
  echo "gpux serve examples/digits, HttpLoad (keep-alive) with $conc clients for ${seconds} s per round (after 3 s of warm-up), $rounds interleaved rounds, median:"
  echo
  echo "| history | req/s (median) | rounds |"
  echo "| --- | ---: | --- |"
  echo "| off (--no-history) | $m_off | ${off[*]} |"
  echo "| on (default, 5 s samples) | $m_on | ${on[*]} |"
  echo
  echo "Cost of recording: **${cost}%** of throughput (target <= 3%). Load average after the rounds: $load_serve."
  echo
  echo "## Index size after a simulated week at 1,000 requests/s"
  echo
  echo '```'
  echo "$week"
  echo '```'
  echo
  echo "## Dashboard load, a week of history for 20 models"
  echo
  echo '```'
  echo "$dash"
  echo '```'
  echo
  echo "Load average at the end: $load_end."
} >"$out"
cat "$out"
