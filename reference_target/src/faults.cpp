#include "faults.hpp"

namespace iomtsim::reference_target {

Faults::Faults(const FaultConfig& cfg, Clock::time_point start)
    : cfg_(cfg),
      start_(start),
      rng_(physiology::stream_seed(cfg.seed, physiology::StreamKind::Target, 0xFA17)) {}

FaultAction Faults::draw() {
  if (!any_random()) return FaultAction::None;  // no lock on the common path
  double u = 0;
  {
    std::lock_guard lock(mutex_);
    u = rng_.uniform();
  }
  // One draw split into bands, so the fractions are exact shares of the messages.
  if (u < cfg_.close_fraction) return FaultAction::Close;
  u -= cfg_.close_fraction;
  if (u < cfg_.garbage_fraction) return FaultAction::Garbage;
  u -= cfg_.garbage_fraction;
  if (u < cfg_.reject_fraction) return FaultAction::Reject;
  return FaultAction::None;
}

std::optional<Faults::Clock::time_point> Faults::stall_until(Clock::time_point now) const {
  if (cfg_.stall_duration <= Duration::zero()) return std::nullopt;
  const auto begin = start_ + std::chrono::duration_cast<Clock::duration>(cfg_.stall_start);
  const auto end = begin + std::chrono::duration_cast<Clock::duration>(cfg_.stall_duration);
  if (now >= begin && now < end) return end;
  return std::nullopt;
}

std::string_view Faults::garbage() {
  // Not HTTP, not MLLP-framed, and a varint length far over any frame limit.
  static constexpr char kBytes[] =
      "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7fGARBAGE\x00\x01\x02 not a response";
  return {kBytes, sizeof(kBytes) - 1};
}

}  // namespace iomtsim::reference_target
