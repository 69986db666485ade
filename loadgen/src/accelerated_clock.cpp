#include "iomtsim/loadgen/accelerated_clock.hpp"

#include <stdexcept>

namespace iomtsim::loadgen {

AcceleratedClock::AcceleratedClock(Steady::time_point start, double speed)
    : start_(start), speed_(speed) {
  if (!(speed > 0.0)) throw std::invalid_argument("clock speed must be positive");
}

physiology::SimTime AcceleratedClock::to_scenario(Steady::time_point wall) const {
  const auto wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wall - start_).count();
  // Integer path at speed 1 keeps real-time runs exact; long double keeps ×N precise to
  // well under a microsecond over days.
  if (speed_ == 1.0) return physiology::SimTime{physiology::Duration{wall_ns}};
  const auto scaled = static_cast<long double>(wall_ns) * static_cast<long double>(speed_);
  return physiology::SimTime{physiology::Duration{static_cast<std::int64_t>(scaled)}};
}

AcceleratedClock::Steady::time_point AcceleratedClock::to_wall(physiology::SimTime t) const {
  const auto ns = t.time_since_epoch().count();
  if (speed_ == 1.0) return start_ + std::chrono::nanoseconds{ns};
  const auto scaled = static_cast<long double>(ns) / static_cast<long double>(speed_);
  return start_ + std::chrono::nanoseconds{static_cast<std::int64_t>(scaled)};
}

}  // namespace iomtsim::loadgen
