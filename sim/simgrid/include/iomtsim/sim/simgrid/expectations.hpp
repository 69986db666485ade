#pragma once
// scenarios::Expectation -> reports::Threshold (same text, metric, operator, value).
// Lives in sim so that both engines can share it: sim may not depend on loadgen, and
// loadgen (which depends on sim) can call this one instead of keeping its own copy.
#include <vector>

#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim::simgrid {

std::vector<reports::Threshold> to_thresholds(const std::vector<scenarios::Expectation>& e);

}  // namespace iomtsim::sim::simgrid
