#pragma once
// JUnit XML for CI: one <testsuite> (named after the scenario) with one <testcase> per
// threshold (classname "iomtsim.thresholds", name = the threshold text); a failed threshold
// carries <failure type="threshold" message="measured vs expected">. A delivery-accounting
// check (every reading, waveform block and operations message in one bucket:
// delivery_balanced) is always a testcase too, failing with type "invalid", because a
// broken count invalidates the other figures; an interrupted run adds a testcase "run
// reached its end" with <error type="interrupted"> naming the signal and scenario time.
// The suite's properties "verdict" and "exit_code" are decide()'s (verdict.hpp).
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

std::string render_junit(const Report& report);

}  // namespace iomtsim::reports
