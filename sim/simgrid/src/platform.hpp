#pragma once
// The SimGrid platform of one simulation, built from the capacity model with the S4U
// NetZone API (or loaded from an XML file), and the routes the engine asks about.
//
// Built platform: one star zone. Each access point is a host whose route to the centre
// is {ap<k>, core, wan}; each ingest server is a host whose route is {server<j>}; so a
// message from access point k to server j crosses ap<k>, core, wan, server<j> (the load
// balancer is the star's centre). A star zone seals in O(hosts) (one zone per ward
// would re-walk every host at each seal: 42 s for 100k hosts in the trial).
// XML platform: must define hosts "ap0".."ap<K-1>" and "server0".."server<N-1>" with
// routes between them; every link named in a --fail must exist.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid::detail {

namespace sg4 = ::simgrid::s4u;

struct Route {
  std::vector<sg4::Link*> links;
  double latency_s = 0.0;  // sum of the links' latencies, one way
};

class Platform {
 public:
  // Engine configured and not yet run. Throws CapacityError for an XML platform that
  // lacks a host, or a failure naming an unknown link.
  Platform(sg4::Engine& engine, const CapacityModel& m, std::size_t access_points);

  sg4::Host* ap(std::size_t k) const { return aps_.at(k); }
  sg4::Host* server(std::size_t j) const { return servers_.at(j); }
  const Route& route(std::size_t ap, std::size_t server);
  std::size_t access_points() const { return aps_.size(); }

 private:
  void build(const CapacityModel& m, std::size_t access_points);
  void load(sg4::Engine& engine, const CapacityModel& m, std::size_t access_points);

  std::vector<sg4::Host*> aps_;
  std::vector<sg4::Host*> servers_;
  std::vector<std::optional<Route>> routes_;  // [ap * servers + server], filled on first use
};

// Simulated seconds (SimGrid's double clock) <-> scenario time, at the interface only.
inline SimTime to_sim_time(double seconds) { return SimTime{physiology::from_seconds(seconds)}; }
inline double to_clock(SimTime t) { return physiology::to_seconds(t); }

}  // namespace iomtsim::sim::simgrid::detail
