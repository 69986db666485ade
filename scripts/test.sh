#!/usr/bin/env bash
# The README's second command: install what is missing, build, run the default test
# suite (everything but the `slow` label). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest -LE slow --output-on-failure -j2 --timeout 600
