#pragma once
// The injected source of "now". The real-time engine gives (possibly accelerated) wall
// time mapped onto scenario time; the SimGrid engine gives simulated time; tests give a
// ManualClock. Physiology code never reads a clock itself: it is asked for the value at
// a time.
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SimTime now() const = 0;
};

// A clock that only moves when told to: for tests and for replays driven by data.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SimTime start = SimTime{}) : now_(start) {}
  SimTime now() const override { return now_; }
  void set(SimTime t) { now_ = t; }
  void advance(Duration d) { now_ += d; }

 private:
  SimTime now_;
};

}  // namespace iomtsim::physiology
