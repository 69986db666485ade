#include "iomtsim/sim/network/shared_link.hpp"

#include <cmath>

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim::network {

SharedLink::SharedLink(double bandwidth_bps) : bandwidth_bps_(bandwidth_bps) {
  if (!std::isfinite(bandwidth_bps_) || !(bandwidth_bps_ > 0.0)) {
    throw NetworkConfigError("network profile: bandwidth must be a positive, finite rate");
  }
}

SimTime SharedLink::transmit_done(SimTime ready, std::size_t payload_bytes) {
  if (ready >= busy_until_) {
    // The link went idle: start a new busy period at `ready`.
    busy_since_ = ready;
    bits_in_period_ = 0;
  }
  bits_in_period_ += static_cast<long double>(payload_bytes) * 8.0L;
  // The end of this message measured from the start of the busy period, rounded once,
  // so rounding does not accumulate across the messages of the period.
  const long double ns = bits_in_period_ * 1e9L / static_cast<long double>(bandwidth_bps_);
  busy_until_ = busy_since_ + Duration{static_cast<std::int64_t>(std::llround(ns))};
  bytes_sent_ += payload_bytes;
  ++messages_sent_;
  return busy_until_;
}

SharedLink* LinkRegistry::link_for(const scenarios::NetworkProfile& profile) {
  if (!profile.bandwidth_bps) return nullptr;
  const double bps = *profile.bandwidth_bps;
  if (profile.shared_link.empty()) {
    anonymous_.push_back(std::make_unique<SharedLink>(bps));
    return anonymous_.back().get();
  }
  auto it = named_.find(profile.shared_link);
  if (it == named_.end()) {
    it = named_.emplace(profile.shared_link, std::make_unique<SharedLink>(bps)).first;
  } else if (it->second->bandwidth_bps() != bps) {
    throw NetworkConfigError("network profile '" + profile.name + "': shared link '" +
                             profile.shared_link + "' already has another bandwidth");
  }
  return it->second.get();
}

const SharedLink* LinkRegistry::find(const std::string& name) const {
  auto it = named_.find(name);
  return it == named_.end() ? nullptr : it->second.get();
}

}  // namespace iomtsim::sim::network
