// `capacity:`: what a simulated-time run models behind the devices' access hop.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using Q = QuantityKind;

// Generous bounds: they catch unit slips (10 Gbps written as 10 bps), not designs.
constexpr double kMinBandwidthBps = 1e3;
constexpr double kMaxBandwidthBps = 1e13;
constexpr double kMaxLinkLatencyS = 10.0;
constexpr std::int64_t kMaxServers = 100'000;
constexpr std::int64_t kMaxWorkers = 100'000;

std::optional<std::uint32_t> count(const Node* n, std::int64_t lo, std::int64_t hi,
                                   std::string_view what, Reader& r) {
  if (n == nullptr) return std::nullopt;
  if (auto x = r.integer(*n, lo, hi, what)) return static_cast<std::uint32_t>(*x);
  return std::nullopt;
}

std::optional<Duration> opt_duration(const Node* n, double lo_s, double hi_s, std::string_view what,
                             Reader& r) {
  if (n == nullptr) return std::nullopt;
  return r.duration(*n, lo_s, hi_s, what);
}

CapacityLink read_link(const Node& n, std::string_view object, std::string_view what,
                       Reader& r) {
  CapacityLink l;
  if (!r.object(n, object, what)) return l;
  if (const Node* v = n.get("bandwidth"))
    l.bandwidth_bps = r.quantity(*v, Q::Bandwidth, kMinBandwidthBps, kMaxBandwidthBps,
                                 std::string(what) + ".bandwidth");
  l.latency = opt_duration(n.get("latency"), 0, kMaxLinkLatencyS, std::string(what) + ".latency", r);
  return l;
}

// The links of the built platform (platform.cpp in sim/simgrid): wan, core, ap<k>,
// server<j>. With an XML platform any name may be valid, and the engine checks it.
bool built_link_name(const std::string& name, std::optional<std::uint32_t> servers) {
  if (name == "wan" || name == "core") return true;
  for (std::string_view prefix : {"ap", "server"}) {
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    std::uint64_t k = 0;
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (ec != std::errc{} || p != digits.data() + digits.size()) return false;
    return prefix == "ap" || !servers || k < *servers;
  }
  return false;
}

// `service_time: 2 ms` (fixed) or a distribution (`{exponential: 8 ms}`) whose mean is
// then the service time.
void read_service_time(const Node& t, const std::string& what, std::optional<Duration>& time,
                       std::optional<physiology::Distribution>& distribution, Reader& r) {
  if (t.is_scalar()) {
    time = r.duration(t, 1e-9, 60, what);
  } else if (auto d = r.distribution(t, Q::TimeSpan, 0, 60, what)) {
    if (!(d->mean() > 0) || !std::isfinite(d->mean())) {
      r.error(t.pos, what + ": the distribution's mean must be positive");
    } else {
      d->min = std::max(d->min, 0.0);  // a normal draw below zero takes no time
      distribution = *d;
      time = physiology::from_seconds(d->mean());
    }
  }
}

// `stages:`, the pipeline in order. Names are how the report and `--stage` address them.
void read_stages(const Node& n, CapacitySpec& c, Reader& r) {
  if (!r.sequence(n, "stages", "stages such as {name: database, workers: 8, service_time: 5 ms}"))
    return;
  if (n.items.empty()) r.error(n.pos, "stages: give at least one stage");
  for (const auto& item : n.items) {
    if (!r.object(item, "capacity_stage", "stage")) continue;
    CapacityStage st;
    bool ok = true;
    if (const Node* v = item.get("name")) {
      if (auto name = r.str(*v, "stage name")) {
        st.name = *name;
        const bool word = !st.name.empty() &&
                          std::all_of(st.name.begin(), st.name.end(), [](unsigned char ch) {
                            return std::isalnum(ch) || ch == '_' || ch == '-';
                          });
        if (!word) {
          r.error(v->pos, "stage name '" + st.name +
                              "': use letters, digits, '_' and '-' (it is how --stage names it)");
          ok = false;
        }
        for (const auto& other : c.stages)
          if (other.name == st.name) {
            r.error(v->pos, "stage '" + st.name + "' is named twice");
            ok = false;
          }
      } else {
        ok = false;
      }
    } else {
      ok = false;  // reported as a missing required key
    }
    const std::string what = "stage '" + st.name + "'";
    if (auto k = count(item.get("count"), 1, kMaxServers, what + ".count", r)) st.count = *k;
    if (auto k = count(item.get("workers"), 1, kMaxWorkers, what + ".workers", r)) st.workers = *k;
    std::optional<Duration> time;
    if (const Node* t = item.get("service_time"))
      read_service_time(*t, what + ".service_time", time, st.service_distribution, r);
    if (time)
      st.service_time = *time;
    else
      ok = false;  // missing (reported by the key check) or wrong (reported above)
    st.queue_capacity = count(item.get("queue"), 0, 100'000'000, what + ".queue", r);
    if (const Node* l = item.get("link")) {
      st.link = read_link(*l, "capacity_link", what + ".link", r);
      if (st.link.bandwidth_bps && !c.stages.empty())
        r.error(l->get("bandwidth")->pos,
                what + ".link: only the first stage's link has a bandwidth (the load balancer's "
                       "link); later stages are reached after their latency");
    }
    if (ok) c.stages.push_back(std::move(st));
  }
}

void read_failures(const Node& n, CapacitySpec& c, const Metadata& meta, Reader& r) {
  if (!r.sequence(n, "failures", "failures such as {server: 1, at: 3h, for: 10 min}")) return;
  const double run_s = physiology::to_seconds(meta.duration);
  for (const auto& item : n.items) {
    if (!r.object(item, "capacity_failure", "failure")) continue;
    const Node* server = item.get("server");
    const Node* link = item.get("link");
    CapacityFailure f;
    bool ok = true;
    if ((server == nullptr) == (link == nullptr)) {
      r.error(item.pos, "a failure names either a 'server' or a 'link'");
      ok = false;
    } else if (server != nullptr) {
      f.kind = CapacityFailure::Kind::Server;
      if (auto k = r.integer(*server, 0, kMaxServers - 1, "server")) {
        f.server = static_cast<std::uint32_t>(*k);
        if (c.servers && f.server >= *c.servers) {
          r.error(server->pos, "server " + std::to_string(f.server) + " does not exist: there are " +
                                   std::to_string(*c.servers) + " servers, numbered from 0");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      f.kind = CapacityFailure::Kind::Link;
      if (auto s = r.str(*link, "link")) {
        f.link = *s;
        if (c.platform_file.empty() && !built_link_name(f.link, c.servers)) {
          r.error(link->pos, "unknown link '" + f.link +
                                 "': the built platform has wan, core, ap<k> and server<j>"
                                 " (an XML 'platform' may name others)");
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (const Node* at = item.get("at")) {
      if (auto d = r.duration(*at, 0, kMaxScenarioSeconds, "failure time")) {
        f.at = SimTime{*d};
        if (physiology::to_seconds(*d) >= run_s) {
          r.error(at->pos, "the failure starts after the run ends (metadata.duration)");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;  // reported as a missing required key
    }
    if (const Node* len = item.get("for")) {
      if (auto d = r.duration(*len, 0.001, kMaxScenarioSeconds, "failure length")) f.length = *d;
      else ok = false;
    }
    if (ok) c.failures.push_back(std::move(f));
  }
}

}  // namespace

CapacitySpec read_capacity(const Node& n, const Metadata& meta, Reader& r) {
  CapacitySpec c;
  if (!r.object(n, "capacity", "capacity")) return c;
  // Servers and the platform first: failures are checked against them.
  if (const Node* s = n.get("servers")) {
    if (r.object(*s, "servers", "servers")) {
      c.servers = count(s->get("count"), 1, kMaxServers, "servers.count", r);
      c.workers_per_server = count(s->get("workers"), 1, kMaxWorkers, "servers.workers", r);
      if (const Node* t = s->get("service_time"))
        read_service_time(*t, "servers.service_time", c.service_time, c.service_distribution, r);
      c.queue_capacity = count(s->get("queue"), 0, 100'000'000, "servers.queue", r);
      if (const Node* l = s->get("link")) c.server_link = read_link(*l, "capacity_link", "servers.link", r);
    }
  }
  if (const Node* v = n.get("stages")) {
    if (n.get("servers") != nullptr)
      r.error(v->pos, "give either 'servers' (one tier) or 'stages' (a pipeline), not both: "
                      "the first stage is the ingest tier");
    read_stages(*v, c, r);
    if (!c.stages.empty()) c.servers = c.stages.front().count;  // failures name its instances
  }
  if (const Node* v = n.get("platform")) {
    if (auto s = r.str(*v, "platform")) {
      if (s->empty()) r.error(v->pos, "platform: expected a file name, found an empty string");
      c.platform_file = *s;
    }
  }
  if (const Node* a = n.get("access_points")) {
    if (r.object(*a, "access_points", "access_points")) {
      c.devices_per_ap = count(a->get("devices_per_ap"), 1, 10'000'000, "devices_per_ap", r);
      c.aps_per_ward = count(a->get("per_ward"), 1, 1'000'000, "per_ward", r);
      if (a->get("devices_per_ap") && a->get("per_ward"))
        r.error(a->get("per_ward")->pos, "give either 'devices_per_ap' or 'per_ward', not both");
      if (const Node* v = a->get("bandwidth"))
        c.ap_link.bandwidth_bps = r.quantity(*v, Q::Bandwidth, kMinBandwidthBps, kMaxBandwidthBps,
                                             "access_points.bandwidth");
      c.ap_link.latency = opt_duration(a->get("latency"), 0, kMaxLinkLatencyS, "access_points.latency", r);
    }
  }
  if (const Node* v = n.get("core_switch")) c.core = read_link(*v, "capacity_link", "core_switch", r);
  if (const Node* v = n.get("wan")) c.wan = read_link(*v, "capacity_link", "wan", r);
  if (const Node* v = n.get("load_balancer")) {
    if (r.object(*v, "load_balancer", "load_balancer"))
      c.lb_detection = opt_duration(v->get("failover_after"), 0, 3600, "failover_after", r);
  }
  c.alert_delivery = opt_duration(n.get("alert_delivery"), 0, kMaxLatencySeconds, "alert_delivery", r);
  if (const Node* v = n.get("fidelity")) {
    if (auto i = r.choice(*v, "fidelity", "fidelity")) c.fidelity = static_cast<CapacityFidelity>(*i);
  }
  if (const Node* v = n.get("aggregate_above")) {
    if (auto x = r.integer(*v, 1, kMaxPatients * 100, "aggregate_above"))
      c.aggregate_above_devices = static_cast<std::uint64_t>(*x);
  }
  c.aggregate_interval = opt_duration(n.get("aggregate_interval"), 0.001, 3600, "aggregate_interval", r);
  c.drain = opt_duration(n.get("drain"), 0, 86400, "drain", r);
  if (const Node* v = n.get("start")) {
    if (auto i = r.choice(*v, "capacity_start", "start")) c.synchronised_start = *i == 1;
  }
  if (const Node* v = n.get("warm_up")) {
    if (auto d = r.duration(*v, 0, kMaxScenarioSeconds, "warm_up")) {
      c.warm_up = *d;
      if (*d >= meta.duration)
        r.error(v->pos,
                "warm_up covers the whole run (metadata.duration): nothing would be scored");
    }
  }
  if (const Node* v = n.get("failures")) read_failures(*v, c, meta, r);
  return c;
}

}  // namespace iomtsim::scenarios::detail
