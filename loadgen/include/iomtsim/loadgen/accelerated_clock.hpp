#pragma once
// Scenario time on a real clock, optionally accelerated: at speed N, one wall second is N
// scenario seconds (×60 runs a 24-hour scenario in 24 minutes). The real-time engine asks
// it "what scenario time is it" and "when, on the steady clock, is scenario time t", so
// timers fire at the right wall instant for the intended send time of each reading.
#include <chrono>

#include "iomtsim/physiology/clock.hpp"

namespace iomtsim::loadgen {

class AcceleratedClock final : public physiology::Clock {
 public:
  using Steady = std::chrono::steady_clock;

  // `start` is the steady-clock instant that corresponds to scenario time zero.
  AcceleratedClock(Steady::time_point start, double speed);

  physiology::SimTime now() const override { return to_scenario(Steady::now()); }

  physiology::SimTime to_scenario(Steady::time_point wall) const;
  Steady::time_point to_wall(physiology::SimTime t) const;
  double speed() const { return speed_; }

 private:
  Steady::time_point start_;
  double speed_;
};

}  // namespace iomtsim::loadgen
