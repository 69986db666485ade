#include "iomtsim/sim/fleet_network.hpp"

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim {

FleetNetwork::FleetNetwork(const std::vector<FleetDevice>& devices, std::uint64_t scenario_seed) {
  paths_.reserve(devices.size());
  for (const FleetDevice& d : devices) {
    if (d.network == nullptr) {
      throw network::NetworkConfigError("device without a network profile");
    }
    try {
      paths_.emplace_back(*d.network, scenario_seed, network::device_path_id(d.patient, d.device),
                          links_.link_for(*d.network));
    } catch (const network::NetworkConfigError& e) {
      // Name the profile: the models' messages say what is wrong but not where.
      throw network::NetworkConfigError("network profile '" + d.network->name + "': " + e.what());
    }
  }
}

network::PathStats FleetNetwork::totals() const {
  network::PathStats t;
  for (const auto& p : paths_) {
    const auto& s = p.stats();
    t.submitted += s.submitted;
    t.delivered += s.delivered;
    t.lost += s.lost;
    t.dropped += s.dropped;
    t.buffered_total += s.buffered_total;
    t.disconnections += s.disconnections;
    t.reconnect_attempts += s.reconnect_attempts;
  }
  return t;
}

std::uint64_t FleetNetwork::buffered_now() const {
  std::uint64_t n = 0;
  for (const auto& p : paths_) n += p.buffered_now();
  return n;
}

}  // namespace iomtsim::sim
