#!/usr/bin/env bash
# Configures and builds iomtsim in Release under ./build (two parallel jobs: the machines
# this runs on have two cores). Arguments are the targets to build (all when none): the
# quick start builds only `iomtsim`, not the test and bench targets.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j"$JOBS" "${targets[@]}"
