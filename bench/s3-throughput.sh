#!/usr/bin/env bash
# Upload and download of one large artifact through the API with the file store and with the S3 store on
# S3Proxy (jclouds' filesystem backend, a separate process on the same disk), alternating in one run, with
# the API's heap capped; records the API's peak RSS for each.
#
#   bench/s3-throughput.sh [SIZE_MIB=1024] [HEAP=256m] [ROUNDS=2]
#
# Every transfer's bytes are checked by SHA-256 (the upload's answer, and a second, untimed download).
set -euo pipefail
. "$(dirname "$0")/../bin/lib/common.sh"
. "$(dirname "$0")/lib.sh"
size_mib=${1:-1024}
heap=${2:-256m}
rounds=${3:-2}
lw_select_jdk

WORK=$(mktemp -d /tmp/s3-bench.XXXXXX)
S3_PID=
cleanup() {
  bench_stop_market
  if [ -n "$S3_PID" ] && kill -0 "$S3_PID" 2>/dev/null; then kill -TERM "$S3_PID"; wait "$S3_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# S3Proxy from test-support's class path.
(cd "$LW_ROOT" && lw_maven -q -B -o -Dspotless.check.skip=true compile -pl test-support -am \
  && lw_maven -q -B -o dependency:build-classpath -pl test-support -Dmdep.outputFile="$WORK/cp.txt")
"$JAVA_HOME/bin/java" -Xmx512m -cp "$LW_ROOT/test-support/target/classes:$(cat "$WORK/cp.txt")" \
  io.learnware.testing.S3ServerMain "$WORK/s3" bench "$WORK/endpoint" >"$WORK/s3proxy.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 240); do [ -s "$WORK/endpoint" ] && break; sleep 0.5; done
[ -s "$WORK/endpoint" ] || { echo "S3Proxy did not start; log: $WORK/s3proxy.log" >&2; exit 1; }

# The large file is an extra artifact ('file' part, not checked as a model) beside the digits fixture, and
# is sent before the model: what is measured is the large part's way into the store.
artifact="$WORK/big.bin"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$artifact"
fixture="$LW_ROOT/fixtures/digits-mlp"
expected=$(sha256sum "$artifact" | cut -d' ' -f1)
bytes=$(stat -c %s "$artifact")
: >"$WORK/results"

# one_round STORE: a fresh market on STORE; upload, download (timed), download (checked); peak RSS.
one_round() {
  local store=$1
  if [ "$store" = s3 ]; then
    export LEARNWARE_STORAGE_TYPE=s3 LEARNWARE_STORAGE_S3_ENDPOINT="$(cat "$WORK/endpoint")" \
      LEARNWARE_STORAGE_S3_BUCKET=bench LEARNWARE_STORAGE_S3_PATH_STYLE_ACCESS=true \
      LEARNWARE_STORAGE_S3_KEY_PREFIX="round-$RANDOM/" \
      LEARNWARE_STORAGE_S3_ACCESS_KEY_ID=market-test-access LEARNWARE_STORAGE_S3_SECRET_ACCESS_KEY=market-test-secret
  else
    export LEARNWARE_STORAGE_TYPE=filesystem # the S3 settings left set are not read then
  fi
  trap cleanup EXIT
  bench_start_market "$heap"
  trap cleanup EXIT # bench_start_market set its own
  local token up up_code up_time down down_code down_time got rss
  token=$(bench_new_user bench)
  cat "$artifact" >/dev/null
  up=$(curl -sS -o "$WORK/upload.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $token" -F "spec=@$fixture/spec.json;type=application/json" \
    -F "file=@$artifact;filename=big.bin" -F "model=@$fixture/model.pt" -F "file=@$fixture/features.pt" \
    "$MARKET_URL/api/v1/learnwares/bench/big/versions")
  read -r up_code up_time <<<"$up"
  [ "$up_code" = 201 ] || { echo "$store upload failed: HTTP $up_code $(cat "$WORK/upload.json")" >&2; exit 1; }
  down=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "$MARKET_URL/api/v1/learnwares/bench/big/versions/1/files/big.bin")
  read -r down_code down_time <<<"$down"
  [ "$down_code" = 200 ] || { echo "$store download failed: HTTP $down_code" >&2; exit 1; }
  got=$(curl -fsS "$MARKET_URL/api/v1/learnwares/bench/big/versions/1/files/big.bin" | sha256sum | cut -d' ' -f1)
  [ "$got" = "$expected" ] || { echo "$store: downloaded bytes differ" >&2; exit 1; }
  rss=$(( $(awk '/VmHWM/ {print $2}' "/proc/$MARKET_PID/status") / 1024 ))
  echo "$store $up_time $down_time $rss" >>"$WORK/results"
  bench_stop_market
}

for round in $(seq 1 "$rounds"); do
  one_round filesystem
  one_round s3
done

python3 - "$bytes" "$heap" "$(bench_machine)" "$WORK/results" <<'PY'
import sys
size, heap, machine = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = [line.split() for line in open(sys.argv[4])]
print(f"machine: {machine}")
print(f"artifact: {size / 2**20:.0f} MiB, API heap -Xmx{heap}, fresh API per round, stores alternating")
print()
print("| round | store | upload s | upload MB/s | download s | download MB/s | API peak RSS MiB |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for i, (store, up, down, rss) in enumerate(rows):
    up, down = float(up), float(down)
    print(f"| {i // 2 + 1} | {store} | {up:.1f} | {size / up / 1e6:.0f} | {down:.1f} | {size / down / 1e6:.0f} | {rss} |")
PY
