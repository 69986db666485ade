#include "iomtsim/scenarios/expectation.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace iomtsim::scenarios {
namespace {

using Q = QuantityKind;

bool space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view op_text(CompareOp op) {
  switch (op) {
    case CompareOp::Less: return "<";
    case CompareOp::LessEqual: return "<=";
    case CompareOp::Greater: return ">";
    case CompareOp::GreaterEqual: return ">=";
    case CompareOp::Equal: return "==";
    case CompareOp::NotEqual: return "!=";
  }
  return "?";
}

bool holds(CompareOp op, double measured, double threshold) {
  switch (op) {
    case CompareOp::Less: return measured < threshold;
    case CompareOp::LessEqual: return measured <= threshold;
    case CompareOp::Greater: return measured > threshold;
    case CompareOp::GreaterEqual: return measured >= threshold;
    // Equal within rounding: a figure computed in another unit (ns to s) is equal.
    case CompareOp::Equal:
      return std::abs(measured - threshold) <= 1e-9 * std::max(1.0, std::abs(threshold));
    case CompareOp::NotEqual: return !holds(CompareOp::Equal, measured, threshold);
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
  const std::optional<Metric> info = resolve_metric(metric);
  if (!info) {
    // Nearest by shared prefix, then by length: a cheap suggestion that needs no tables.
    std::string_view best;
    std::size_t best_score = 0;
    for (const auto& m : known_metrics()) {
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
  else if (rest.starts_with("!=")) { op = CompareOp::NotEqual; i += 2; }
  else if (rest.starts_with("<")) { op = CompareOp::Less; i += 1; }
  else if (rest.starts_with(">")) { op = CompareOp::Greater; i += 1; }
  else {
    return ExpectationError{"expected a comparison (<, <=, >, >=, ==, !=) after '" +
                                std::string(metric) + "'",
                            op_start};
  }
  while (i < text.size() && space(text[i])) ++i;
  // Lead times are signed (negative = before onset); parse_quantity takes magnitudes.
  const bool negative = info->signed_value && i < text.size() && text[i] == '-';
  if (negative) ++i;
  const std::size_t value_start = i;
  const QuantityResult q = parse_quantity(text.substr(i), info->kind);
  if (!q.value && info->kind == Q::Number && text.substr(i).find('%') != std::string_view::npos &&
      resolve_metric(std::string(metric) + "_fraction")) {
    // The usual slip: a bucket count compared with a percentage.
    return ExpectationError{std::string(metric) + " is a count; for a fraction use '" +
                                std::string(metric) + "_fraction'",
                            value_start};
  }
  if (!q.value) {
    return ExpectationError{std::string(metric) + ": " + q.error, value_start + q.error_offset};
  }
  if (info->kind == Q::Fraction && (*q.value < 0 || *q.value > 1)) {
    return ExpectationError{std::string(metric) + " threshold " + format_quantity(*q.value, info->kind) +
                                " is out of range: expected 0 to 1",
                            value_start};
  }
  const double value = negative ? -*q.value : *q.value;
  if (value < 0 && !info->signed_value) {
    return ExpectationError{std::string(metric) + " threshold must not be negative", value_start};
  }
  Expectation e;
  e.text = std::string(text);
  e.metric = std::string(metric);
  e.op = op;
  e.value = value;
  e.where = where;
  return e;
}

std::vector<Expectation> parse_expect_options(const std::vector<std::string>& texts) {
  std::vector<Expectation> out;
  for (const auto& text : texts) {
    auto r = parse_expectation(text, SourceLocation{"<command line>", 0, 0});
    if (const auto* err = std::get_if<ExpectationError>(&r))
      throw std::invalid_argument("--expect '" + text + "': " + err->message);
    out.push_back(std::get<Expectation>(std::move(r)));
  }
  return out;
}

}  // namespace iomtsim::scenarios
