#include "model_figures.hpp"

#include <string>

#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::sim::simgrid::detail {
namespace {

// The scenario language's own spelling of a duration ("250 us" reads "0.25 ms") and a
// bandwidth in the largest unit that keeps it at or above 1.
std::string duration_text(Duration d) {
  return scenarios::format_duration(physiology::to_seconds(d));
}

std::string bandwidth_text(double bps) {
  const char* unit = bps >= 1e9 ? "Gbps" : bps >= 1e6 ? "Mbps" : bps >= 1e3 ? "kbps" : "bps";
  return scenarios::format_in_unit(bps, scenarios::QuantityKind::Bandwidth, unit);
}

std::string service_text(Duration mean, const std::optional<physiology::Distribution>& d) {
  return d ? "distribution, mean " + duration_text(mean) : duration_text(mean);
}

}  // namespace

std::vector<reports::CapacityFigure> model_figures(const CapacityModel& m) {
  std::vector<reports::CapacityFigure> out;
  auto add = [&](const std::string& name, std::string value) {
    const auto it = m.sources.find(name);
    out.push_back({name, std::move(value), it == m.sources.end() ? "default" : it->second});
  };
  const std::string& f = m.front_stage;
  add(f + ".count", std::to_string(m.servers));
  add(f + ".workers", std::to_string(m.workers_per_server));
  add(f + ".service_time", service_text(m.service_time, m.service_distribution));
  add(f + ".queue", std::to_string(m.queue_capacity));
  for (const auto& s : m.downstream) {
    add(s.name + ".count", std::to_string(s.count));
    add(s.name + ".workers", std::to_string(s.workers));
    add(s.name + ".service_time", service_text(s.service_time, s.service_distribution));
    add(s.name + ".queue", std::to_string(s.queue_capacity));
    add(s.name + ".latency", duration_text(s.link_latency));
  }
  if (!m.platform_file.empty()) {
    add("platform", m.platform_file);
  } else {
    if (m.aps_per_ward > 0)
      add("access_points.per_ward", std::to_string(m.aps_per_ward));
    else
      add("access_points.devices_per_ap", std::to_string(m.devices_per_ap));
    add("access_points.bandwidth", bandwidth_text(m.ap_bandwidth_bps));
    add("access_points.latency", duration_text(m.ap_latency));
    add("core.bandwidth", bandwidth_text(m.core_bandwidth_bps));
    add("core.latency", duration_text(m.core_latency));
    add("wan.bandwidth", bandwidth_text(m.wan_bandwidth_bps));
    add("wan.latency", duration_text(m.wan_latency));
    add("server_link.bandwidth", bandwidth_text(m.server_link_bandwidth_bps));
    add("server_link.latency", duration_text(m.server_link_latency));
  }
  add("load_balancer.failover_after", duration_text(m.lb_detection));
  add("alert_delivery", duration_text(m.alert_delivery));
  add("failures", std::to_string(m.failures.size()));
  add("drain", duration_text(m.drain));
  return out;
}

}  // namespace iomtsim::sim::simgrid::detail
