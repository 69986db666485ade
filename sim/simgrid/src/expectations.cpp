#include "iomtsim/sim/simgrid/expectations.hpp"

namespace iomtsim::sim::simgrid {

std::vector<reports::Threshold> to_thresholds(const std::vector<scenarios::Expectation>& e) {
  std::vector<reports::Threshold> out;
  out.reserve(e.size());
  // The two CompareOp enums list the same operators in the same order (reports does not
  // depend on scenarios, so each keeps its own).
  for (const auto& x : e)
    out.push_back({x.text, x.metric, static_cast<reports::CompareOp>(x.op), x.value});
  return out;
}

}  // namespace iomtsim::sim::simgrid
