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

}  // namespace iomtsim::sim
