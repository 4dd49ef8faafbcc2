#!/usr/bin/env bash
# Upload and download throughput of one large artifact with the API's heap capped, against the disk's own
# copy speed measured in the same run.
#
#   bench/artifact-throughput.sh [SIZE_MIB=1024] [HEAP=256m]
#
# The artifact is a syntactically valid ONNX container (ir_version + one graph field holding random bytes), so
# it passes format sniffing like a real model. Prints a table; exits non-zero if a transfer failed.
set -euo pipefail
. "$(dirname "$0")/../bin/lib/common.sh"
. "$(dirname "$0")/lib.sh"
size_mib=${1:-1024}
heap=${2:-256m}
lw_select_jdk

bench_start_market "$heap"
token=$(bench_new_user bench)

artifact="$BENCH_DIR/big.onnx"
python3 - "$artifact" "$size_mib" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
total = mib * 1024 * 1024
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
head = b"\x08\x07" + b"\x3a"
body = total - len(head) - len(varint(total))
head += varint(body)
with open(path, "wb") as f:
    f.write(head)
    chunk = os.urandom(1 << 20)
    left = body
    while left:
        n = min(left, len(chunk))
        f.write(chunk[:n])
        left -= n
PY
spec="$BENCH_DIR/spec.json"
cat >"$spec" <<'JSON'
{"specVersion": 1, "name": "Throughput probe", "description": "A large artifact for the throughput benchmark.",
 "dataType": "table", "task": "classification", "input": {"dimension": 4}, "output": {"dimension": 2},
 "license": "MIT", "tags": ["bench"], "model": {"format": "onnx"}}
JSON
expected=$(sha256sum "$artifact" | cut -d' ' -f1)
bytes=$(stat -c %s "$artifact")

# Reference: the disk's copy speed for the same file (page cache warm, as for the transfers).
cat "$artifact" >/dev/null
t0=$(date +%s.%N); cp "$artifact" "$BENCH_DIR/copy"; sync "$BENCH_DIR/copy"; t1=$(date +%s.%N)
rm -f "$BENCH_DIR/copy"
copy_mbs=$(python3 -c "print(round($bytes / ($t1 - $t0) / 1e6))")

up=$(curl -sS -o "$BENCH_DIR/upload.json" -w '%{http_code} %{time_total}' \
  -H "Authorization: Bearer $token" -F "spec=@$spec;type=application/json" -F "model=@$artifact" \
  "$MARKET_URL/api/v1/learnwares/bench/big/versions")
read -r up_code up_time <<<"$up"
[ "$up_code" = 201 ] || { echo "upload failed: HTTP $up_code $(cat "$BENCH_DIR/upload.json")" >&2; exit 1; }
stored=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"])' "$BENCH_DIR/upload.json")
[ "$stored" = "$expected" ] || { echo "stored SHA-256 differs" >&2; exit 1; }
# Again, once the JIT has seen the path: the steady state of a running market.
up2=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' \
  -H "Authorization: Bearer $token" -F "spec=@$spec;type=application/json" -F "model=@$artifact" \
  "$MARKET_URL/api/v1/learnwares/bench/big-again/versions")
read -r up2_code up2_time <<<"$up2"
[ "$up2_code" = 201 ] || { echo "second upload failed: HTTP $up2_code" >&2; exit 1; }

# Timed download to /dev/null (the client's disk and hashing are not the API's speed), then an untimed one
# whose bytes are checked against the upload's SHA-256.
down=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' \
  "$MARKET_URL/api/v1/learnwares/bench/big/versions/1/artifact")
read -r down_code down_time <<<"$down"
[ "$down_code" = 200 ] || { echo "download failed: HTTP $down_code" >&2; exit 1; }
got=$(curl -fsS "$MARKET_URL/api/v1/learnwares/bench/big/versions/1/artifact" | sha256sum | cut -d' ' -f1)
[ "$got" = "$expected" ] || { echo "downloaded bytes differ" >&2; exit 1; }

rss_mib=$(( $(awk '/VmHWM/ {print $2}' "/proc/$MARKET_PID/status") / 1024 ))
kill -0 "$MARKET_PID" || { echo "market died (out of memory?)" >&2; exit 1; }

python3 - "$bytes" "$up_time" "$up2_time" "$down_time" "$copy_mbs" "$heap" "$rss_mib" "$(bench_machine)" <<'PY'
import sys
size, up, up2, down = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
copy, heap, rss, machine = int(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
up_mbs, up2_mbs, down_mbs = size / up / 1e6, size / up2 / 1e6, size / down / 1e6
print(f"machine: {machine}")
print(f"artifact: {size / 2**20:.0f} MiB, API heap -Xmx{heap}, API peak RSS {rss} MiB (JVM + off-heap buffers)")
print()
print("| transfer | seconds | MB/s | target MB/s | vs target | vs disk copy |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
print(f"| upload, first (cold JVM) | {up:.2f} | {up_mbs:.0f} | 300 | {up_mbs / 300:.2f}x | {up_mbs / copy:.2f}x |")
print(f"| upload, second (warm JVM) | {up2:.2f} | {up2_mbs:.0f} | 300 | {up2_mbs / 300:.2f}x | {up2_mbs / copy:.2f}x |")
print(f"| download (bytes checked separately) | {down:.2f} | {down_mbs:.0f} | 300 | {down_mbs / 300:.2f}x | {down_mbs / copy:.2f}x |")
print(f"| reference: cp + sync of the same file | | {copy} | | | 1.00x |")
PY
