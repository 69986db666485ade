#include "iomtsim/sim/simgrid/capacity_model.hpp"

#include <charconv>
#include <cmath>

#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::sim::simgrid {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view name(Fidelity f) {
  switch (f) {
    case Fidelity::Auto:
      return "auto";
    case Fidelity::PerReading:
      return "per-reading";
    case Fidelity::Aggregated:
      return "aggregated";
  }
  return "auto";
}

Fidelity parse_fidelity(std::string_view text) {
  for (auto f : {Fidelity::Auto, Fidelity::PerReading, Fidelity::Aggregated})
    if (name(f) == text) return f;
  throw CapacityError("fidelity must be auto, per-reading or aggregated, not '" +
                      std::string(text) + "'");
}

Duration parse_duration(std::string_view text) {
  const auto t = trim(text);
  // The scenario units stop at milliseconds; service times need micro- and nanoseconds.
  for (auto [suffix, scale] :
       {std::pair<std::string_view, double>{"us", 1e-6}, {"µs", 1e-6}, {"ns", 1e-9}}) {
    if (!ends_with(t, suffix)) continue;
    const auto num = trim(t.substr(0, t.size() - suffix.size()));
    double v = 0;
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc{} || p != num.data() + num.size() || !(v >= 0) || !std::isfinite(v))
      throw CapacityError("expected a duration such as '250us', '2ms' or '3h', found '" +
                          std::string(text) + "'");
    return physiology::from_seconds(v * scale);
  }
  const auto q = scenarios::parse_quantity(t, scenarios::QuantityKind::TimeSpan);
  if (!q.value || *q.value < 0)
    throw CapacityError("expected a duration such as '250us', '2ms' or '3h', found '" +
                        std::string(text) + "'" + (q.error.empty() ? "" : ": " + q.error));
  const auto d = scenarios::seconds_to_duration(*q.value);
  if (!d) throw CapacityError("duration out of range: '" + std::string(text) + "'");
  return *d;
}

double parse_bandwidth_bps(std::string_view text) {
  const auto t = trim(text);
  double v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc{} && p == t.data() + t.size() && v > 0 && std::isfinite(v)) return v;
  const auto q = scenarios::parse_quantity(t, scenarios::QuantityKind::Bandwidth);
  if (!q.value || !(*q.value > 0))
    throw CapacityError("expected a bandwidth such as '1Gbps' or '100 Mbps', found '" +
                        std::string(text) + "'" + (q.error.empty() ? "" : ": " + q.error));
  return *q.value;
}

ScheduledFailure parse_failure(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return CapacityError("--fail '" + std::string(text) + "': " + why +
                         " (expected server:N@TIME[+LENGTH] or link:NAME@TIME[+LENGTH])");
  };
  const auto colon = text.find(':');
  const auto at = text.find('@');
  if (colon == std::string_view::npos || at == std::string_view::npos || at < colon)
    throw bad("missing ':' or '@'");
  const auto kind = trim(text.substr(0, colon));
  const auto what = trim(text.substr(colon + 1, at - colon - 1));
  auto when = text.substr(at + 1);
  ScheduledFailure f;
  if (const auto plus = when.find('+'); plus != std::string_view::npos) {
    f.length = parse_duration(when.substr(plus + 1));
    if (f.length->count() <= 0) throw bad("length must be positive");
    when = when.substr(0, plus);
  }
  f.at = SimTime{parse_duration(when)};
  if (kind == "server") {
    f.kind = ScheduledFailure::Kind::Server;
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(what.data(), what.data() + what.size(), v);
    if (ec != std::errc{} || p != what.data() + what.size())
      throw bad("server index must be a number");
    f.server = v;
  } else if (kind == "link") {
    f.kind = ScheduledFailure::Kind::Link;
    if (what.empty()) throw bad("link name is empty");
    f.link = std::string(what);
  } else {
    throw bad("kind must be 'server' or 'link'");
  }
  return f;
}

void CapacityModel::validate() const {
  auto need = [](bool ok, const char* what) {
    if (!ok) throw CapacityError(what);
  };
  need(servers > 0, "servers must be at least 1");
  need(workers_per_server > 0, "workers per server must be at least 1");
  need(service_time.count() > 0, "service time must be positive");
  need(devices_per_ap > 0, "devices per access point must be at least 1");
  for (double bw :
       {ap_bandwidth_bps, core_bandwidth_bps, wan_bandwidth_bps, server_link_bandwidth_bps})
    need(bw > 0 && std::isfinite(bw), "bandwidths must be positive and finite");
  for (Duration d : {ap_latency, core_latency, wan_latency, server_link_latency, alert_delivery,
                     lb_detection, drain})
    need(d.count() >= 0, "latencies and delays must not be negative");
  need(aggregate_interval.count() > 0, "aggregate interval must be positive");
  for (const auto& st : downstream) {
    const std::string at = "stage '" + st.name + "': ";
    if (st.count == 0) throw CapacityError(at + "count must be at least 1");
    if (st.workers == 0) throw CapacityError(at + "workers must be at least 1");
    if (st.service_time.count() <= 0) throw CapacityError(at + "service time must be positive");
    if (st.link_latency.count() < 0) throw CapacityError(at + "latency must not be negative");
  }
  for (const auto& f : failures)
    if (f.kind == ScheduledFailure::Kind::Server && f.server >= servers)
      throw CapacityError("--fail names server " + std::to_string(f.server) + " but there are " +
                          std::to_string(servers) + " servers (numbered from 0)");
}

}  // namespace iomtsim::sim::simgrid
