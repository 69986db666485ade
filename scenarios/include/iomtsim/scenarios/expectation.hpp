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
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::scenarios {

struct MetricInfo {
  std::string_view name;
  QuantityKind kind;  // Duration, Fraction or Number
  std::string_view description;
};

// Every metric an expectation may name; the reports module computes these.
std::span<const MetricInfo> known_metrics();

struct ExpectationError {
  std::string message;
  std::size_t offset = 0;  // character in the text where the problem is
};

// Parses one expectation; `where` is copied into the result.
std::variant<Expectation, ExpectationError> parse_expectation(std::string_view text,
                                                              const SourceLocation& where = {});

std::string_view op_text(CompareOp op);
// True when `measured op threshold` holds.
bool holds(CompareOp op, double measured, double threshold);

}  // namespace iomtsim::scenarios
