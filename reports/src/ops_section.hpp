#pragma once
// Private: report.html's operations section (render_ops.cpp); "" when the report has none.
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {
std::string ops_section(const Report& r);
}  // namespace iomtsim::reports
