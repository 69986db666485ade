#pragma once
// Private: report.html's "Target answers" section and the JUnit failure note
// (render_outcome_codes.cpp); both "" when the report has no outcome codes.
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {
std::string outcome_codes_section(const Report& r);
// The first distinct reasons the target gave, one per line ("fhir_r4 401 (auth) x12: bearer
// token expired"), for failure texts.
std::string outcome_codes_note(const Report& r);
}  // namespace iomtsim::reports
