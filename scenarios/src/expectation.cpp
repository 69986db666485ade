#include "iomtsim/scenarios/expectation.hpp"

#include <array>
#include <vector>

namespace iomtsim::scenarios {
namespace {

using Q = QuantityKind;

constexpr std::array<MetricInfo, 22> kMetrics = {{
    {"ingest_latency.p50", Q::TimeSpan, "median time from intended send to acknowledgement"},
    {"ingest_latency.p90", Q::TimeSpan, "90th percentile ingest latency"},
    {"ingest_latency.p95", Q::TimeSpan, "95th percentile ingest latency"},
    {"ingest_latency.p99", Q::TimeSpan, "99th percentile ingest latency"},
    {"ingest_latency.p999", Q::TimeSpan, "99.9th percentile ingest latency"},
    {"ingest_latency.max", Q::TimeSpan, "largest ingest latency"},
    {"ingest_latency.mean", Q::TimeSpan, "mean ingest latency"},
    {"delivery.acknowledged", Q::Fraction, "fraction of generated readings acknowledged"},
    {"delivery.rejected", Q::Fraction, "fraction rejected by the target"},
    {"delivery.network_lost", Q::Fraction, "fraction dropped by emulated network loss"},
    {"delivery.buffer_dropped", Q::Fraction, "fraction dropped from a full device buffer"},
    {"delivery.timed_out", Q::Fraction, "fraction that timed out"},
    {"alerts.sensitivity", Q::Fraction, "fraction of episodes with a timely alert"},
    {"alerts.ppv", Q::Fraction, "fraction of alerts that matched an episode"},
    {"alerts.false_per_patient_day", Q::Number, "unmatched alerts per patient-day"},
    {"alerts.per_100_patient_days", Q::Number, "all alerts per 100 patient-days"},
    {"alerts.lead_time.median", Q::TimeSpan, "median time from criteria met to alert"},
    {"alerts.latency.p95", Q::TimeSpan, "95th percentile time from criteria met to alert"},
    {"alerts.utility", Q::Number, "PhysioNet 2019 normalised utility (sepsis)"},
    {"throughput.readings_per_s", Q::Number, "acknowledged readings per second"},
    {"errors.count", Q::Number, "transport and protocol errors"},
    {"target.rejections", Q::Number, "readings the target rejected"},
}};

bool space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::span<const MetricInfo> known_metrics() { return kMetrics; }

std::string_view op_text(CompareOp op) {
  switch (op) {
    case CompareOp::Less: return "<";
    case CompareOp::LessEqual: return "<=";
    case CompareOp::Greater: return ">";
    case CompareOp::GreaterEqual: return ">=";
    case CompareOp::Equal: return "==";
  }
  return "?";
}

bool holds(CompareOp op, double measured, double threshold) {
  switch (op) {
    case CompareOp::Less: return measured < threshold;
    case CompareOp::LessEqual: return measured <= threshold;
    case CompareOp::Greater: return measured > threshold;
    case CompareOp::GreaterEqual: return measured >= threshold;
    case CompareOp::Equal: return measured == threshold;
  }
  return false;
}

std::variant<Expectation, ExpectationError> parse_expectation(std::string_view text,
                                                              const SourceLocation& where) {
  std::size_t i = 0;
  while (i < text.size() && space(text[i])) ++i;
  const std::size_t metric_start = i;
  while (i < text.size() && !space(text[i]) && text[i] != '<' && text[i] != '>' &&
         text[i] != '=' && text[i] != '!')
    ++i;
  const std::string_view metric = text.substr(metric_start, i - metric_start);
  if (metric.empty()) {
    return ExpectationError{"expected 'metric op value', e.g. 'ingest_latency.p99 < 2s'",
                            metric_start};
  }
  const MetricInfo* info = nullptr;
  for (const auto& m : kMetrics) {
    if (m.name == metric) info = &m;
  }
  if (info == nullptr) {
    // Nearest by shared prefix, then by length: a cheap suggestion that needs no tables.
    std::string_view best;
    std::size_t best_score = 0;
    for (const auto& m : kMetrics) {
      std::size_t p = 0;
      while (p < m.name.size() && p < metric.size() && m.name[p] == metric[p]) ++p;
      if (p > best_score) {
        best_score = p;
        best = m.name;
      }
    }
    std::string msg = "unknown metric '" + std::string(metric) + "'";
    if (best_score >= 4) msg += " (did you mean '" + std::string(best) + "'?)";
    return ExpectationError{msg, metric_start};
  }
  while (i < text.size() && space(text[i])) ++i;
  const std::size_t op_start = i;
  CompareOp op{};
  auto rest = text.substr(i);
  if (rest.starts_with("<=")) { op = CompareOp::LessEqual; i += 2; }
  else if (rest.starts_with(">=")) { op = CompareOp::GreaterEqual; i += 2; }
  else if (rest.starts_with("==")) { op = CompareOp::Equal; i += 2; }
  else if (rest.starts_with("<")) { op = CompareOp::Less; i += 1; }
  else if (rest.starts_with(">")) { op = CompareOp::Greater; i += 1; }
  else {
    return ExpectationError{"expected a comparison (<, <=, >, >=, ==) after '" +
                                std::string(metric) + "'",
                            op_start};
  }
  const std::size_t value_start = i;
  const QuantityResult q = parse_quantity(text.substr(i), info->kind);
  if (!q.value) {
    return ExpectationError{std::string(metric) + ": " + q.error, value_start + q.error_offset};
  }
  if (info->kind == Q::Fraction && (*q.value < 0 || *q.value > 1)) {
    return ExpectationError{std::string(metric) + " threshold " + format_quantity(*q.value, info->kind) +
                                " is out of range: expected 0 to 1",
                            value_start};
  }
  if (*q.value < 0) {
    return ExpectationError{std::string(metric) + " threshold must not be negative", value_start};
  }
  Expectation e;
  e.text = std::string(text);
  e.metric = std::string(metric);
  e.op = op;
  e.value = *q.value;
  e.where = where;
  return e;
}

}  // namespace iomtsim::scenarios
