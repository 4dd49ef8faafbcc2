#!/usr/bin/env bash
# The sandbox's cost (issue 12): the same real jobs — validating the digits MLP, distilling it into an MLP
# (200 epochs, batch 32, the 1,437 training rows) and a robustness run with FGSM and PGD (3 epsilons,
# 40 steps, the 360 test rows) — in the worker's own process and in a bubblewrap sandbox, alternating,
# in one JVM and one run. Prints a Markdown table of median wall times and their ratio.
#
#   bench/sandbox-overhead.sh [RUNS] [THREADS]      # defaults: 5 runs, 1 libtorch thread
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
lw_install_packages bubblewrap:/usr/bin/bwrap
runs=${1:-5}
threads=${2:-1}
out=$(mktemp /tmp/sandbox-overhead.XXXXXX)
trap 'rm -f "$out"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -q -o -pl worker -am test -Dtest=SandboxOverhead -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true -Dai.djl.pytorch.num_threads="$threads" -Dbench.runs="$runs" \
  2>&1 | grep -E '^overhead' >"$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Median of $runs runs after one warm-up each; $threads libtorch thread(s); wall time per job, ms."
echo
echo "| job | in process | sandboxed | difference | sandboxed / in process |"
echo "| --- | ---: | ---: | ---: | ---: |"
awk '{printf "| %s | %d | %d | %+d | %.2fx |\n", $2, $3, $4, $4 - $3, $4 / $3}' "$out"
