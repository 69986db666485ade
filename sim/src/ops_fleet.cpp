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

std::uint64_t ops_path_id(const physiology::ops::OpsOutput& out) {
  namespace ops = physiology::ops;
  constexpr std::uint32_t kPathSeq = 0xFFFFFFFFu;
  if (const auto* e = std::get_if<ops::PumpEvent>(&out))
    return ops::make_ops_id(ops::OpsKind::Pump, e->pump, kPathSeq);
  if (const auto* f = std::get_if<ops::LocationFix>(&out))
    return ops::make_ops_id(ops::OpsKind::Location, f->asset, kPathSeq);
  return ops::make_ops_id(ops::OpsKind::Imaging, std::get<ops::ImagingResult>(out).patient,
                          kPathSeq);
}

physiology::Duration first_asset_query(std::uint32_t asset, physiology::Duration interval) {
  return interval + interval * static_cast<std::int64_t>(1 + (asset * 7919u) % 97) / 98;
}

}  // namespace iomtsim::sim
