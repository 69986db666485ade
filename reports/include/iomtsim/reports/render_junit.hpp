#pragma once
// JUnit XML for CI: one <testsuite name="iomtsim"> with one <testcase> per threshold
// (classname "iomtsim.thresholds", name = the threshold text); a failed threshold carries
// <failure message="measured vs expected">. A delivery-accounting check (buckets sum to
// generated) is always added as a testcase too, because a broken count invalidates the
// other figures.
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

std::string render_junit(const Report& report);

}  // namespace iomtsim::reports
