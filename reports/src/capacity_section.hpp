#pragma once
// Private: report.html's "Capacity (simulated)" section (render_capacity.cpp): what the
// modelled stages and links carried, the bottleneck, and the capacity model's figures with
// where each came from. "" when the report has no capacity section (real runs).
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {
std::string capacity_section(const Report& r);
}  // namespace iomtsim::reports
