#!/usr/bin/env bash
# RKME construction time: 100,000 × 64 synthetic rows and the Fashion-MNIST training set (read from
# ../shared/data, or -Dbench.sharedData=DIR). Prints a Markdown table.
#
#   bench/rkme.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin/mvn -B -q -pl spec-schema test -Dtest=RkmeBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  "$@" 2>&1 | grep -E '^\||^\(|ERROR|FAIL'
