// The `capacity:` section in plain words (part of `iomtsim explain`).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "iomtsim/scenarios/explain.hpp"

namespace iomtsim::scenarios {
namespace {

std::string bandwidth_words(double bps) {
  char buf[64];
  const auto fmt = [&](double v, const char* unit) {
    std::snprintf(buf, sizeof buf, std::fabs(v - std::round(v)) < 1e-9 ? "%.0f %s" : "%.3g %s", v,
                  unit);
    return std::string(buf);
  };
  if (bps >= 1e9) return fmt(bps / 1e9, "Gbit/s");
  if (bps >= 1e6) return fmt(bps / 1e6, "Mbit/s");
  if (bps >= 1e3) return fmt(bps / 1e3, "kbit/s");
  return fmt(bps, "bit/s");
}

// Sub-millisecond times (service times, switch latencies) in microseconds.
std::string time_words(Duration d) {
  const double s = physiology::to_seconds(d);
  if (s > 0 && s < 1e-3) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f us", s * 1e6);
    return buf;
  }
  return describe_duration(s);
}

std::string link_words(const CapacityLink& l) {
  std::string out;
  if (l.bandwidth_bps) out += bandwidth_words(*l.bandwidth_bps);
  if (l.latency) out += (out.empty() ? "" : ", ") + time_words(*l.latency) + " one way";
  return out;
}

constexpr const char* kDefault = "the simulator's default";

}  // namespace

std::string explain_capacity(const CapacitySpec& c) {
  std::ostringstream o;
  o << "Capacity model (simulated-time runs: iomtsim simulate / sweep; their options override "
       "these):\n";
  if (!c.platform_file.empty())
    o << "  platform: the SimGrid XML file " << c.platform_file
      << " (hosts ap0.. and server0..) instead of the built one\n";
  o << "  access points: ";
  if (c.aps_per_ward)
    o << *c.aps_per_ward << " per ward";
  else if (c.devices_per_ap)
    o << "one per " << *c.devices_per_ap << " devices of a ward";
  else
    o << "as many per ward as " << kDefault << " gives";
  if (const auto l = link_words(c.ap_link); !l.empty()) o << ", each on a link of " << l;
  o << "\n";
  o << "  core switch: " << (link_words(c.core).empty() ? kDefault : link_words(c.core)) << "\n";
  o << "  WAN link: " << (link_words(c.wan).empty() ? kDefault : link_words(c.wan)) << "\n";
  if (!c.stages.empty()) {
    o << "  the pipeline, in " << c.stages.size() << (c.stages.size() == 1 ? " stage" : " stages")
      << "; a reading is answered when it leaves the last:\n";
    for (std::size_t k = 0; k < c.stages.size(); ++k) {
      const auto& st = c.stages[k];
      o << "    " << k + 1 << ". " << st.name << ": " << st.count
        << (st.count == 1 ? " instance" : " instances") << " of " << st.workers
        << (st.workers == 1 ? " worker" : " workers") << ", "
        << (st.service_distribution ? "on average " : "") << time_words(st.service_time)
        << " of work per reading";
      if (st.queue_capacity) o << ", rejecting when " << *st.queue_capacity << " are waiting";
      if (const auto l = link_words(st.link); !l.empty())
        o << (k == 0 ? "; behind the load balancer on a link of " : "; reached after ") << l;
      o << "\n";
    }
  } else {
  o << "  ingest servers: "
    << (c.servers ? std::to_string(*c.servers) : std::string("the default number of"))
    << " behind a load balancer";
  if (c.workers_per_server) o << ", " << *c.workers_per_server << " workers each";
  if (c.service_time) o << ", " << time_words(*c.service_time) << " of work per reading";
  if (c.queue_capacity)
    o << ", rejecting readings when " << *c.queue_capacity << " are already waiting";
  if (const auto l = link_words(c.server_link); !l.empty()) o << "; each on a link of " << l;
  o << "\n";
  }
  if (c.lb_detection)
    o << "  a failed server still gets traffic for " << time_words(*c.lb_detection) << "\n";
  if (c.alert_delivery)
    o << "  alerts reach the webhook " << time_words(*c.alert_delivery)
      << " after the target emits them\n";
  const std::string every =
      "one communication per access point every " +
      (c.aggregate_interval ? time_words(*c.aggregate_interval) : std::string("10 s"));
  o << "  fidelity: ";
  if (!c.fidelity || *c.fidelity == CapacityFidelity::Auto)
    o << "chosen by scale: one communication per device message below "
      << (c.aggregate_above_devices ? std::to_string(*c.aggregate_above_devices)
                                    : std::string("the default number of"))
      << " devices, " << every << " from there on";
  else if (*c.fidelity == CapacityFidelity::PerReading)
    o << "one communication per device message";
  else
    o << "aggregated, " << every;
  o << "\n";
  for (const auto& f : c.failures) {
    o << "  failure: ";
    if (f.kind == CapacityFailure::Kind::Server)
      o << "server " << f.server;
    else
      o << "link " << f.link;
    o << " goes down at " << describe_duration(physiology::to_seconds(f.at));
    if (f.length)
      o << " for " << describe_duration(physiology::to_seconds(*f.length));
    else
      o << " until the end of the run";
    o << "\n";
  }
  if (c.drain)
    o << "  answers are awaited for " << time_words(*c.drain) << " after the scenario ends\n";
  o << (c.synchronised_start
            ? "  devices start together (synchronised: a power cut, a shift change)\n"
            : "  devices start at phases drawn from the seed over their message period\n");
  if (c.warm_up)
    o << "  the first " << time_words(*c.warm_up)
      << " after the ramp-up are simulated but not scored (warm-up)\n";
  return o.str();
}

}  // namespace iomtsim::scenarios
