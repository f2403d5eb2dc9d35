#!/usr/bin/env bash
# The labelled evaluation of `gpux recommend` (issue 16): io.gpux.cli.RecommendEvaluation builds a
# catalogue of generated MLPs (sizes and latencies differ by design) over the Hugging Face test
# hub, a real `mlflow server` and the W&B test server, draws queries from the same seed, computes
# each query's answer by measuring every model with the same harness, asks `gpux recommend`, and
# prints top-1 and top-3 accuracy and the failures. docs/discover.md describes it.
# Usage: bash bench/recommend-eval.sh [--seed N] [--models N] [--queries N]
#   (default: the repo's set, seed 16, 45 models, 45 queries; another seed is a held-out set)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$root/bench/.work/recommend-eval"
rm -rf "$work/run" && mkdir -p "$work/run" "$root/bench/results"
bash python/setup-venv.sh mlflow >/dev/null
(mvn -q -B -ntp -Dspotless.check.skip=true -pl gpux-cli -am install -DskipTests &&
  mvn -q -B -ntp -Dspotless.check.skip=true -pl gpux-cli test-compile \
    dependency:build-classpath -Dmdep.outputFile="$work/cp.txt") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; log "error: gpux-cli did not build"; exit 1; }
# This checkout's modules first: ~/.m2's gpux snapshots may be another checkout's, replaced mid-run.
mods="$root/gpux-cli/target/test-classes:$root/gpux-cli/target/classes"
for m in gpux-core gpux-testing gpux-server; do mods="$mods:$root/$m/target/classes"; done
cp="$mods:$(cat "$work/cp.txt")"
log "load average $(load_avg); $(machine)"
java -cp "$cp" io.gpux.cli.RecommendEvaluation "$@" "$work/run" | tee "$work/report.txt"
{
  echo "measured on $(date +%F), $(machine); load average $(load_avg) at the end"
  echo
  echo '```text'
  cat "$work/report.txt"
  echo '```'
} >"$root/bench/results/recommend-eval.md"
