#include "iomtsim/sim/ops_fleet.hpp"

namespace iomtsim::sim {

std::vector<physiology::ops::OpsCohort> ops_cohorts(const scenarios::Scenario& s) {
  std::vector<physiology::ops::OpsSpec> specs;
  std::vector<std::string> wards;
  std::vector<std::uint32_t> counts;
  for (const auto& c : s.cohorts) {
    specs.push_back(c.operations.model);
    wards.push_back(c.ward);
    counts.push_back(c.physiology.count);
  }
  return physiology::ops::number_cohorts(specs, wards, counts);
}

std::optional<physiology::ops::OpsFleet> make_ops_fleet(const scenarios::Scenario& s,
                                                        ShardSpec part) {
  bool any = false;
  for (const auto& c : s.cohorts) any = any || !c.operations.model.empty();
  if (!any) return std::nullopt;
  return physiology::ops::OpsFleet(ops_cohorts(s), s.metadata.seed, s.metadata.duration,
                                   part.index, part.count);
}

}  // namespace iomtsim::sim
