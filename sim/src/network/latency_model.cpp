#include "iomtsim/sim/network/latency_model.hpp"

#include <cmath>
#include <utility>

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim::network {

LatencyModel::LatencyModel(Distribution latency_s, double jitter_s)
    : latency_s_(std::move(latency_s)), jitter_s_(jitter_s) {
  if (!std::isfinite(jitter_s_) || jitter_s_ < 0.0) {
    throw NetworkConfigError("network profile: jitter must be a finite, non-negative time");
  }
}

Duration LatencyModel::sample(Rng& rng) const {
  double s = latency_s_.sample(rng);
  // Always draw the jitter, even when it is zero, so the number of draws per message is
  // fixed and a profile change of jitter alone does not shift the loss stream.
  s += rng.uniform() * jitter_s_;
  // NaN (e.g. a Pareto with shape 0) compares false everywhere: treat it as zero delay
  // rather than let it reach the integer conversion, which would be undefined.
  if (!(s > 0.0)) return Duration::zero();
  if (s > kMaxLatencySeconds) s = kMaxLatencySeconds;
  return physiology::from_seconds(s);
}

}  // namespace iomtsim::sim::network
