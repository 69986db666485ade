#!/usr/bin/env bash
# The README's second command: install what is missing, build, run the default test
# suite (everything but the `slow` label). .ci/run calls exactly this. The test-only
# third-party server (Medplum, from npm) comes from scripts/install-test-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-test-deps.sh
bash scripts/build.sh
cd build
ctest -LE slow --output-on-failure -j2 --timeout 600
