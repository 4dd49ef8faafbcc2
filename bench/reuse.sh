#!/usr/bin/env bash
# Reuse of two learnwares trained on halves of the digits (fixtures/digits-low, fixtures/digits-high,
# made by fixtures/make_split_fixtures.py) for users whose data span both halves, or one: each alone,
# the mean and vote ensembles and the RKME job selector, as the market's reuse job reports them (a
# real DJL worker against the real API), plus how many rows the client library's selector routes to
# their own half. Prints a Markdown table; see docs/reuse.md.
#
#   bench/reuse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
# The it module's ReuseBenchmark, against the packaged market (its own process); no other test runs.
bin/mvn -B -q -pl it -am verify -Dit.test=ReuseBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false "$@" 2>&1 | grep -E '^\||^\[ERROR\]|FAIL'
