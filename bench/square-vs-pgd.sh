#!/usr/bin/env bash
# Square Attack against PGD (issue 14): the score-based black-box attack (SquareAttack, run by
# SquareVsPgd) next to white-box PGD (Attacks.pgd: 10 steps of ε/4, no random start) on the digits
# fixtures and the 360 bundled digits-test rows, range [0, 1], seed 0. digits-mlp's ONNX export has no
# gradients: Square Attack alone. Prints a Markdown table of accuracies under attack.
#
#   bench/square-vs-pgd.sh [THREADS] [QUERIES] [EPSILONS]
#   bench/square-vs-pgd.sh 2 300 0.05,0.1,0.2      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
threads=${1:-2}
queries=${2:-300}
epsilons=${3:-0.05,0.1,0.2}
out=$(mktemp -d /tmp/square-vs-pgd.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Compile first so that the timed JVM run is the benchmark alone.
bin/mvn -B -q -o -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -q -o -pl worker -am test -Dtest=SquareVsPgd -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dbench.queries="$queries" -Dbench.epsilons="$epsilons" \
  2>&1 | grep -E '^row ' >"$out/rows"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "360 digits test rows, L∞, range [0, 1]; PGD 10 steps of ε/4, no random start; Square Attack $queries queries per row, p 0.05, seed 0; $threads threads."
echo
echo "| model | ε | clean | PGD | Square Attack | Square − PGD | queries used (mean) | PGD s | Square s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk '{
  diff = ($5 == "-") ? "" : sprintf("%+.4f", $6 - $5);
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, diff, $7, ($5 == "-") ? "" : $8, $9
}' "$out/rows"
