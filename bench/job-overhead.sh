#!/usr/bin/env bash
# Overhead from a job being queued to an idle worker claiming it (30 validate jobs, one at a time).
# Prints a Markdown table.
#
#   bench/job-overhead.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/mvn -B -q -pl marketplace-api -am test -DskipITs -Dtest=JobOverheadBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.jobs="${1:-30}" -Dquarkus.log.level=WARN 2>&1 \
  | grep -E '^\||ERROR|FAIL'
