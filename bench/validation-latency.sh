#!/usr/bin/env bash
# Upload to verdict, as a user of bin/market sees it (issue 12's budget: validating the digits fixture stays
# under 2 s from queued to done): the packaged API with its embedded PostgreSQL and one worker started as
# bin/worker starts it; N uploads of the digits MLP one after another, each after the previous verdict, so
# the worker is idle in its claim. The same uploads with the worker sandboxed (the default) and with
# --insecure-no-sandbox (the reference: models in the worker's own process), in one run. Times are the
# server's createdAt, startedAt and finishedAt of each validation; the first upload of each (the worker's
# first model load) is left out. Prints a Markdown table.
#
#   bench/validation-latency.sh [UPLOADS]      # default 20
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
lw_install_packages bubblewrap:/usr/bin/bwrap
. bench/lib.sh
uploads=${1:-20}

echo "machine: $(bench_machine)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_start_market 1g
token=$(bench_new_user latency)
results=$(mktemp /tmp/validation-latency.XXXXXX)

# measure NAME [WORKER ARGS...]: uploads+1 versions of latency/NAME, each validated before the next.
measure() {
  local name=$1
  shift
  bench_start_worker "$@"
  for i in $(seq 0 "$uploads"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" \
      -F 'spec=@fixtures/digits-mlp/spec.json;type=application/json' -F 'model=@fixtures/digits-mlp/model.pt' \
      -F 'file=@fixtures/digits-mlp/features.pt' "$MARKET_URL/api/v1/learnwares/latency/$name/versions"
    for _ in $(seq 1 3000); do
      state=$(curl -fsS "$MARKET_URL/api/v1/learnwares/latency/$name/versions/$((i + 1))" -H "Authorization: Bearer $token" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
      [ "$state" != PENDING ] && break
      sleep 0.02
    done
    [ "$state" = USABLE ] || { echo "latency/$name@$((i + 1)) is $state; worker log: $BENCH_DIR/worker.log" >&2; exit 1; }
  done
  bench_stop_worker
  curl -fsS -H "Authorization: Bearer $token" "$MARKET_URL/api/v1/jobs" | python3 -c '
import json, sys
from datetime import datetime
name = sys.argv[1]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
jobs = sorted((j for j in json.load(sys.stdin) if j["type"] == "validate" and j["source"].startswith("latency/" + name + "@")),
              key=lambda j: j["createdAt"])[1:]
for j in jobs:
    print(name, (t(j["startedAt"]) - t(j["createdAt"])).total_seconds() * 1000,
          (t(j["finishedAt"]) - t(j["createdAt"])).total_seconds() * 1000)
' "$name" >>"$results"
}

measure in-process --insecure-no-sandbox
measure sandboxed
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| worker ($uploads uploads each; ms) | queued -> claimed p50 | queued -> verdict p50 | p90 | max |"
echo "| --- | ---: | ---: | ---: | ---: |"
python3 - "$results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, claim, done = line.split()
    rows.setdefault(name, []).append((float(claim), float(done)))
for name in ("in-process", "sandboxed"):
    claims = sorted(c for c, _ in rows[name]); done = sorted(d for _, d in rows[name]); n = len(done)
    label = "in its own process (--insecure-no-sandbox, reference)" if name == "in-process" else "sandboxed (default)"
    print(f"| {label} | {claims[n // 2]:.0f} | {done[n // 2]:.0f} | {done[n * 9 // 10]:.0f} | {done[-1]:.0f} |")
PY
rm -f "$results"
