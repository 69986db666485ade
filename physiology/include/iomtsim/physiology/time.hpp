#pragma once
// Scenario time for both modes: integer nanoseconds since the start of the scenario.
//
// SimTime is a std::chrono time_point on ScenarioClock, so it cannot be mixed up with
// wall-clock time points; Duration is std::chrono::nanoseconds. Nothing here reads a
// clock: "now" comes from an injected Clock (clock.hpp).
//
//   SimTime t = SimTime{} + std::chrono::minutes(5);
//   double s = to_seconds(t.time_since_epoch());
#include <chrono>
#include <cstdint>

namespace iomtsim::physiology {

using Duration = std::chrono::nanoseconds;

// A clock type tag: its epoch is the start of the scenario. It has no now(); use Clock.
struct ScenarioClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = Duration;
  using time_point = std::chrono::time_point<ScenarioClock, Duration>;
  static constexpr bool is_steady = true;
};

using SimTime = ScenarioClock::time_point;

// Conversions for model arithmetic, which works in double seconds internally.
constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
constexpr double to_seconds(SimTime t) { return to_seconds(t.time_since_epoch()); }
constexpr Duration from_seconds(double s) {
  return Duration{static_cast<std::int64_t>(s * 1e9 + (s >= 0 ? 0.5 : -0.5))};
}
constexpr SimTime at_seconds(double s) { return SimTime{from_seconds(s)}; }

}  // namespace iomtsim::physiology
