#pragma once
// Fault injection decisions, shared by every transport. One seeded stream behind a mutex:
// the sequence of decisions is reproducible for a given seed and message order.
#include <chrono>
#include <mutex>
#include <optional>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/reference_target/config.hpp"

namespace iomtsim::reference_target {

enum class FaultAction : std::uint8_t { None, Reject, Close, Garbage };

class Faults {
 public:
  using Clock = std::chrono::steady_clock;
  Faults(const FaultConfig& cfg, Clock::time_point start);

  // What to do with one message that is ready to be answered.
  FaultAction draw();
  // During the stall window: when it ends (hold the answer until then). Else nullopt.
  std::optional<Clock::time_point> stall_until(Clock::time_point now) const;
  bool any_random() const {
    return cfg_.reject_fraction > 0 || cfg_.close_fraction > 0 || cfg_.garbage_fraction > 0;
  }

  // Bytes that are no valid answer in any of our protocols.
  static std::string_view garbage();

 private:
  FaultConfig cfg_;
  Clock::time_point start_;
  std::mutex mutex_;
  physiology::Rng rng_;
};

}  // namespace iomtsim::reference_target
