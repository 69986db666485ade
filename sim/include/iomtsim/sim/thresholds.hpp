#pragma once
// A scenario's `expectations:` as report thresholds. Lives in sim/ because both engines
// (loadgen's real time and sim/simgrid's simulated time) need it and sim is the lowest
// module that sees both scenarios and reports.
#include <string>
#include <vector>

#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

reports::CompareOp to_report_op(scenarios::CompareOp op);

// Same text, metric, operator and value (already in the metric's canonical unit).
std::vector<reports::Threshold> to_thresholds(const std::vector<scenarios::Expectation>& e);

// Parses `--expect` texts from a command line ("ingest_latency.p99 < 2s"). Throws
// std::invalid_argument naming the text and what was expected.
std::vector<reports::Threshold> parse_thresholds(const std::vector<std::string>& texts);

}  // namespace iomtsim::sim
