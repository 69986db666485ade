#include "iomtsim/sim/news2_scales.hpp"

#include <algorithm>

namespace iomtsim::sim {

std::vector<rules::News2RuleConfig::PatientRange> spo2_scale2_patients(
    const scenarios::Scenario& scenario) {
  std::vector<rules::News2RuleConfig::PatientRange> out;
  for (const auto& c : scenario.cohorts) {
    const auto& p = c.physiology;
    if (physiology::spo2_scale2(p)) out.push_back({p.first_index, p.first_index + p.count});
  }
  return out;
}

void apply_spo2_targets(const scenarios::Scenario& scenario, rules::RuleSet& rules) {
  auto& ranges = rules.news2.scale2_patients;
  for (const auto& r : spo2_scale2_patients(scenario))
    if (std::find(ranges.begin(), ranges.end(), r) == ranges.end()) ranges.push_back(r);
}

}  // namespace iomtsim::sim
