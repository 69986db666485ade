#pragma once
// nlohmann::json conversions for report values; private to reports (public headers
// expose JSON as text only).
#include <nlohmann/json.hpp>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports::json_convert {

using Json = nlohmann::ordered_json;

Json histogram(const Histogram& h);
Histogram histogram(const Json& j);
// A summary for human readers: count, min/mean/p50/p90/p99/p99.9/max in seconds.
Json latency_summary(const Histogram& h);
Json delivery(const DeliveryCounts& d);
DeliveryCounts delivery(const Json& j);
Json accuracy_stats(const AccuracyStats& s);

}  // namespace iomtsim::reports::json_convert
