#!/usr/bin/env bash
# Configures and builds iomtsim in Release under ./build (two parallel jobs: the machines
# this runs on have two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$JOBS"
