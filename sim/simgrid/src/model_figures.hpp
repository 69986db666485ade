#pragma once
// The capacity model a simulation used, figure by figure with where each came from
// (CapacityModel::sources: the scenario, the command line, a calibration file; unset:
// the simulator's default), for report.json's capacity.model and the HTML.
#include <vector>

#include "iomtsim/reports/capacity_report.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid::detail {
std::vector<reports::CapacityFigure> model_figures(const CapacityModel& m);
}  // namespace iomtsim::sim::simgrid::detail
