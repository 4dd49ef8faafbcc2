#!/usr/bin/env bash
# The web UI end to end: starts the packaged market (API with its embedded PostgreSQL, one worker) on a free
# port with a temporary data directory, runs web-ui/e2e/flow.mjs (playwright-core driving Debian's
# Chromium), and stops the market again, also when the flow fails. Run from the repository root after
# `bin/mvn -DskipTests package` (the e2e Maven module runs it in its integration-test phase).
#
# Environment: JAVA_HOME (default: the java on the PATH), CHROMIUM (default /usr/bin/chromium),
# SCREENSHOTS (default e2e/target/screenshots; SCREENSHOTS=docs/screenshots refreshes the documented ones),
# E2E_KEEP_DATA=1 keeps the data directory for a post-mortem.
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: no Chromium at $CHROMIUM (apt-get install -y chromium; bin/test installs it when run as root)" >&2
  exit 1
fi
app=marketplace-api/target/quarkus-app/quarkus-run.jar
for built in "$app" worker/target/worker.jar cli/target/cli.jar web-ui/node_modules/playwright-core; do
  [ -e "$built" ] || { echo "e2e: $built is missing; build first (bin/mvn -DskipTests package)" >&2; exit 1; }
done

data=$(mktemp -d "${TMPDIR:-/tmp}/learnware-e2e.XXXXXX")
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
api_pid=
worker_pid=
stop() {
  set +e
  [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
  [ -n "$api_pid" ] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  if [ "${E2E_KEEP_DATA:-}" = 1 ]; then echo "e2e: data kept in $data" >&2; else rm -rf "$data"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "e2e: market on http://localhost:$port, data in $data" >&2
# A short lease makes the worker report progress every second, so the page shows it moving.
management_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
LEARNWARE_JOBS_LEASE=3S LEARNWARE_DATA_DIR="$data" QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$management_port" \
  "$java" -Xmx1g -jar "$app" > "$data/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 600); do
  [ -s "$data/worker-token" ] && curl -fs "http://localhost:$management_port/q/health/ready" > /dev/null && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$data/api.log" >&2; echo "e2e: the API did not start" >&2; exit 1; }
  sleep 0.2
done
"$java" -Xmx2g -Dai.djl.offline=true -cp "worker/target/worker.jar:worker/target/lib/*" \
  io.learnware.worker.runtime.WorkerMain --server "http://localhost:$port" --token-file "$data/worker-token" \
  --id e2e --cache "$data/worker-cache" > "$data/worker.log" 2>&1 &
worker_pid=$!

# The user's statistical spec, made the way users make it: locally, with the CLI.
"$java" -cp "cli/target/cli.jar:cli/target/lib/*" io.learnware.cli.LearnwareCli spec rkme \
  --csv fixtures/data/digits-train.csv.gz --label label --out "$data/my-data-rkme.json" --quiet

set +e
node web-ui/e2e/flow.mjs --base "http://localhost:$port" --admin-token "$(cat "$data/admin-token")" \
  --rkme "$data/my-data-rkme.json" --java "$java" --cli-classpath "cli/target/cli.jar:cli/target/lib/*" --screenshots "${SCREENSHOTS:-e2e/target/screenshots}"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "e2e: the flow failed; the last lines of the API and worker logs:" >&2
  tail -n 40 "$data/api.log" >&2
  tail -n 40 "$data/worker.log" >&2
fi
exit "$status"
