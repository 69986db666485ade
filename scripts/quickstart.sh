#!/usr/bin/env bash
# The README's first command: install what is missing, build in Release, and run the
# shipped post-operative sepsis-ward scenario against the embedded reference target,
# printing where its report went.
#
# The run's own exit code says whether the scenario's thresholds held (0) or not (1);
# either way the report is written, so this script succeeds when the run completed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh iomtsim  # only the command line tool: no tests, no benches

scenario=scenarios/library/postop_sepsis_ward.yaml
out="iomtsim-runs/quickstart-$(date +%Y%m%d-%H%M%S)"
echo
echo "== iomtsim run $scenario (12 h of ward time at x720, about a minute) =="
set +e
build/cli/iomtsim run "$scenario" --speed 720 --out "$out"
rc=$?
set -e
echo
case $rc in
  0) echo "quickstart: every threshold held. Report: $out/report.html" ;;
  1) echo "quickstart: the run completed; some thresholds failed (listed above)." \
          "Report: $out/report.html" ;;
  *) echo "quickstart: the run did not complete (exit $rc)"; exit "$rc" ;;
esac
