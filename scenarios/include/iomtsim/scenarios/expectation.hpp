#pragma once
// Pass/fail thresholds as written in a scenario's `expectations:` list:
//
//   ingest_latency.p99 < 2s
//   alerts.sensitivity >= 0.9        (or ">= 90 %")
//   alerts.false_per_patient_day <= 2
//
// `metric op value [unit]`, op one of < <= > >= ==. The metric decides the unit the
// value must carry: latencies a duration, fractions a bare number or %, counts and rates
// a bare number. The parsed value is in the metric's canonical unit (seconds, 0..1, …).
//
// Metric names and their units are the catalogue's (metrics.hpp), which reports evaluate.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "iomtsim/scenarios/metrics.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::scenarios {

struct ExpectationError {
  std::string message;
  std::size_t offset = 0;  // character in the text where the problem is
};

// Parses one expectation; `where` is copied into the result.
std::variant<Expectation, ExpectationError> parse_expectation(std::string_view text,
                                                              const SourceLocation& where = {});

// `--expect` texts from a command line ("ingest_latency.p99 < 2s"), parsed once for every
// command that takes them. Throws std::invalid_argument naming the first bad text:
// "--expect 'TEXT': what was expected".
std::vector<Expectation> parse_expect_options(const std::vector<std::string>& texts);

// True when `measured op threshold` holds (== within 1e-9 relative: see expectation.cpp).
bool holds(CompareOp op, double measured, double threshold);

}  // namespace iomtsim::scenarios
