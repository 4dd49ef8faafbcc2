#!/usr/bin/env bash
# What moving the worker to the DJL/PyTorch pair that has CUDA natives on Maven Central (DJL 0.33.0 with
# libtorch 2.5.1, the -Pcuda build) would cost on a CPU: distillation training and PGD throughput
# (DistillThroughput, PgdThroughput) on the default pair (DJL 0.36.0, libtorch 2.7.1) and on 2.5.1's CPU
# build (-Pcuda -Dpytorch.flavor=cpu), alternating, in one run. Prints a Markdown table.
#
#   bench/djl-pair-cost.sh [RUNS] [THREADS]
#   bench/djl-pair-cost.sh 3 2      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
runs=${1:-3}
threads=${2:-2}
out=$(mktemp -d /tmp/djl-pair-cost.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A profile=([2.7.1]="" [2.5.1]="-Pcuda -Dpytorch.flavor=cpu")
# Compile both first so that the timed runs are the benchmarks alone (2.5.1's CPU natives are fetched once).
for pair in 2.7.1 2.5.1; do
  # shellcheck disable=SC2086
  bin/mvn -B -q -pl worker -am test-compile -Dspotless.check.skip=true -Dexec.skip=true ${profile[$pair]}
done
declare -A test=([distill]=DistillThroughput [pgd]=PgdThroughput)
declare -A batches=([distill]=32,256 [pgd]=64,360)
for run in $(seq "$runs"); do
  for bench in distill pgd; do
    for pair in 2.7.1 2.5.1; do
      # shellcheck disable=SC2086
      bin/mvn -B -q -o -pl worker -am test ${profile[$pair]} -Dtest="${test[$bench]}" \
        -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Dexec.skip=true \
        -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
        -Dbench.epochs=30 -Dbench.batches="${batches[$bench]}" -Dbench.runs=3 -Dbench.rows=3600 \
        -Dbench.steps=10 2>&1 | grep -E '^djl [0-9]' | sed "s/^djl /$pair $bench-batch-/" >>"$out/all"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Samples/s, median over $runs alternating runs of each benchmark's own median; $threads libtorch threads."
echo "distill: MLP 64-64-10 trained for 30 epochs; pgd: 10 steps on 3,600 rows."
echo
echo "| benchmark line | libtorch 2.7.1 (DJL 0.36.0) | libtorch 2.5.1 (DJL 0.33.0) | 2.5.1 / 2.7.1 |"
echo "| --- | ---: | ---: | ---: |"
python3 - "$out/all" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
order = []
for line in open(sys.argv[1]):
    parts = line.split()
    pair, key, median = parts[0], " ".join(parts[1:2]), float(parts[3])
    if key not in order:
        order.append(key)
    rows[key][pair].append(median)
for key in order:
    new, old = statistics.median(rows[key]["2.7.1"]), statistics.median(rows[key]["2.5.1"])
    print(f"| {key} | {new:.0f} | {old:.0f} | {old / new:.2f}x |")
PY
