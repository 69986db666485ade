#include "iomtsim/sim/network/reconnect_backoff.hpp"

#include <cmath>

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim::network {

ReconnectBackoff::ReconnectBackoff(Duration initial, Duration max, double jitter_fraction)
    : initial_(initial), max_(max), jitter_(jitter_fraction) {
  if (initial_ <= Duration::zero() || max_ < initial_) {
    throw NetworkConfigError(
        "network profile: reconnect back-off needs 0 < reconnect_initial <= reconnect_max");
  }
  if (!(jitter_ >= 0.0 && jitter_ < 1.0)) {
    throw NetworkConfigError("network profile: reconnect_jitter must be in [0, 1)");
  }
}

Duration ReconnectBackoff::base_delay(std::uint32_t k) const {
  // Doubling by repeated comparison instead of a shift: no overflow for large k.
  Duration d = initial_;
  for (std::uint32_t i = 0; i < k && d < max_; ++i) d = (d > max_ / 2) ? max_ : d * 2;
  return d < max_ ? d : max_;
}

Duration ReconnectBackoff::next_delay(Rng& rng) {
  const Duration base = base_delay(attempts_);
  ++attempts_;
  const double factor = 1.0 + jitter_ * (2.0 * rng.uniform() - 1.0);
  const double ns = std::round(static_cast<double>(base.count()) * factor);
  // factor > 0 because jitter < 1; at least 1 ns so attempts always move forward.
  return Duration{ns < 1.0 ? 1 : static_cast<std::int64_t>(ns)};
}

}  // namespace iomtsim::sim::network
