#pragma once
// Bandwidth of a link shared by several devices: a FIFO serialisation queue. A message
// that is ready at `ready` starts transmitting when the link is free, and occupies it for
// payload_bytes * 8 / bandwidth_bps; transmit_done returns the instant its last bit left.
// Propagation delay (LatencyModel) comes on top, per message.
//
// FIFO in call order: the engines call in non-decreasing `ready` order (the fleet merges
// events by time); a call with an earlier `ready` than a previous one still queues behind
// it, as a real FIFO would for a late enqueue.
//
// Rounding: each message's occupation is rounded to whole nanoseconds, but the link keeps
// the exact bit count since it last went idle, so no rounding error accumulates in a
// long saturated run (throughput equals the configured rate to the nanosecond).
//
// Not thread-safe: a real-time engine driving one link from several threads must serialise
// calls to transmit_done (one strand or mutex per link).
//
// LinkRegistry hands out one SharedLink per `shared_link` name, so every device whose
// profile names the same link shares one queue; a profile with bandwidth but no link
// name gets a private link per device.
//
//   LinkRegistry links;
//   SharedLink* l = links.link_for(profile);        // nullptr: unlimited bandwidth
//   SimTime done = l ? l->transmit_done(t, 512) : t;
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/network_profile.hpp"

namespace iomtsim::sim::network {

using physiology::Duration;
using physiology::SimTime;

class SharedLink {
 public:
  // Throws NetworkConfigError unless bandwidth_bps is finite and > 0.
  explicit SharedLink(double bandwidth_bps);

  SimTime transmit_done(SimTime ready, std::size_t payload_bytes);

  double bandwidth_bps() const { return bandwidth_bps_; }
  // When the link is next idle (the end of the last accepted transmission).
  SimTime busy_until() const { return busy_until_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t messages_sent() const { return messages_sent_; }

 private:
  double bandwidth_bps_;
  SimTime busy_since_{};            // start of the current busy period
  long double bits_in_period_ = 0;  // bits queued since busy_since_
  SimTime busy_until_{};
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t messages_sent_ = 0;
};

class LinkRegistry {
 public:
  // The link this profile's device should use, created on first use; nullptr when the
  // profile has no bandwidth limit. Throws NetworkConfigError if two profiles name the
  // same link with different bandwidths. The pointer stays valid as long as the registry.
  SharedLink* link_for(const scenarios::NetworkProfile& profile);
  std::size_t size() const { return named_.size() + anonymous_.size(); }
  const SharedLink* find(const std::string& name) const;

 private:
  std::map<std::string, std::unique_ptr<SharedLink>> named_;
  std::vector<std::unique_ptr<SharedLink>> anonymous_;  // one per unnamed bandwidth profile use
};

}  // namespace iomtsim::sim::network
