#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and a CUDA 12 driver: builds the GPU worker (bin/worker --gpu's build,
# -Pcuda: DJL 0.33.0, libtorch 2.5.1 cu124; fetches ~2.4 GB of natives from Maven Central once), runs a
# market and that worker on the GPU, and checks validation, distillation, transfer and robustness (FGSM,
# PGD) jobs end to end: each must succeed on gpu:0 with the figures the CPU gives. Then the distillation
# and PGD throughput benchmarks on the GPU, beside PyTorch eager's on the same GPU when `python3 -c
# "import torch"` works there with CUDA. Prints Markdown tables for docs/benchmarks.md.
#
#   bench/gpu-check.sh            # on a GPU machine
#   bench/gpu-check.sh --cpu      # the same steps with the CPU build on the CPU (checks the script here)
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
lw_install_packages bubblewrap:/usr/bin/bwrap
. bench/lib.sh

if [ "${1:-}" = "--cpu" ]; then
  device=cpu profile=() build="$LW_ROOT/worker/target" torch_device=cpu
else
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "error: no NVIDIA GPU here (nvidia-smi -L fails); bench/gpu-check.sh --cpu runs the steps on the CPU" >&2
    exit 1
  fi
  device=gpu profile=(-Pcuda) build="$LW_ROOT/worker/target/worker-cuda" torch_device=cuda
  nvidia-smi -L
fi
echo "machine: $(bench_machine)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -DskipTests -Dspotless.check.skip=true package -pl marketplace-api,cli -am
bin/mvn -B -q -DskipTests -Dspotless.check.skip=true "${profile[@]}" package test-compile -pl worker -am

bench_start_market 2g
BENCH_WORKER_BUILD="$build" bench_start_worker --device "$device"
token=$(bench_new_user gpu)
auth=(-H "Authorization: Bearer $token")
json=(-H 'Content-Type: application/json')
results=$(mktemp /tmp/gpu-check.XXXXXX)

curl -fsS -o /dev/null "${auth[@]}" -F 'spec=@fixtures/digits-mlp/spec.json;type=application/json' \
  -F 'model=@fixtures/digits-mlp/model.pt' -F 'file=@fixtures/digits-mlp/features.pt' \
  "$MARKET_URL/api/v1/learnwares/gpu/digits/versions"
curl -fsS -o /dev/null "${auth[@]}" -F data=@fixtures/data/digits-train.csv.gz "$MARKET_URL/api/v1/datasets/gpu/digits-train"

# await JOB_ID: waits for the job to end; prints its JSON.
await() {
  for _ in $(seq 1 3600); do
    body=$(curl -fsS "${auth[@]}" "$MARKET_URL/api/v1/jobs/$1")
    case $(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])') in
      SUCCEEDED | FAILED | CANCELLED) echo "$body"; return 0 ;;
    esac
    sleep 0.5
  done
  echo "job $1 did not end; worker log: $BENCH_DIR/worker.log" >&2
  return 1
}
# run NAME JSON: requests the job (params.device set), awaits it, records NAME and the job.
run() {
  local id
  id=$(curl -fsS "${auth[@]}" "${json[@]}" -d "$2" "$MARKET_URL/api/v1/jobs" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  echo "$1 $(await "$id" | tr -d '\n')" >>"$results"
}

validation=$(curl -fsS "${auth[@]}" "$MARKET_URL/api/v1/jobs" \
  | python3 -c 'import json,sys; print([j["id"] for j in json.load(sys.stdin) if j["type"] == "validate"][0])')
echo "validate $(await "$validation" | tr -d '\n')" >>"$results"
run distill "{\"type\": \"distill\", \"source\": \"gpu/digits@latest\", \"dataset\": \"gpu/digits-train\",
  \"params\": {\"device\": \"$device\", \"student\": {\"type\": \"mlp\", \"hidden\": [32]}, \"epochs\": 30, \"seed\": 1}}"
run transfer "{\"type\": \"transfer\", \"source\": \"gpu/digits@latest\", \"dataset\": \"gpu/digits-train\",
  \"params\": {\"device\": \"$device\", \"head\": {\"hidden\": 0}, \"freezeBackbone\": false, \"seed\": 1}}"
run robustness "{\"type\": \"robustness\", \"source\": \"gpu/digits@latest\",
  \"params\": {\"device\": \"$device\", \"benchmark\": \"digits-test\", \"epsilons\": [0.05, 0.1], \"noise\": []}}"
bench_stop_worker

echo
echo "Jobs on the $device worker (digits MLP; the CPU build's figures for the same jobs: robustness clean 0.9167,"
echo "FGSM ε 0.1 0.4333; docs/robustness.md):"
echo
echo "| job | state | ran on | report device | figures |"
echo "| --- | --- | --- | --- | --- |"
python3 - "$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    name, body = line.split(" ", 1)
    job = json.loads(body)
    report = json.loads(json.dumps((job.get("result") or {}).get("report") or {}))
    figures = {
        "validate": lambda r: f"usable {r.get('usable')}, {r.get('parameters')} parameters",
        "distill": lambda r: f"student accuracy {r.get('studentAccuracy', r.get('accuracy'))}, fidelity {r.get('fidelity')}",
        "transfer": lambda r: f"accuracy {r.get('accuracy')} vs baseline {r.get('baselineAccuracy')}",
        "robustness": lambda r: f"clean {r.get('clean', {}).get('accuracy')}, FGSM {[(p.get('epsilon'), p.get('accuracy')) for p in r.get('fgsm', [])]}, PGD {[(p.get('epsilon'), p.get('accuracy')) for p in r.get('pgd', [])]}",
    }[name]
    print(f"| {name} | {job['state']} | {job.get('workerDevice')} | {report.get('device')} | {figures(report) if report else job.get('error')} |")
PY

echo
echo "Throughput on $device (DJL) beside PyTorch eager on $torch_device (samples/s, median of 5 after a cold run):"
for bench in DistillThroughput PgdThroughput; do
  bin/mvn -B -q -o -pl worker -am test "${profile[@]}" -Dtest="$bench" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dspotless.check.skip=true -Dexec.skip=true -Dbench.device="$device" 2>&1 | grep -E '^djl' || true
done
if /usr/bin/python3 -c "import torch, sys; sys.exit(0 if '$torch_device' == 'cpu' or torch.cuda.is_available() else 1)" 2>/dev/null; then
  /usr/bin/python3 bench/distill_throughput.py --device "$torch_device" | grep -E '^pytorch' || true
  /usr/bin/python3 bench/pgd_throughput.py --device "$torch_device" | grep -E '^pytorch' || true
else
  echo "(no PyTorch with $torch_device in /usr/bin/python3: no reference numbers)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
