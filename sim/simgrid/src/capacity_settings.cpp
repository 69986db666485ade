#include "iomtsim/sim/simgrid/capacity_settings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace iomtsim::sim::simgrid {
namespace {

constexpr std::array kSettings = {
    CapacitySetting{"servers", "ingest servers behind the load balancer (6)"},
    CapacitySetting{"workers", "workers per server (4)"},
    CapacitySetting{"service-time", "service time per reading on one worker, e.g. 250us (250us)"},
    CapacitySetting{"queue", "readings waiting per server before it rejects (2000)"},
    CapacitySetting{"lb-detection", "time before the balancer skips a failed server (5s)"},
    CapacitySetting{"devices-per-ap", "devices per access point (40)"},
    CapacitySetting{"aps-per-ward", "access points per ward, instead of devices-per-ap (0: off)"},
    CapacitySetting{"ap-bandwidth", "access-point link bandwidth (100Mbps)"},
    CapacitySetting{"ap-latency", "access-point link latency (1ms)"},
    CapacitySetting{"core-bandwidth", "core switch link bandwidth (10Gbps)"},
    CapacitySetting{"core-latency", "core link latency (100us)"},
    CapacitySetting{"wan-bandwidth", "WAN link bandwidth (1Gbps)"},
    CapacitySetting{"wan-latency", "WAN link latency (5ms)"},
    CapacitySetting{"server-bandwidth", "load balancer to server link bandwidth (10Gbps)"},
    CapacitySetting{"server-latency", "load balancer to server link latency (100us)"},
    CapacitySetting{"alert-delivery", "target emits an alert -> webhook receives it (20ms)"},
    CapacitySetting{"fidelity", "per-reading, aggregated or auto (auto)"},
    CapacitySetting{"aggregate-above", "auto: aggregated from this many devices (50000)"},
    CapacitySetting{"aggregate-interval",
                    "aggregated: one communication per AP per interval (10s)"},
    CapacitySetting{"platform", "SimGrid XML platform file instead of the built one"},
    CapacitySetting{"fail", "schedule a failure: server:N@TIME[+LENGTH] or link:NAME@TIME[+LENGTH]",
                    true},
    CapacitySetting{"drain", "simulated time after the end for answers to arrive (30s)"},
    CapacitySetting{"stage",
                    "a stage of capacity.stages: NAME.FIELD=VALUE, FIELD one of count, workers, "
                    "service-time, queue, latency (database.workers=8)",
                    true},
};

template <typename T>
T count(std::string_view key, std::string_view v) {
  T out{};
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size())
    throw CapacityError(std::string(key) + ": expected a whole number, found '" + std::string(v) +
                        "'");
  return out;
}

// `--stage database.workers=8`: the first stage is the ingest tier (servers, workers,
// service time, queue, the load balancer's link); the others are CapacityModel::downstream.
void apply_stage_setting(CapacityModel& m, std::string_view text) {
  const auto dot = text.find('.');
  const auto eq = text.find('=');
  if (dot == std::string_view::npos || eq == std::string_view::npos || eq < dot)
    throw CapacityError("--stage: expected NAME.FIELD=VALUE, found '" + std::string(text) + "'");
  const std::string_view name = text.substr(0, dot);
  const std::string_view field = text.substr(dot + 1, eq - dot - 1);
  const std::string_view v = text.substr(eq + 1);
  const std::string key = "--stage " + std::string(name) + "." + std::string(field);
  if (name == m.front_stage) {
    // The first stage is the ingest tier: its fields are the tier's own settings.
    static const std::pair<std::string_view, std::string_view> kTier[] = {
        {"count", "servers"},  {"workers", "workers"},          {"service-time", "service-time"},
        {"queue", "queue"},    {"latency", "server-latency"}};
    for (const auto& [f, setting] : kTier)
      if (f == field) return apply_capacity_setting(m, setting, v);
  } else {
    auto it = std::find_if(m.downstream.begin(), m.downstream.end(),
                           [&](const CapacityModel::Stage& s) { return s.name == name; });
    if (it == m.downstream.end()) {
      std::string known = m.front_stage;
      for (const auto& s : m.downstream) known += ", " + s.name;
      throw CapacityError("--stage: no stage named '" + std::string(name) + "' (the stages are " +
                          known + ")");
    }
    // The figure's name in report.json's capacity.model.
    m.sources[std::string(name) + "." +
              (field == "service-time" ? "service_time" : std::string(field))] = "command line";
    if (field == "count") return void(it->count = count<std::uint32_t>(key, v));
    if (field == "workers") return void(it->workers = count<std::uint32_t>(key, v));
    if (field == "service-time") {
      it->service_time = parse_duration(v);
      return it->service_distribution.reset();
    }
    if (field == "queue") return void(it->queue_capacity = count<std::uint32_t>(key, v));
    if (field == "latency") return void(it->link_latency = parse_duration(v));
  }
  throw CapacityError("--stage: unknown field '" + std::string(field) +
                      "' (count, workers, service-time, queue or latency)");
}

// The figure a command-line setting sets, by its name in report.json's capacity.model
// ("" for a setting that names its own: --stage).
std::string figure_of(const CapacityModel& m, std::string_view key) {
  static const std::pair<std::string_view, std::string_view> kFixed[] = {
      {"lb-detection", "load_balancer.failover_after"},
      {"devices-per-ap", "access_points.devices_per_ap"},
      {"aps-per-ward", "access_points.per_ward"},
      {"ap-bandwidth", "access_points.bandwidth"},
      {"ap-latency", "access_points.latency"},
      {"core-bandwidth", "core.bandwidth"},
      {"core-latency", "core.latency"},
      {"wan-bandwidth", "wan.bandwidth"},
      {"wan-latency", "wan.latency"},
      {"server-bandwidth", "server_link.bandwidth"},
      {"server-latency", "server_link.latency"},
      {"alert-delivery", "alert_delivery"},
      {"aggregate-above", "aggregate_above"},
      {"aggregate-interval", "aggregate_interval"},
      {"platform", "platform"},
      {"fail", "failures"},
      {"drain", "drain"},
  };
  if (key == "servers") return m.front_stage + ".count";
  if (key == "workers") return m.front_stage + ".workers";
  if (key == "service-time") return m.front_stage + ".service_time";
  if (key == "queue") return m.front_stage + ".queue";
  for (const auto& [k, f] : kFixed)
    if (k == key) return std::string(f);
  return {};
}

}  // namespace

std::span<const CapacitySetting> capacity_settings() { return kSettings; }

void apply_capacity_setting(CapacityModel& m, std::string_view key, std::string_view v) {
  if (const std::string figure = figure_of(m, key); !figure.empty())
    m.sources[figure] = "command line";
  if (key == "servers")
    m.servers = count<std::uint32_t>(key, v);
  else if (key == "workers")
    m.workers_per_server = count<std::uint32_t>(key, v);
  else if (key == "service-time") {
    m.service_time = parse_duration(v);
    m.service_distribution.reset();  // a fixed time from the command line
  } else if (key == "queue")
    m.queue_capacity = count<std::uint32_t>(key, v);
  else if (key == "lb-detection")
    m.lb_detection = parse_duration(v);
  else if (key == "devices-per-ap") {
    m.devices_per_ap = count<std::uint32_t>(key, v);
    m.aps_per_ward = 0;  // over a scenario's `per_ward`: the later setting wins
  } else if (key == "aps-per-ward")
    m.aps_per_ward = count<std::uint32_t>(key, v);
  else if (key == "ap-bandwidth")
    m.ap_bandwidth_bps = parse_bandwidth_bps(v);
  else if (key == "ap-latency")
    m.ap_latency = parse_duration(v);
  else if (key == "core-bandwidth")
    m.core_bandwidth_bps = parse_bandwidth_bps(v);
  else if (key == "core-latency")
    m.core_latency = parse_duration(v);
  else if (key == "wan-bandwidth")
    m.wan_bandwidth_bps = parse_bandwidth_bps(v);
  else if (key == "wan-latency")
    m.wan_latency = parse_duration(v);
  else if (key == "server-bandwidth")
    m.server_link_bandwidth_bps = parse_bandwidth_bps(v);
  else if (key == "server-latency")
    m.server_link_latency = parse_duration(v);
  else if (key == "alert-delivery")
    m.alert_delivery = parse_duration(v);
  else if (key == "fidelity")
    m.fidelity = parse_fidelity(v);
  else if (key == "aggregate-above")
    m.aggregate_above_devices = count<std::uint64_t>(key, v);
  else if (key == "aggregate-interval")
    m.aggregate_interval = parse_duration(v);
  else if (key == "platform")
    m.platform_file = std::string(v);
  else if (key == "fail")
    m.failures.push_back(parse_failure(v));
  else if (key == "drain")
    m.drain = parse_duration(v);
  else if (key == "stage")
    apply_stage_setting(m, v);
  else
    throw CapacityError("unknown capacity setting '" + std::string(key) + "'");
}

}  // namespace iomtsim::sim::simgrid
