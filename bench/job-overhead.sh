#!/usr/bin/env bash
# Overhead from a job being queued to an idle worker claiming it (30 validate jobs, one at a time).
# Prints a Markdown table.
#
#   bench/job-overhead.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
# The it module's JobOverheadBenchmark, against the packaged market (its own process); no other test runs.
bin/mvn -B -q -pl it -am verify -Dit.test=JobOverheadBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.jobs="${1:-30}" 2>&1 | grep -E '^\||ERROR|FAIL'
