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
# HTTP times are curl's (one process, one kept-alive connection), as a script would see them.
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
  -Dbench.market="${MARKET:-topics}" ${BENCH_OPTS:-} \
  -Dquarkus.log.level=WARN 2>&1 | grep -E '^\||^\(|^seeded|^worst|^T |ERROR|FAIL'
# The outside reference: a NumPy scan of a market of the same shape, after the Java run has exited.
/usr/bin/python3 bench/search_numpy.py "$sizes" "${NUMPY_QUERIES:-5}"
