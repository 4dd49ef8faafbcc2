#!/usr/bin/env bash
# The transfer example on Fashion-MNIST (docs/transfer.md): the committed CNN, trained on classes 0-4,
# reused for classes 5-9 from a few labelled images per class.
#  0. the solved linear head (frozen backbone) against scikit-learn: for each task of
#     fixtures/fashion-cnn/transfer-reference.json (fixtures/make_transfer_reference.py), the job's test
#     accuracy, penalty and cross-validated accuracy, transfer and raw-input baseline, against
#     LogisticRegressionCV's on the same rows (worker, TransferReferenceTest; it fails beyond one point);
#  1. accuracy on all other test images of those classes: transferred model vs the same head on raw
#     pixels, three settings, a few seeds (worker, FashionTransferAccuracy);
#  2. the transfer job end to end with a real worker against the API (queued -> claimed -> done),
#     frozen and fine-tuned (it, TransferJobBenchmark, against the packaged market).
# Prints Markdown tables.
#
#   bench/transfer.sh [PER_CLASS_LIST] [SEEDS] [JOB_RUNS]
#   bench/transfer.sh 40,200 3 3      # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -o -pl worker -am test -Dtest=TransferReferenceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true 2>&1 | grep -E '^\||ERROR|FAIL'
echo
bin/mvn -B -q -o -pl worker -am test -Dtest=FashionTransferAccuracy -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true -Dbench.perClass="${1:-40,200}" -Dbench.seeds="${2:-3}" 2>&1 | grep -E '^\||ERROR|FAIL'
echo
bin/mvn -B -q -o -pl it -am verify -Dit.test=TransferJobBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Dbench.runs="${3:-3}" 2>&1 \
  | grep -E '^\||ERROR|FAIL'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
