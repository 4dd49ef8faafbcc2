# Shared by the benchmark scripts: start a market on loopback with its own data directory and stop it.
# Sourced, not run. Needs bin/lib/common.sh sourced first.

BENCH_ADMIN_TOKEN=lw_bench-admin

# bench_start_market HEAP: starts the packaged API (embedded PostgreSQL) with -Xmx$HEAP; sets MARKET_PID,
# MARKET_URL, MANAGEMENT_URL (health, metrics) and BENCH_DIR.
bench_start_market() {
  local heap=$1
  local app="${BENCH_APP:-$LW_ROOT/marketplace-api/target/quarkus-app/quarkus-run.jar}"
  if [ ! -f "$app" ]; then
    (cd "$LW_ROOT" && lw_maven -q -B -DskipTests -Dspotless.check.skip=true package -pl marketplace-api -am)
  fi
  BENCH_DIR=$(mktemp -d /tmp/market-bench.XXXXXX)
  local port management_port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  management_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MARKET_URL="http://127.0.0.1:$port"
  MANAGEMENT_URL="http://127.0.0.1:$management_port"
  # Benchmarks hammer one endpoint from one address: lift the rate limits (they measure the market,
  # not its abuse limits).
  LEARNWARE_DATA_DIR="$BENCH_DIR/data" LEARNWARE_ADMIN_TOKEN="$BENCH_ADMIN_TOKEN" QUARKUS_HTTP_PORT="$port" \
  QUARKUS_MANAGEMENT_PORT="$management_port" \
  LEARNWARE_LIMITS_RATE_SEARCHES_CAPACITY=1000000000 LEARNWARE_LIMITS_RATE_SEARCHES_PER_MINUTE=1000000000 \
  LEARNWARE_LIMITS_RATE_UPLOADS_CAPACITY=1000000000 LEARNWARE_LIMITS_RATE_UPLOADS_PER_MINUTE=1000000000 \
  LEARNWARE_LIMITS_RATE_JOBS_CAPACITY=1000000000 LEARNWARE_LIMITS_RATE_JOBS_PER_MINUTE=1000000000 \
  LEARNWARE_LIMITS_QUOTA_PENDING_VALIDATIONS=1000000000 \
    "$JAVA_HOME/bin/java" "-Xmx$heap" -XX:+ExitOnOutOfMemoryError --add-modules jdk.incubator.vector -jar "$app" >"$BENCH_DIR/market.log" 2>&1 &
  MARKET_PID=$!
  trap bench_stop_market EXIT
  for _ in $(seq 1 240); do
    curl -fsS "$MANAGEMENT_URL/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$MARKET_PID" 2>/dev/null || { echo "market died; log: $BENCH_DIR/market.log" >&2; return 1; }
    sleep 0.5
  done
  echo "market did not become ready; log: $BENCH_DIR/market.log" >&2
  return 1
}

# bench_start_worker [ARGS...]: starts one worker node (all job types; ARGS go to bin/worker's options)
# against the market bench_start_market started; sets WORKER_PID. Uploads stay PENDING, and out of browse and
# search, until a worker validates them.
# BENCH_WORKER_BUILD picks the build: worker/target (default, CPU) or worker/target/worker-cuda (bin/worker --gpu).
bench_start_worker() {
  local build="${BENCH_WORKER_BUILD:-$LW_ROOT/worker/target}"
  if [ ! -f "$build/worker.jar" ]; then
    (cd "$LW_ROOT" && lw_maven -q -B -DskipTests -Dspotless.check.skip=true package -pl worker -am)
  fi
  for _ in $(seq 1 100); do [ -s "$BENCH_DIR/data/worker-token" ] && break; sleep 0.2; done
  "$JAVA_HOME/bin/java" -Xmx1g -Dai.djl.offline=true -cp "$build/worker.jar:$build/lib/*" \
    io.learnware.worker.runtime.WorkerMain --server "$MARKET_URL" --token-file "$BENCH_DIR/data/worker-token" \
    --id bench --cache "$BENCH_DIR/worker-cache" "$@" >>"$BENCH_DIR/worker.log" 2>&1 &
  WORKER_PID=$!
}

bench_stop_worker() {
  if [ -n "${WORKER_PID:-}" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill -TERM "$WORKER_PID"
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  WORKER_PID=
}

bench_stop_market() {
  bench_stop_worker
  if [ -n "${MARKET_PID:-}" ] && kill -0 "$MARKET_PID" 2>/dev/null; then
    # TERM, not INT: a background job of a script starts with SIGINT ignored.
    kill -TERM "$MARKET_PID"
    wait "$MARKET_PID" 2>/dev/null || true
  fi
  [ -n "${BENCH_DIR:-}" ] && rm -rf "$BENCH_DIR"
}

# bench_new_user NAME: creates a user, prints its token.
bench_new_user() {
  curl -fsS -H "Authorization: Bearer $BENCH_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\"}" "$MARKET_URL/api/v1/users" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

bench_machine() {
  echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
}
