#!/usr/bin/env bash
# Browse and full-text search request rate with wrk on loopback, next to a trivial endpoint of the same server
# (/q/health/live) as the framework's own ceiling on this machine.
#
#   bench/browse-wrk.sh [LEARNWARES=1000] [SECONDS=20] [CONNECTIONS=16]
#
# Browse pages are cached for learnware.browse.cache-ttl (2 s); LEARNWARE_BROWSE_CACHE_TTL=0S measures without.
# Needs wrk (Debian package `wrk`; installed here if missing). Seeds LEARNWARES learnwares with the digits
# fixture (varied names, tags and descriptions), warms up, then runs each scenario and prints a table.
set -euo pipefail
. "$(dirname "$0")/../bin/lib/common.sh"
. "$(dirname "$0")/lib.sh"
count=${1:-1000}
duration=${2:-20}
connections=${3:-16}
lw_select_jdk
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

bench_start_market 512m
token=$(bench_new_user seeder)
fixtures="$LW_ROOT/fixtures/digits-mlp"
tags=(vision tabular digits audio medical finance retail energy)
echo "Seeding $count learnwares..." >&2
for i in $(seq 1 "$count"); do
  tag=${tags[$((i % ${#tags[@]}))]}
  python3 - "$fixtures/spec.json" "$BENCH_DIR/spec.json" "$i" "$tag" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
i, tag = sys.argv[3], sys.argv[4]
spec["name"] = f"Learnware {i} for {tag}"
spec["description"] = f"Model number {i}, trained for {tag} workloads; classifies digits as a stand-in."
spec["tags"] = [tag, f"batch-{int(i) % 10}"]
json.dump(spec, open(sys.argv[2], "w"))
PY
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" -F "spec=@$BENCH_DIR/spec.json;type=application/json" \
    -F "model=@$fixtures/model.pt" -F "file=@$fixtures/features.pt" \
    "$MARKET_URL/api/v1/learnwares/seeder/lw-$i/versions"
done
# Browse lists validated (USABLE) learnwares only: a worker validates the uploads, then leaves the cores to wrk.
echo "Validating them with a worker..." >&2
bench_start_worker
total=0
for _ in $(seq 1 600); do
  total=$(curl -fsS "$MARKET_URL/api/v1/learnwares?size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  [ "$total" = "$count" ] && break
  sleep 1
done
bench_stop_worker
[ "$total" = "$count" ] || { echo "expected $count learnwares, browse says $total" >&2; exit 1; }

scenarios=(
  "trivial endpoint (reference)|$MANAGEMENT_URL/q/health/live"
  "browse, newest first|/api/v1/learnwares?size=20"
  "browse, page 10|/api/v1/learnwares?size=20&page=10"
  "full text q=medical|/api/v1/learnwares?q=medical&size=20"
  "filter tag + dataType|/api/v1/learnwares?tag=finance&dataType=table&size=20"
)
results="$BENCH_DIR/results.txt"
: >"$results"
for scenario in "${scenarios[@]}"; do
  label=${scenario%%|*}
  path=${scenario#*|}
  # The reference lives on the management interface; the others on the API.
  [[ $path == http* ]] && url=$path || url=$MARKET_URL$path
  wrk -t2 -c"$connections" -d5s "$url" >/dev/null # warm-up (JIT, caches)
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  echo "$label|$rps|$p50|$p99|${errors:-none}" >>"$results"
done

python3 - "$results" "$count" "$duration" "$connections" "$(bench_machine)" <<'PY'
import os, sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
count, duration, connections, machine = sys.argv[2:6]
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
ref = float(rows[0][1])
print(f"machine: {machine}")
print(f"{count} learnwares stored; wrk -t2 -c{connections} -d{duration}s on loopback (wrk shares the 2 cores); browse cache TTL {os.environ.get('LEARNWARE_BROWSE_CACHE_TTL', '2S (default)')}")
print()
print("| scenario | requests/s | p50 ms | p99 ms | vs reference | target | errors |")
print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
for label, rps, p50, p99, errors in rows:
    target = "" if label.startswith("trivial") else (
        "met" if float(rps) >= 2000 and ms(p99) < 25 else "missed") + " (>=2000/s, p99<25ms)"
    print(f"| {label} | {float(rps):.0f} | {ms(p50):.2f} | {ms(p99):.2f} | {float(rps) / ref:.2f}x | {target} | {errors} |")
PY
