#pragma once
// One-way network delay for one message: the profile's latency distribution (seconds)
// plus a uniform jitter in [0, jitter_s), never negative, returned as integer
// nanoseconds.
//
// Pitfalls:
// - A normal latency with a large sd would go negative; it is clamped at 0 (the clamp
//   shifts the mean up, so a test of the mean must use a distribution that stays
//   positive, or account for the truncation).
// - Pareto tails are unbounded; a single draw is capped at kMaxLatency (one day) so that
//   SimTime arithmetic cannot overflow. With any sensible profile the cap never binds.
//
//   LatencyModel lat(profile.latency_s, profile.jitter_s);
//   Duration d = lat.sample(rng);
#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::sim::network {

using physiology::Distribution;
using physiology::Duration;
using physiology::Rng;

class LatencyModel {
 public:
  static constexpr double kMaxLatencySeconds = 86400.0;

  // Throws NetworkConfigError if jitter_s is negative or not finite.
  LatencyModel(Distribution latency_s, double jitter_s);

  Duration sample(Rng& rng) const;

  const Distribution& distribution() const { return latency_s_; }
  double jitter_s() const { return jitter_s_; }

 private:
  Distribution latency_s_;
  double jitter_s_;
};

}  // namespace iomtsim::sim::network
