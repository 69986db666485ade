#pragma once
// A small private NEWS2 / qSOFA scorer for ground-truth criteria (docs/clinical.md, RCP 2017).
// The target's rules library has its own; physiology may not depend on it, and the two
// are meant to be independent: this one says what the true vitals were, the target's
// what it concluded from measured ones.
#include "iomtsim/physiology/patient_generator.hpp"

namespace iomtsim::physiology::detail {

// NEWS2 total (0..20). scale2: SpO2 scale 2 (hypercapnic patients, target 88–92 %).
int news2_score(const VitalSigns& v, bool scale2);
// qSOFA points (0..3): SBP <= 100, RR >= 22, altered mentation.
int qsofa_score(const VitalSigns& v);

}  // namespace iomtsim::physiology::detail
