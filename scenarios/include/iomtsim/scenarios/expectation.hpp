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
// Metric names follow the grammar the reports module evaluates (reports/thresholds.hpp);
// a test checks that both accept the same names:
//   ingest_latency|ingest_latency_raw|alert_latency . p50|p90|p99|p999|max|mean|min|count
//   ingest_latency . protocol|profile . NAME . (latency stat)
//   delivery . generated | OUTCOME | OUTCOME_fraction | lost_fraction
//       (OUTCOME: acknowledged rejected lost_network dropped_buffer timed_out failed in_flight)
//   throughput . readings_per_s | generated_per_s
//   alerts . STAT,  alerts . CONDITION . STAT,  alerts . rule . RULE . STAT
//       (STAT: sensitivity ppv f1 (fractions), challenge2015_score (0..100),
//        false_per_patient_day per_100_patient_days
//        burden_per_bed_per_day (rates), median_lead_time lead_time_q1 lead_time_q3
//        median_criteria_lead_time (signed durations: alert minus onset / minus the time
//        criteria were met, negative = early), count true_count false_count
//        artifact_count episodes detected (counts))
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::scenarios {

struct MetricInfo {
  std::string_view name;
  QuantityKind kind;  // TimeSpan, Fraction or Number
  std::string_view description;
  bool signed_value = false;  // lead times may be negative
};

// The metrics with fixed names (for suggestions, `explain` and the JSON Schema); the
// per-condition, per-rule and per-protocol/profile families are in metric_info().
std::span<const MetricInfo> known_metrics();

// What a metric name means, fixed or from a family; nullopt when unknown. The returned
// name views the argument for family members.
std::optional<MetricInfo> metric_info(std::string_view name);

// Regular expressions (ECMAScript) matching every valid metric name, for the schema.
std::string metric_name_pattern();

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
