#pragma once
// When a run's scores mean nothing: its readings mostly never reached the target. Alert
// accuracy and the sepsis utility then measure the load generator's overload (a replay
// at ×36,000 whose readings time out unsent scores "utility 0" as if the target had
// watched every patient and said nothing), so they must not be printed as if valid.
//
// A pure function over the report, for the one verdict (pass, fail, invalid, interrupted)
// to use: the reason, or nothing when the run is valid.
//
//   if (auto why = delivery_invalid_reason(report)) std::cerr << "INVALID: " << *why;
#include <optional>
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

// Below this fraction of generated readings answered by the target (acknowledged or
// rejected: it saw them), a run is invalid.
inline constexpr double kMinReachedFraction = 0.5;

// Why the run is invalid (no reading generated; fewer than kMinReachedFraction of them
// reached the target, with the buckets that held the rest), or nullopt.
std::optional<std::string> delivery_invalid_reason(const Report& report);

}  // namespace iomtsim::reports
