#!/usr/bin/env bash
# Cross-instance visibility latency: two packaged API instances on one PostgreSQL; the time from a write
# acknowledged by instance A (upload, validation verdict) to the first answer of instance B that shows it
# (statistical search, listing). Prints a Markdown table.
#
#   bench/coherence.sh [SAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
# The it module's CoherenceBenchmark, against the packaged market (two processes); no other test runs.
bin/mvn -B -q -pl it -am verify -Dit.test=CoherenceBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.samples="${1:-100}" 2>&1 | grep -E '^\||ERROR|FAIL'
