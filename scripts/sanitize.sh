#!/usr/bin/env bash
# The sanitizer build: clang++ with AddressSanitizer and UndefinedBehaviorSanitizer (and
# libFuzzer coverage) in ./build-asan, next to the ordinary ./build. Run by hand for now:
# .ci/run leaves it out until the tree compiles with Debian 12's clang 14 (see .ci/run).
#
#   bash scripts/sanitize.sh                  build, then run under the sanitizers: every
#                                             unit test, the reference target's and the
#                                             payloads' integration tests (the code a peer
#                                             reaches), and each fuzzer for 5 s (`fuzz`)
#   bash scripts/sanitize.sh --only-fuzz-long build the fuzzers, run each for 2 min
#
# Not every suite runs here, to keep CI well inside its time: the simulated-time engine
# and the load generator's end-to-end runs are long under ASan and reach no input from a
# peer that the suites below do not. IOMTSIM_SANITIZE_SKIP=1 skips the whole step (a
# machine without the time); JOBS (2) sets the build's parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${IOMTSIM_SANITIZE_SKIP:-0}" = 1 ]; then
  echo "sanitize: skipped (IOMTSIM_SANITIZE_SKIP=1)"
  exit 0
fi
JOBS="${JOBS:-2}"
CXX_BIN="${IOMTSIM_SANITIZE_CXX:-clang++}"
mode="${1:-all}"

cmake -S . -B build-asan -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX_BIN" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DIOMTSIM_SANITIZE=ON -DIOMTSIM_FUZZ=ON -DIOMTSIM_BUILD_BENCH=OFF >/dev/null

fuzzers=(fhir_fuzzer hl7_mllp_fuzzer proto_fuzzer mqtt_codec_fuzzer alert_intake_fuzzer
         target_ingest_fuzzer iomtsim_fuzz_seeds)
suites=(physiology_tests physiology_ops_tests scenarios_tests payloads_tests
        payloads_fhir_differential_tests payloads_ops_tests payloads_waveform_tests reports_tests
        rules_tests reference_target_unit_tests reference_target_tests sim_network_tests
        sim_fleet_tests sim_generate_ops_tests loadgen_tests cli_tests)

# Findings stop the test that made them. Suppressions only for third-party code, each
# with its reason in the file.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"

if [ "$mode" = "--only-fuzz-long" ]; then
  cmake --build build-asan -j"$JOBS" --target "${fuzzers[@]}"
  cd build-asan
  exec ctest -L slow -R '_fuzzer_long$' --output-on-failure --timeout 900
fi

cmake --build build-asan -j"$JOBS" --target "${fuzzers[@]}" "${suites[@]}" iomtsim
cd build-asan
# Suites not built above leave a *_NOT_BUILT placeholder in ctest: not ours to run here.
ctest -LE slow -E '_NOT_BUILT$' --output-on-failure -j"$JOBS" --timeout 600
