#pragma once
// Clinical severity words: `severity: mild | moderate | severe` on a condition. Each
// word is defined per condition by the criteria its episodes reach in the true vitals
// (docs/clinical.md, "Severity", with sources), and stands for a range of the model's
// 0..1 severity that was calibrated to reach them (tests/scenarios/severity_test.cpp
// checks seeded cohorts against the criteria). A number or distribution 0..1 is still
// accepted and means what it always did.
#include <cstddef>
#include <optional>
#include <string_view>

#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::scenarios {

enum class SeverityWord : unsigned char { Mild, Moderate, Severe };
inline constexpr std::size_t kSeverityWordCount = 3;
constexpr std::string_view name(SeverityWord w) {
  constexpr std::string_view names[] = {"mild", "moderate", "severe"};
  return names[static_cast<std::size_t>(w)];
}

struct SeverityLevel {
  double lo = 0.0;  // the model's severity is drawn uniformly from [lo, hi]
  double hi = 1.0;
  std::string_view criteria;  // what the episodes reach, in clinical words
  // When the file gives no `duration`: how long the episode's drive lasts, uniform in
  // [lo, hi] seconds; 0: the condition's default. (Hypoglycaemia's default of 15-60 min is
  // too short for glucose to fall from a diabetic's 150-300 mg/dL to a level 2 nadir.)
  double duration_lo_s = 0.0;
  double duration_hi_s = 0.0;
};
const SeverityLevel& severity_level(physiology::ConditionKind kind, SeverityWord word);

// The word whose range `d` is (a condition written with a word), if any.
std::optional<SeverityWord> severity_word_of(physiology::ConditionKind kind,
                                             const physiology::Distribution& d);

}  // namespace iomtsim::scenarios
