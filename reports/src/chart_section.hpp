#pragma once
// Private: report.json's "chart" (chart_json.cpp), report.html's "Time to chart" section and
// the JUnit properties (render_chart.cpp). The section is absent (JSON: no key; HTML: "")
// when the run read nothing back.
#include <string>

#include "iomtsim/reports/report.hpp"
#include "json_convert.hpp"

namespace iomtsim::reports {
json_convert::Json chart_json(const ChartReport& c);
ChartReport chart_from_json(const json_convert::Json& j);  // throws nlohmann::json errors
std::string chart_section(const Report& r);
// <property .../> lines for the JUnit testsuite ("" without a chart section).
std::string chart_junit_properties(const Report& r);
}  // namespace iomtsim::reports
