# Shared by the pull benchmarks (sourced): timing, interleaved rounds and medians.
#
#   interleave ROUNDS SIDE...   runs run_SIDE for each side, ROUNDS times, the order rotating each
#                               round and the page cache flushed (sync) before each run; the times
#                               (seconds) collect in times[SIDE], space-separated
#   median "${times[SIDE]}"     the middle one (ROUNDS odd)
# One run on a shared 2-core machine is too noisy to compare; interleaving spreads the noise.

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
