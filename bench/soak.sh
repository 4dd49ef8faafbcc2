#!/usr/bin/env bash
# Soak (issue 13): MINUTES of mixed traffic (uploads, browse, search, downloads with byte checks, distill
# and robustness jobs) from CLIENTS threads against the packaged market with its embedded PostgreSQL, while
# WORKERS worker processes are SIGKILLed at random (one every 20-60 s) and restarted. Then every job is
# awaited and the store checked: every acknowledged upload present, byte for byte, and validated once; every
# job finished with exactly one result. Leases are 10 s so that a killed worker's job comes back quickly.
# Prints a Markdown table; exits 1 on any unexpected 5xx, loss, corruption or job not run exactly once.
#
#   bench/soak.sh [MINUTES=10] [CLIENTS=6] [WORKERS=2]      # uploads capped at 12 a minute (soak.py --help)
set -euo pipefail
. "$(dirname "$0")/../bin/lib/common.sh"
. "$(dirname "$0")/lib.sh"
minutes=${1:-10}
clients=${2:-6}
workers=${3:-2}
lw_select_jdk
lw_install_packages bubblewrap:/usr/bin/bwrap
if [ ! -f "$LW_ROOT/worker/target/worker.jar" ]; then
  (cd "$LW_ROOT" && lw_maven -q -B -DskipTests -Dspotless.check.skip=true package -pl worker -am)
fi

echo "machine: $(bench_machine)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
export LEARNWARE_JOBS_LEASE=10S
bench_start_market 1g
"$LW_ROOT/bin/learnware" spec rkme --csv "$LW_ROOT/fixtures/data/digits-train.csv.gz" --label label \
  --out "$BENCH_DIR/rkme.json" --quiet
MARKET_URL="$MARKET_URL" BENCH_DIR="$BENCH_DIR" LW_ROOT="$LW_ROOT" JAVA_HOME="$JAVA_HOME" \
  ADMIN_TOKEN="$BENCH_ADMIN_TOKEN" python3 "$LW_ROOT/bench/soak.py" --minutes "$minutes" --clients "$clients" \
  --workers "$workers" || status=$?
echo "market log: $(grep -c ' ERROR ' "$BENCH_DIR/market.log" || true) ERROR lines"
grep ' ERROR ' "$BENCH_DIR/market.log" | cut -c1-240 | sort | uniq -c | sort -rn | head -5 || true
exit "${status:-0}"
