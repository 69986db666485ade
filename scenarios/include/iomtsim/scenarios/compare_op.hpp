#pragma once
// The one comparison enum of the project: scenario expectations and report thresholds
// (`ingest_latency.p99 < 2s`) and the reference target's alert rules (`spo2 < 88`) both
// say "less than" with it, so a report, a rule file and a message all spell it the same.
//
//   compare(91.0, CompareOp::Less, 92.0)  // exact, for rules on readings
//   holds(CompareOp::Equal, a, b)         // expectation.hpp: == within rounding
#include <cstdint>
#include <string_view>

namespace iomtsim::scenarios {

enum class CompareOp : std::uint8_t { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

// "<", "<=", ">", ">=", "==", "!="
std::string_view op_text(CompareOp op);

// Exact comparison `lhs op rhs`.
constexpr bool compare(double lhs, CompareOp op, double rhs) {
  switch (op) {
    case CompareOp::Less:
      return lhs < rhs;
    case CompareOp::LessEqual:
      return lhs <= rhs;
    case CompareOp::Greater:
      return lhs > rhs;
    case CompareOp::GreaterEqual:
      return lhs >= rhs;
    case CompareOp::Equal:
      return lhs == rhs;
    case CompareOp::NotEqual:
      return lhs != rhs;
  }
  return false;
}

}  // namespace iomtsim::scenarios
