#!/usr/bin/env bash
# Hinton et al. (2015) section 3 on the digits fixture: a student distilled without ever seeing a 3,
# tested on the 3s before and after raising its class-3 output bias. Prints Markdown tables; see
# docs/distillation.md.
#
#   bench/hinton-omitted-class.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin/mvn -B -q -pl worker -am test -Dtest=HintonOmittedClass -Dsurefire.failIfNoSpecifiedTests=false \
  "$@" 2>&1 | grep -E '^\||^\(|^Temperature|ERROR|FAIL'
