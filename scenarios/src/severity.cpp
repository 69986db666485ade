// The severity words per condition. Ranges are of the model's 0..1 severity
// (physiology/src/condition_dynamics.cpp): for the opioid, the depth of the respiratory
// drive's depression (0.85 x severity); for hypoglycaemia, the glucose the drive pulls
// toward (68 - 40 x severity mg/dL); for hemorrhage, the blood volume lost (0.5 x
// severity). Each range keeps clear of its neighbours' criteria so that a patient whose
// baseline sits at an edge of the archetype's spread still lands in its own class.
#include "iomtsim/scenarios/severity.hpp"

namespace iomtsim::scenarios {
namespace {

using physiology::ConditionKind;
constexpr std::size_t kKinds = physiology::kConditionCount;

// [condition][word]
constexpr SeverityLevel kLevels[kKinds][kSeverityWordCount] = {
    // Sepsis: the model follows labelled ICU sepsis, which moves the vitals less than the
    // textbook (docs/clinical.md, "Sepsis"); only the severe class reliably meets the
    // episode criteria (qSOFA >= 2) within a day.
    {{0.2, 0.35, "SIRS signs at most (HR > 90 /min, temperature > 38 °C); qSOFA stays below 2"},
     {0.45, 0.65, "SIRS signs, RR and HR rising; qSOFA >= 2 in few patients within a day"},
     {0.75, 0.95, "qSOFA >= 2 (RR >= 22 /min, SBP <= 100 mmHg) in most patients within hours"}},
    // Hemorrhage: ATLS classes of blood volume lost.
    {{0.1, 0.26, "ATLS class I: under 15 % of blood volume lost, vitals near normal"},
     {0.34, 0.56, "ATLS class II: 15-30 % lost, HR 100-120 /min, SBP maintained"},
     {0.66, 0.9, "ATLS class III-IV: over 30 % lost, HR > 120 /min, SBP falling"}},
    // Opioid-induced respiratory depression.
    // The model depresses the drive in proportion to the patient's own rate, so the
    // moderate class is stated for a typical baseline of 16 /min (a patient breathing 12 /min
    // at rest may reach 8); mild and severe hold whatever the baseline.
    {{0.05, 0.12, "RR falls a few breaths and stays above 8 /min"},
     {0.35, 0.45,
      "RR 9-11 /min at its lowest at a typical baseline of 16 /min (NEWS2 scores it), SpO2 "
      "a few points down"},
     {0.8, 1.0, "RR <= 8 /min and SpO2 < 90 % on air"}},
    // Heart-failure decompensation: fluid gained.
    {{0.2, 0.4, "about 1 kg of fluid gained, RR and HR barely up"},
     {0.5, 0.7, "about 2-3 kg gained, RR and HR up, SpO2 drifting down"},
     {0.8, 1.0, "3 kg or more gained, RR > 20 /min, SpO2 below 94 %"}},
    // COPD exacerbation.
    {{0.2, 0.4, "RR and HR up a little, SpO2 a few points lower at night"},
     {0.5, 0.7, "RR > 20 /min, HR up about 15 /min, SpO2 down about 4 points"},
     {0.8, 1.0, "RR > 24 /min, SpO2 below 88 % on air"}},
    // Hypoglycaemia: ADA levels (level 1 < 3.9 mmol/L (70 mg/dL); level 2 < 3.0 mmol/L
    // (54 mg/dL)). Level 1 is split at 3.5 mmol/L (63 mg/dL).
    // Glucose falls toward the nadir with a 30 min time constant (12 min when sudden), so
    // the words also give the drive 2.5-3.5 h when the file sets no duration.
    {{0.0, 0.08, "level 1, shallow: nadir 3.5-3.9 mmol/L (63-70 mg/dL), not below 3.0", 9000.0,
      12600.0},
     {0.2, 0.3, "level 1: nadir 3.1-3.4 mmol/L (56-60 mg/dL), not below 3.0", 9000.0, 12600.0},
     {0.65, 1.0, "level 2: below 3.0 mmol/L (54 mg/dL)", 9000.0, 12600.0}},
    // Atrial fibrillation: ventricular rate.
    {{0.1, 0.25, "rate-controlled AF: ventricular rate about 100-110 /min"},
     {0.35, 0.55, "rapid AF: ventricular rate about 115-130 /min"},
     {0.7, 0.95, "fast AF: ventricular rate above 135 /min"}},
};

}  // namespace

const SeverityLevel& severity_level(ConditionKind kind, SeverityWord word) {
  return kLevels[static_cast<std::size_t>(kind)][static_cast<std::size_t>(word)];
}

std::optional<SeverityWord> severity_word_of(ConditionKind kind,
                                             const physiology::Distribution& d) {
  if (d.kind != physiology::Distribution::Kind::Uniform) return std::nullopt;
  for (std::size_t w = 0; w < kSeverityWordCount; ++w) {
    const auto word = static_cast<SeverityWord>(w);
    const SeverityLevel& l = severity_level(kind, word);
    if (d.a == l.lo && d.b == l.hi) return word;
  }
  return std::nullopt;
}

}  // namespace iomtsim::scenarios
