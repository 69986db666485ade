#include "iomtsim/sim/simgrid/scenario_capacity.hpp"

#include <filesystem>

namespace iomtsim::sim::simgrid {
namespace {

template <typename T, typename U>
void set(const std::optional<T>& from, U& to) {
  if (from) to = static_cast<U>(*from);
}

void set_link(const scenarios::CapacityLink& l, double& bps, Duration& latency) {
  set(l.bandwidth_bps, bps);
  set(l.latency, latency);
}

Fidelity fidelity_of(scenarios::CapacityFidelity f) {
  switch (f) {
    case scenarios::CapacityFidelity::PerReading:
      return Fidelity::PerReading;
    case scenarios::CapacityFidelity::Aggregated:
      return Fidelity::Aggregated;
    case scenarios::CapacityFidelity::Auto:
      break;
  }
  return Fidelity::Auto;
}

// The first stage is the ingest tier the load balancer reaches; the others follow it.
void apply_stages(const std::vector<scenarios::CapacityStage>& stages, CapacityModel& m) {
  const auto& front = stages.front();
  m.front_stage = front.name;
  m.servers = front.count;
  m.workers_per_server = front.workers;
  m.service_time = front.service_time;
  m.service_distribution = front.service_distribution;
  set(front.queue_capacity, m.queue_capacity);
  set_link(front.link, m.server_link_bandwidth_bps, m.server_link_latency);
  m.downstream.clear();
  for (std::size_t k = 1; k < stages.size(); ++k) {
    const auto& s = stages[k];
    CapacityModel::Stage st;
    st.name = s.name;
    st.count = s.count;
    st.workers = s.workers;
    st.service_time = s.service_time;
    st.service_distribution = s.service_distribution;
    set(s.queue_capacity, st.queue_capacity);
    set(s.link.latency, st.link_latency);
    m.downstream.push_back(std::move(st));
  }
}

}  // namespace

void apply_scenario_capacity(const scenarios::Scenario& s, CapacityModel& m) {
  if (!s.capacity) return;
  const auto& c = *s.capacity;
  set(c.servers, m.servers);
  set(c.workers_per_server, m.workers_per_server);
  set(c.service_time, m.service_time);
  if (c.service_time) m.service_distribution = c.service_distribution;
  set(c.queue_capacity, m.queue_capacity);
  if (!c.stages.empty()) apply_stages(c.stages, m);
  set(c.lb_detection, m.lb_detection);
  // The two ways of sizing access points exclude each other: the one the file gives wins.
  if (c.devices_per_ap) {
    m.devices_per_ap = *c.devices_per_ap;
    m.aps_per_ward = 0;
  }
  set(c.aps_per_ward, m.aps_per_ward);
  set_link(c.ap_link, m.ap_bandwidth_bps, m.ap_latency);
  set_link(c.core, m.core_bandwidth_bps, m.core_latency);
  set_link(c.wan, m.wan_bandwidth_bps, m.wan_latency);
  if (c.stages.empty()) set_link(c.server_link, m.server_link_bandwidth_bps, m.server_link_latency);
  set(c.alert_delivery, m.alert_delivery);
  if (c.fidelity) m.fidelity = fidelity_of(*c.fidelity);
  set(c.aggregate_above_devices, m.aggregate_above_devices);
  set(c.aggregate_interval, m.aggregate_interval);
  set(c.drain, m.drain);
  for (const auto& f : c.failures) {
    ScheduledFailure g;
    g.kind = f.kind == scenarios::CapacityFailure::Kind::Server ? ScheduledFailure::Kind::Server
                                                                : ScheduledFailure::Kind::Link;
    g.server = f.server;
    g.link = f.link;
    g.at = f.at;
    g.length = f.length;
    m.failures.push_back(std::move(g));
  }
  if (!c.platform_file.empty()) {
    std::filesystem::path p(c.platform_file);
    if (p.is_relative() && !s.source_file.empty())
      p = std::filesystem::path(s.source_file).parent_path() / p;
    m.platform_file = p.lexically_normal().string();
  }
}

CapacityModel capacity_from(const scenarios::Scenario& s) {
  CapacityModel m;
  apply_scenario_capacity(s, m);
  return m;
}

}  // namespace iomtsim::sim::simgrid
