#!/usr/bin/env bash
# Statistical search at 1,000 / 10,000 / 100,000 stored learnwares (d = 64, K = 100): latency of the
# search (in process and over HTTP), memory, and a brute-force exact-MMD scan in the same process
# with the search's recall@10 against it. Prints a Markdown table. With PRIVATE_FRACTION (e.g. 0.1), that
# share of the learnwares is made private at each size and a second table compares anonymous searches
# (which leave them out) with the site admin's (who sees all).
#
#   bench/search.sh [SIZES] [QUERIES] [BRUTE_QUERIES] [PRIVATE_FRACTION]    e.g. bench/search.sh 1000,10000 40 5 0.1
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-1000,10000,100000}
queries=${2:-40}
brute=${3:-5}
private=${4:-0}
bin/mvn -B -q -pl marketplace-api -am test -DskipITs \
  -Dtest=SearchBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.sizes="$sizes" -Dbench.queries="$queries" -Dbench.bruteQueries="$brute" -Dbench.privateFraction="$private" \
  -Dquarkus.log.level=WARN 2>&1 | grep -E '^\||^\(|^seeded|^worst|^T |ERROR|FAIL'
