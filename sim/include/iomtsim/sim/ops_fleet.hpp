#pragma once
// The hospital operations devices of a scenario (infusion pumps, RTLS asset tags,
// point-of-care imaging: each cohort's `operations:`) as one physiology::ops::OpsFleet,
// numbered the same way wherever they are generated (`iomtsim run`, `generate`,
// `simulate`), so a shard or a recording names the same pumps, assets and results.
//
//   if (auto ops = sim::make_ops_fleet(scenario, shard)) while (!ops->done()) ops->next();
#include <optional>
#include <vector>

#include "iomtsim/physiology/ops/ops_fleet.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim {

// One OpsCohort per scenario cohort, in file order (empty specs included, so indices
// match scenario.cohorts).
std::vector<physiology::ops::OpsCohort> ops_cohorts(const scenarios::Scenario& scenario);

// nullopt when no cohort has operations devices. Throws std::invalid_argument as OpsFleet.
std::optional<physiology::ops::OpsFleet> make_ops_fleet(const scenarios::Scenario& scenario,
                                                        ShardSpec part = {});

// The network path id of the operations device that produced `out` (its pump, its asset
// tag, its patient's imaging device), for sim::network::NetworkPath in both engines. Its
// sequence field is 0xFFFFFFFF, which no patient device's device_path_id has (sequence 0),
// so their random streams never coincide.
std::uint64_t ops_path_id(const physiology::ops::OpsOutput& out);

// When asset `asset` is first asked for (GET /assets/{id}) after the start: one interval
// plus a phase spread over it, so a ward's assets are not all queried at once.
physiology::Duration first_asset_query(std::uint32_t asset, physiology::Duration interval);

}  // namespace iomtsim::sim
