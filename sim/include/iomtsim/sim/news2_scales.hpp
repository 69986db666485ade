#pragma once
// The reference target's NEWS2 SpO2 scale per patient, from the scenario: the patients of
// a cohort with `spo2_target: 88-92 %` are scored on Scale 2 (RCP NEWS2, hypercapnic
// respiratory failure), everyone else as the rule set says. Both engines call this before
// they build their rules (the embedded target of a real-time run, the modelled target of
// a simulated one), so the two score the same patients the same way.
//
//   rules::RuleSet rules = rules::RuleSet::defaults();
//   sim::apply_spo2_targets(scenario, rules);
#include "iomtsim/rules/rule.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

// The patient-index ranges [first, end) to score on Scale 2, one per such cohort.
std::vector<rules::News2RuleConfig::PatientRange> spo2_scale2_patients(
    const scenarios::Scenario& scenario);

// Adds them to `rules.news2.scale2_patients` (a range already there is not repeated).
void apply_spo2_targets(const scenarios::Scenario& scenario, rules::RuleSet& rules);

}  // namespace iomtsim::sim
