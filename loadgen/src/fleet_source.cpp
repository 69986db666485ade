#include "iomtsim/loadgen/source.hpp"

namespace iomtsim::loadgen {

SourceFactory fleet_source() {
  return [](const scenarios::Scenario& s, sim::ShardSpec part) {
    return sim::device_side::fleet_source(s, part);
  };
}

}  // namespace iomtsim::loadgen
