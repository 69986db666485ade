#pragma once
// The memory budget for request bodies and partial frames held at once, across every
// connection (LimitsConfig::body_memory_budget_bytes). A session takes what it is about to
// buffer before it reads it and gives it back once the message is handled, so the bodies
// the target holds never pass the budget however many connections send at once.
//
//   BodyLease lease(budget);
//   if (!lease.resize(content_length)) return answer_503_retry_after();
//   ... read and handle the body ...
//   lease.resize(0);   // or let it go out of scope
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace iomtsim::reference_target {

class BodyBudget {
 public:
  BodyBudget(std::size_t limit_bytes, std::atomic<std::uint64_t>& in_flight_gauge)
      : limit_(limit_bytes), gauge_(in_flight_gauge) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // All or nothing; false when `bytes` more would pass the limit.
  bool try_take(std::size_t bytes) {
    std::size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (bytes > limit_ || used > limit_ - bytes) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    gauge_.fetch_add(bytes, std::memory_order_relaxed);
    return true;
  }
  void give_back(std::size_t bytes) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    gauge_.fetch_sub(bytes, std::memory_order_relaxed);
  }
  std::size_t limit() const { return limit_; }
  std::size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  std::size_t limit_;
  std::atomic<std::size_t> used_{0};
  std::atomic<std::uint64_t>& gauge_;  // Metrics::body_bytes_in_flight
};

// What one session holds from the budget; returned when it shrinks or dies.
class BodyLease {
 public:
  explicit BodyLease(BodyBudget& budget) : budget_(budget) {}
  ~BodyLease() { resize(0); }
  BodyLease(const BodyLease&) = delete;
  BodyLease& operator=(const BodyLease&) = delete;

  // Holds exactly `bytes` from now on; false (and unchanged) when growing does not fit.
  bool resize(std::size_t bytes) {
    if (bytes > held_) {
      if (!budget_.try_take(bytes - held_)) return false;
    } else if (bytes < held_) {
      budget_.give_back(held_ - bytes);
    }
    held_ = bytes;
    return true;
  }
  bool grow_by(std::size_t bytes) { return resize(held_ + bytes); }
  std::size_t held() const { return held_; }

 private:
  BodyBudget& budget_;
  std::size_t held_ = 0;
};

}  // namespace iomtsim::reference_target
