#!/usr/bin/env bash
# The index on SQLite against PostgreSQL (issue 18): `gpux list`, `gpux outdated --json` and
# `gpux collection show` (a collection of all of them) on a store of 1,000 models from the test hub
# with its index in each database (interleaved rounds, a fresh bin/gpux process each), and the cost
# of one write (a tag move, one transaction) alone and
# under 4 concurrent writers. PostgreSQL is Debian's, started by io.gpux.testing.Postgres in a
# temporary folder (apt-get install postgresql). Writes bench/results/index.md.
# Usage: bash bench/index.sh [MODELS] [ROUNDS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
models=${1:-1000}
rounds=${2:-5}
work="$root/bench/.work/index"
mkdir -p "$work" "$root/bench/results"
build_cli
log "building gpux-bench and its class path"
cp_=$(build_classpath "$work" gpux-bench)
load_before=$(load_avg)
log "load average before: $load_before; $models models, $rounds rounds"
java -Xmx2g -cp "$cp_" io.gpux.bench.IndexBench "$root/bin/gpux" "$work" "$models" "$rounds" >"$work/result.json"
load_after=$(load_avg)
python3 - "$work/result.json" "$load_before" "$load_after" "$(machine)" >"$root/bench/results/index.md" <<'PY'
import json, statistics, sys, datetime
r = json.load(open(sys.argv[1]))
med = statistics.median
print("# The index: SQLite vs PostgreSQL\n")
print(f"Measured {datetime.date.today()} with `bash bench/index.sh`, {sys.argv[4]}; load average "
      f"{sys.argv[2]} before, {sys.argv[3]} after. {r['models']} models pulled from the test hub "
      f"({r['fill_s']:.0f} s); the same store with its index on a local PostgreSQL (loopback, "
      f"fsync off as in the tests) rebuilt from the manifests in {r['postgres_rebuild_s']:.1f} s. "
      f"Median of {r['rounds']} interleaved rounds, each a fresh `bin/gpux` process.\n")
print("| command | SQLite | PostgreSQL | ratio (PostgreSQL / SQLite) |")
print("|---|---|---|---|")
for c, label in (("list", "`gpux list`"), ("outdated", "`gpux outdated --json`"),
                 ("collection show", f"`gpux collection show` ({r['models']} items)")):
    s, p = med(r[c]["sqlite"]), med(r[c]["postgres"])
    print(f"| {label} | {s:.2f} s | {p:.2f} s | {p / s:.2f}x |")
print(f"\nAdding all {r['models']} models to one collection (one `gpux collection add`, one "
      f"transaction, each pinned at its stored version): {r['collection_add_s_sqlite']:.2f} s on "
      f"SQLite, {r['collection_add_s_postgres']:.2f} s on PostgreSQL (in process, not timed per round).")
print("\n| one write (a tag move, one transaction) | SQLite | PostgreSQL |")
print("|---|---|---|")
for w in ("1_writers", "4_writers"):
    s, p = r["writes"]["sqlite"][w], r["writes"]["postgres"][w]
    n = w.split("_")[0]
    print(f"| {n} writer{'s' if n != '1' else ''}: median / p95 latency, writes/s | "
          f"{s['median_ms']:.2f} / {s['p95_ms']:.2f} ms, {s['writes_per_s']:.0f}/s | "
          f"{p['median_ms']:.2f} / {p['p95_ms']:.2f} ms, {p['writes_per_s']:.0f}/s |")
print()
for c in ("list", "outdated", "collection show"):
    for side in ("sqlite", "postgres"):
        print(f"- {c} {side}: " + ", ".join("%.2f" % x for x in r[c][side]) + " s")
PY
cat "$root/bench/results/index.md"
