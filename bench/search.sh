#!/usr/bin/env bash
# Statistical search at 1,000 / 10,000 / 100,000 stored learnwares (d = 64, K = 100): latency of the
# search (in process, over HTTP, and over HTTP with a filter and full text), memory, and a brute-force
# exact-MMD scan in the same process with the search's recall@10 against it. Prints a Markdown table,
# then the NumPy brute-force scan (bench/search_numpy.py, Debian's python3-numpy) at the same sizes,
# measured in the same run. MARKET is topics (default), duplicates or real (see SearchBenchmark).
# With PRIVATE_FRACTION (e.g. 0.1), that share of the learnwares is made private at each size and a
# second table compares anonymous searches (which leave them out) with the site admin's (who sees all).
#
#   bench/search.sh [SIZES] [QUERIES] [BRUTE_QUERIES] [PRIVATE_FRACTION]    e.g. bench/search.sh 1000,10000 40 5 0.1
#   MARKET=duplicates bench/search.sh 1000,10000
# BENCH_OPTS passes settings to the market under test, e.g.
#   BENCH_OPTS=-Dlearnware.search.points-cache=512M bench/search.sh 10000
# HTTP times are curl's (one process, one kept-alive connection), as a script would see them. The
# search rate limit is lifted: its 600 searches a minute would answer later queries with 429.
# NUMPY_QUERIES (default 5) sets the NumPy scan's queries per size; 0 skips it, as at 1,000,000:
#   NUMPY_QUERIES=0 BENCH_OPTS=-Dlearnware.search.points-cache=1G bench/search.sh 1000000 40 1
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-1000,10000,100000}
queries=${2:-40}
brute=${3:-5}
private=${4:-0}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -pl marketplace-api -am test -DskipITs \
  -Dtest=SearchBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.sizes="$sizes" -Dbench.queries="$queries" -Dbench.bruteQueries="$brute" -Dbench.privateFraction="$private" \
  -Dbench.market="${MARKET:-topics}" \
  -Dlearnware.limits.rate.searches-capacity=1000000 -Dlearnware.limits.rate.searches-per-minute=1000000 \
  ${BENCH_OPTS:-} \
  -Dquarkus.log.level=WARN 2>&1 | grep -E '^\||^\(|^seeded|^worst|^T |ERROR|FAIL'
# The outside reference: a NumPy scan of a market of the same shape, after the Java run has exited.
# NUMPY_QUERIES=0 skips it (it holds the points in memory: 1,000,000 learnwares' are 26 GB).
# Debian's NumPy with OpenBLAS, as the Beimingwu package would run (the reference BLAS is 5 times
# slower here); installed when missing, as bin/test installs what it needs.
if [ "${NUMPY_QUERIES:-5}" -gt 0 ]; then
  if ! dpkg -s python3-numpy libopenblas0-pthread > /dev/null 2>&1; then
    apt-get install -y -q python3-numpy libopenblas0-pthread > /dev/null
  fi
  echo "numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'), BLAS $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
  /usr/bin/python3 bench/search_numpy.py "$sizes" "${NUMPY_QUERIES:-5}"
fi
