#pragma once
// The network of a whole fleet: one NetworkPath per device, and one SharedLink per
// `shared_link` name, built from the fleet's device list. Both engines use it the same
// way, so a device's losses, delays and outages are the same in real and simulated time.
//
// Slots follow Fleet::devices() (patient-major); Fleet::device_slot(p, d) gives one.
// Each path's randomness is stream_seed(scenario seed, Network, device_path_id(p, d), …),
// so a device's network does not depend on the shard or on its neighbours.
//
// Pitfall: bandwidth is shared among the devices of this process only. With --shard K/N
// a shared link is split across shards, each with the full bandwidth; shard a scenario
// with shared links by link, or account for it in the report.
//
//   FleetNetwork net(fleet.devices(), scenario.metadata.seed);
//   net.path(fleet.device_slot(p, d)).send({id, t, bytes}, events);
#include <cstddef>
#include <cstdint>
#include <vector>

#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/network/network_path.hpp"

namespace iomtsim::sim {

class FleetNetwork {
 public:
  // Throws network::NetworkConfigError for a profile the models reject (the message
  // names the profile).
  FleetNetwork(const std::vector<FleetDevice>& devices, std::uint64_t scenario_seed);

  std::size_t size() const { return paths_.size(); }
  network::NetworkPath& path(std::size_t slot) { return paths_.at(slot); }
  const network::NetworkPath& path(std::size_t slot) const { return paths_.at(slot); }
  network::LinkRegistry& links() { return links_; }

  // Sums of every path's counters, for the delivery accounting of a report.
  network::PathStats totals() const;
  std::uint64_t buffered_now() const;

 private:
  network::LinkRegistry links_;  // before paths_: paths point into it
  std::vector<network::NetworkPath> paths_;
};

}  // namespace iomtsim::sim
