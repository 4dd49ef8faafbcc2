#!/usr/bin/env bash
# PGD throughput (issue 5): our DJL attack (Attacks.pgd) against the same attack in PyTorch eager
# (bench/pgd_throughput.py, Debian's /usr/bin/python3 with torch 1.13), same model (digits-mlp), rows,
# steps, batch sizes and thread count, one after the other in this run. Prints a Markdown table.
# L∞ PGD, ε 0.1, step ε/4, no random start, [0, 1]; the 360 digits test rows repeated to ROWS examples.
#
#   bench/pgd-throughput.sh [THREADS] [ROWS] [STEPS] [BATCHES] [RUNS]
#   bench/pgd-throughput.sh 2 3600 10 64,360 5      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
threads=${1:-2}
rows=${2:-3600}
steps=${3:-10}
batches=${4:-64,360}
runs=${5:-5}
out=$(mktemp -d /tmp/pgd-throughput.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Compile first so that the timed JVM run is the benchmark alone.
bin/mvn -B -q -o -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -q -o -pl worker -am test -Dtest=PgdThroughput -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true \
  -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
  -Dbench.rows="$rows" -Dbench.steps="$steps" -Dbench.batches="$batches" -Dbench.runs="$runs" \
  2>&1 | grep -E '^djl' >"$out/djl"
echo "load average between: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/pgd_throughput.py --threads "$threads" --rows "$rows" --steps "$steps" \
  --batches "$batches" --runs "$runs" >"$out/pytorch"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
head -1 "$out/djl"
head -1 "$out/pytorch"
grep -h -- '-correct' "$out/djl" "$out/pytorch" | sed 's/^/adversarial accuracy check: /'
echo
echo "digits-mlp, $rows examples (360 test rows repeated), PGD $steps steps, ε 0.1, step ε/4, $threads threads; examples/s, first run (cold) and median of $runs after it."
echo
echo "| batch | DJL cold | DJL median | PyTorch cold | PyTorch median | DJL / PyTorch (median) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
join <(grep '^djl [0-9]' "$out/djl" | cut -d' ' -f2- | sort) <(grep '^pytorch [0-9]' "$out/pytorch" | cut -d' ' -f2- | sort) \
  | sort -n | awk '{printf "| %d | %d | %d | %d | %d | %.2fx |\n", $1, $2, $3, $4, $5, $3 / $5}'
