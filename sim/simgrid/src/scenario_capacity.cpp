#include "iomtsim/sim/simgrid/scenario_capacity.hpp"

#include <filesystem>

namespace iomtsim::sim::simgrid {
namespace {

constexpr const char* kScenario = "scenario";

// Copies what the scenario gives into the model and notes that the figure came from it.
struct Apply {
  CapacityModel& m;
  template <typename T, typename U>
  void set(const std::optional<T>& from, U& to, const std::string& figure) {
    if (!from) return;
    to = static_cast<U>(*from);
    m.sources[figure] = kScenario;
  }
  void link(const scenarios::CapacityLink& l, double& bps, Duration& latency,
            const std::string& figure) {
    set(l.bandwidth_bps, bps, figure + ".bandwidth");
    set(l.latency, latency, figure + ".latency");
  }
  void mark(const std::string& figure) { m.sources[figure] = kScenario; }
};

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
void apply_stages(const std::vector<scenarios::CapacityStage>& stages, Apply& a) {
  CapacityModel& m = a.m;
  const auto& front = stages.front();
  m.front_stage = front.name;
  m.servers = front.count;
  m.workers_per_server = front.workers;
  m.service_time = front.service_time;
  m.service_distribution = front.service_distribution;
  for (const char* f : {".count", ".workers", ".service_time"}) a.mark(front.name + f);
  a.set(front.queue_capacity, m.queue_capacity, front.name + ".queue");
  a.link(front.link, m.server_link_bandwidth_bps, m.server_link_latency, "server_link");
  m.downstream.clear();
  for (std::size_t k = 1; k < stages.size(); ++k) {
    const auto& s = stages[k];
    CapacityModel::Stage st;
    st.name = s.name;
    st.count = s.count;
    st.workers = s.workers;
    st.service_time = s.service_time;
    st.service_distribution = s.service_distribution;
    for (const char* f : {".count", ".workers", ".service_time"}) a.mark(s.name + f);
    a.set(s.queue_capacity, st.queue_capacity, s.name + ".queue");
    a.set(s.link.latency, st.link_latency, s.name + ".latency");
    m.downstream.push_back(std::move(st));
  }
}

}  // namespace

void apply_scenario_capacity(const scenarios::Scenario& s, CapacityModel& m) {
  if (!s.capacity) return;
  const auto& c = *s.capacity;
  Apply a{m};
  if (!c.stages.empty()) {
    apply_stages(c.stages, a);  // `servers` and `stages` exclude each other
  } else {
    const std::string& f = m.front_stage;
    a.set(c.servers, m.servers, f + ".count");
    a.set(c.workers_per_server, m.workers_per_server, f + ".workers");
    a.set(c.service_time, m.service_time, f + ".service_time");
    if (c.service_time) m.service_distribution = c.service_distribution;
    a.set(c.queue_capacity, m.queue_capacity, f + ".queue");
    a.link(c.server_link, m.server_link_bandwidth_bps, m.server_link_latency, "server_link");
  }
  a.set(c.lb_detection, m.lb_detection, "load_balancer.failover_after");
  // The two ways of sizing access points exclude each other: the one the file gives wins.
  if (c.devices_per_ap) {
    m.devices_per_ap = *c.devices_per_ap;
    m.aps_per_ward = 0;
    a.mark("access_points.devices_per_ap");
  }
  a.set(c.aps_per_ward, m.aps_per_ward, "access_points.per_ward");
  a.link(c.ap_link, m.ap_bandwidth_bps, m.ap_latency, "access_points");
  a.link(c.core, m.core_bandwidth_bps, m.core_latency, "core");
  a.link(c.wan, m.wan_bandwidth_bps, m.wan_latency, "wan");
  a.set(c.alert_delivery, m.alert_delivery, "alert_delivery");
  if (c.fidelity) m.fidelity = fidelity_of(*c.fidelity);
  a.set(c.aggregate_above_devices, m.aggregate_above_devices, "aggregate_above");
  a.set(c.aggregate_interval, m.aggregate_interval, "aggregate_interval");
  a.set(c.drain, m.drain, "drain");
  for (const auto& f : c.failures) {
    ScheduledFailure g;
    g.kind = f.kind == scenarios::CapacityFailure::Kind::Server ? ScheduledFailure::Kind::Server
                                                                : ScheduledFailure::Kind::Link;
    g.server = f.server;
    g.link = f.link;
    g.at = f.at;
    g.length = f.length;
    m.failures.push_back(std::move(g));
    a.mark("failures");
  }
  if (!c.platform_file.empty()) {
    std::filesystem::path p(c.platform_file);
    if (p.is_relative() && !s.source_file.empty())
      p = std::filesystem::path(s.source_file).parent_path() / p;
    m.platform_file = p.lexically_normal().string();
    a.mark("platform");
  }
}

CapacityModel capacity_from(const scenarios::Scenario& s) {
  CapacityModel m;
  apply_scenario_capacity(s, m);
  return m;
}

}  // namespace iomtsim::sim::simgrid
