#pragma once
// The patient timeline section of report.html (render_timeline.cpp).
#include <optional>
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

std::string timeline_section(const Report& r, std::optional<physiology::PatientIndex> patient);

}  // namespace iomtsim::reports
