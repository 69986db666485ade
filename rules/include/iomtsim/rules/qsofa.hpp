#pragma once
// qSOFA (Seymour 2016): one point each for systolic BP <= 100 mmHg, respiratory rate
// >= 22 /min, altered mentation (ACVPU other than alert). Positive at >= 2 points.
// Like NEWS2, RR and SBP are rounded half away from zero to whole numbers first.
// Sources and the rounding convention: docs/clinical.md, "qSOFA".
#include <optional>

namespace iomtsim::rules {

struct QsofaInputs {
  std::optional<double> systolic_mmhg;
  std::optional<double> resp_rate_per_min;
  std::optional<double> consciousness_acvpu;  // 0 alert … 4 unresponsive
};

struct QsofaResult {
  int points = 0;              // 0..3
  int parameters_present = 0;  // 0..3
  bool positive = false;       // points >= 2
  bool operator==(const QsofaResult&) const = default;
};

QsofaResult qsofa(const QsofaInputs& in);

}  // namespace iomtsim::rules
