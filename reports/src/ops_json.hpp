#pragma once
// report.json's "operations" section (REPORT_FORMAT.md): raw records and derived scores.
// Private to reports.
#include "iomtsim/reports/ops_report.hpp"
#include "json_convert.hpp"

namespace iomtsim::reports::json_convert {

Json ops_report(const OpsReport& ops);
// Raw data only; the caller rescores. Throws nlohmann/Histogram errors on bad input.
OpsReport ops_report(const Json& j);

}  // namespace iomtsim::reports::json_convert
