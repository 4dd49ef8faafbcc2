#!/usr/bin/env bash
# Distillation training throughput: our DJL loop (MlpStudent.train) against the same loop in PyTorch
# eager (bench/distill_throughput.py, Debian's /usr/bin/python3 with torch 1.13), same MLP, batch
# sizes, epochs and thread count, one after the other in this run. Prints a Markdown table.
#
#   bench/distill-throughput.sh [THREADS] [HIDDEN] [EPOCHS] [BATCHES] [RUNS]
#   bench/distill-throughput.sh 2 64 50 32,256 5      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
threads=${1:-2}
hidden=${2:-64}
epochs=${3:-50}
batches=${4:-32,256}
runs=${5:-5}
out=$(mktemp -d /tmp/distill-throughput.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Compile first so that the timed JVM run is the benchmark alone.
bin/mvn -B -q -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -q -o -pl worker -am test -Dtest=DistillThroughput -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dbench.hidden="$hidden" -Dbench.epochs="$epochs" -Dbench.batches="$batches" -Dbench.runs="$runs" \
  2>&1 | grep -E '^djl' >"$out/djl"
/usr/bin/python3 bench/distill_throughput.py --threads "$threads" --hidden "$hidden" --epochs "$epochs" \
  --batches "$batches" --runs "$runs" >"$out/pytorch"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
head -1 "$out/djl"
head -1 "$out/pytorch"
echo
echo "MLP 64-$hidden-10, 1,150 training rows, $epochs epochs, $threads threads; samples/s, first run (cold) and median of $runs after it."
echo
echo "| batch | DJL cold | DJL median | PyTorch cold | PyTorch median | DJL / PyTorch (median) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
join <(grep '^djl [0-9]' "$out/djl" | cut -d' ' -f2- | sort) <(grep '^pytorch [0-9]' "$out/pytorch" | cut -d' ' -f2- | sort) \
  | sort -n | awk '{printf "| %d | %d | %d | %d | %d | %.2fx |\n", $1, $2, $3, $4, $5, $3 / $5}'
