#!/usr/bin/env bash
# Fooling run time (issue 5): Fooling with the default budget (population 100, 500 generations) on
# digits-mlp (TorchScript and ONNX) and digits-cnn (TorchScript), as the job runs it (stops once all
# 10 classes reach 0.99) and over the whole budget (target 1, never reached). Prints the machine and
# one line per case:
#   fooling <model file> <default|full-budget> <generations run> <cold seconds> <median seconds>
#
#   bench/fooling-time.sh [THREADS] [RUNS]
#   bench/fooling-time.sh 2 5      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
threads=${1:-2}
runs=${2:-5}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -o -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -q -o -pl worker -am test -Dtest=FoolingRunTime -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dai.djl.onnxruntime.num_threads="$threads" -Dbench.runs="$runs" 2>&1 | grep -E '^fooling'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
