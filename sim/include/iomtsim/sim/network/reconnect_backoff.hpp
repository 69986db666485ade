#pragma once
// Reconnect back-off of one device: the k-th consecutive failed attempt waits
//   min(initial * 2^k, max) * (1 + u),  u uniform in [-jitter, +jitter)
// before the next attempt; reset() after a successful connection starts again at
// `initial`. The jitter is applied after the ceiling, so a delay may exceed `max` by up
// to the jitter fraction (as most client libraries do; it keeps retries of many devices
// from synchronising at the ceiling).
//
//   ReconnectBackoff b(profile.reconnect_initial, profile.reconnect_max, profile.reconnect_jitter);
//   Duration wait = b.next_delay(rng);   // 1 s ±20 %, then 2 s, 4 s, …, 60 s
//   b.reset();                           // connected
#include <cstdint>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::sim::network {

using physiology::Duration;
using physiology::Rng;

class ReconnectBackoff {
 public:
  // Throws NetworkConfigError if initial <= 0, max < initial or jitter not in [0, 1).
  ReconnectBackoff(Duration initial, Duration max, double jitter_fraction);

  // The wait before the next attempt; counts one failed attempt.
  Duration next_delay(Rng& rng);
  void reset() { attempts_ = 0; }
  std::uint32_t attempts() const { return attempts_; }
  // The delay of attempt k before jitter (for tests and explain texts).
  Duration base_delay(std::uint32_t k) const;

 private:
  Duration initial_;
  Duration max_;
  double jitter_;
  std::uint32_t attempts_ = 0;
};

}  // namespace iomtsim::sim::network
