#pragma once
// Ground truth: what really happened to a patient. Scoring is against this, never
// against what a target said.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology {

enum class ConditionKind : std::uint8_t {
  Sepsis,
  Hemorrhage,
  OpioidRespiratoryDepression,
  HeartFailureDecompensation,
  CopdExacerbation,
  Hypoglycemia,
  AtrialFibrillation,
};
inline constexpr std::size_t kConditionCount = 7;

// Scenario-file names.
constexpr std::string_view name(ConditionKind c) {
  constexpr std::string_view names[] = {"sepsis",
                                        "hemorrhage",
                                        "opioid_respiratory_depression",
                                        "heart_failure_decompensation",
                                        "copd_exacerbation",
                                        "hypoglycemia",
                                        "atrial_fibrillation"};
  return names[static_cast<std::size_t>(c)];
}
constexpr std::optional<ConditionKind> condition_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kConditionCount; ++i) {
    auto c = static_cast<ConditionKind>(i);
    if (name(c) == s) return c;
  }
  return std::nullopt;
}

// One ground-truth episode. `onset` is the condition's onset (for heart failure the
// decompensation, for COPD the exacerbation); `prodrome_start`, for conditions whose
// physiology changes before the onset (heart-failure fluid gain over weeks, COPD's rise in
// RR and HR over days), is when that change began, possibly before the scenario started
// (negative times). `end` is when the condition stopped being clinically present
// (recovery, or the end of the scenario if it never resolved). `criteria_met` is when the
// true (noise-free) vitals first met the standard criteria for the condition (NEWS2 >= 5,
// qSOFA >= 2, glucose < 54 mg/dL for 15 min, …), if they ever did.
//
// The condition has a physiological signal from signal_start() on: an alert before it
// cannot have seen the condition (reports/matching.hpp counts it false).
struct Episode {
  std::uint32_t id = 0;  // index within the patient's episodes
  PatientIndex patient = 0;
  ConditionKind condition = ConditionKind::Sepsis;
  double severity = 0.5;  // 0 (mild) … 1 (most severe)
  SimTime onset{};
  SimTime end{};
  std::optional<SimTime> criteria_met;
  std::optional<SimTime> prodrome_start;  // before onset, when the condition has a prodrome
  SimTime signal_start() const { return prodrome_start ? std::min(*prodrome_start, onset) : onset; }
  bool operator==(const Episode&) const = default;
};

}  // namespace iomtsim::physiology
