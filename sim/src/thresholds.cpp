#include "iomtsim/sim/thresholds.hpp"

#include <stdexcept>
#include <variant>

#include "iomtsim/scenarios/expectation.hpp"

namespace iomtsim::sim {

reports::CompareOp to_report_op(scenarios::CompareOp op) {
  // Spelled out rather than cast: the two enums belong to modules that must not know
  // each other's order.
  switch (op) {
    case scenarios::CompareOp::Less: return reports::CompareOp::Less;
    case scenarios::CompareOp::LessEqual: return reports::CompareOp::LessEqual;
    case scenarios::CompareOp::Greater: return reports::CompareOp::Greater;
    case scenarios::CompareOp::GreaterEqual: return reports::CompareOp::GreaterEqual;
    case scenarios::CompareOp::Equal: return reports::CompareOp::Equal;
  }
  throw std::logic_error("unhandled scenarios::CompareOp");
}

std::vector<reports::Threshold> to_thresholds(const std::vector<scenarios::Expectation>& e) {
  std::vector<reports::Threshold> out;
  out.reserve(e.size());
  for (const auto& x : e) out.push_back({x.text, x.metric, to_report_op(x.op), x.value});
  return out;
}

std::vector<reports::Threshold> parse_thresholds(const std::vector<std::string>& texts) {
  std::vector<scenarios::Expectation> parsed;
  for (const auto& text : texts) {
    auto r = scenarios::parse_expectation(text, scenarios::SourceLocation{"<command line>", 0, 0});
    if (const auto* err = std::get_if<scenarios::ExpectationError>(&r)) {
      throw std::invalid_argument("--expect '" + text + "': " + err->message);
    }
    parsed.push_back(std::get<scenarios::Expectation>(std::move(r)));
  }
  return to_thresholds(parsed);
}

}  // namespace iomtsim::sim
