#!/usr/bin/env bash
# Regression end to end (issue 14) against the references fixtures/make_regression_fixtures.py,
# make_regression_attack_reference.py and make_regression_split_fixtures.py computed with scikit-learn
# and PyTorch: the diabetes teacher distilled (mlp and gbdt students, with data and data-free), its
# ridge transfer head, its robustness under FGSM/PGD, the two one-sex regressors reused and published,
# and the published mean distilled and attacked. Runs the worker tests that check those numbers and
# prints the lines they measure, one per figure.
#
#   bench/regression.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/common.sh
lw_select_jdk
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/Model name: *//p' | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bin/mvn -B -q -o -pl worker -am test-compile -Dspotless.check.skip=true
bin/mvn -B -o -pl worker -am test -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='RegressionDistillationTest,RegressionTransferTest,RegressionAttacksTest,ReuseRegressionTest,EnsembleJobsTest' \
  2>&1 | grep -E '^(diabetes|distil the diabetes|robustness of the diabetes|evaluate:|mlp|gbdt|torchscript|onnx|data-free|\[INFO\] Tests run:.*Fail)' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
