# Shared by the benchmarks (sourced, first thing: `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`).
# Sets strict mode, $root (the repository) as the working directory, and gives:
#
#   log MESSAGE...              "bench: MESSAGE" on standard error
#   load_avg                    the 1, 5 and 15 minute load averages ("0.52 1.10 2.03")
#   machine                     "<CPU model>, N cores" for a report's first line
#   build_cli                   builds the CLI when the sources changed (bin/gpux --version)
#   build_classpath WORK MODULE the class path of MODULE (with what it needs) built, into
#                               WORK/cp.txt; prints it (MODULE's classes first)
#   now / secs T0 T1            nanoseconds now; seconds between two of them ("1.23")
#   interleave ROUNDS SIDE...   runs run_SIDE for each side, ROUNDS times, the order rotating each
#                               round and the page cache flushed (sync) before each run; the times
#                               (seconds) collect in times[SIDE], space-separated
#   median "${times[SIDE]}"     the middle one (ROUNDS odd)
#
# One run on a shared 2-core machine is too noisy to compare: interleaving spreads the noise, and
# every report states the load average next to its numbers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { echo "bench: $*" >&2; }

load_avg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

machine() {
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
}

build_cli() { "$root/bin/gpux" --version >/dev/null; }

build_classpath() {
  local work=$1 module=$2
  mkdir -p "$work"
  (mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl "$module" -am package \
    dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; log "error: $module did not build"; exit 1; }
  echo "$root/$module/target/classes:$(cat "$work/cp.txt")"
}

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e9}'; }

declare -A times=()
interleave() {
  local rounds=$1 n r k side t0 t1
  shift
  local sides=("$@")
  n=${#sides[@]}
  for side in "${sides[@]}"; do times[$side]=""; done
  for r in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n - 1))); do
      side="${sides[$(((k + r) % n))]}"
      echo "bench: round $r: $side" >&2
      sync
      t0=$(now); "run_$side"; t1=$(now)
      times[$side]+="$(secs "$t0" "$t1") "
    done
  done
}

median() {
  local count
  count=$(wc -w <<<"$1")
  tr ' ' '\n' <<<"$1" | grep . | sort -n | sed -n "$(((count + 1) / 2))p"
}
