#pragma once
// A coarse latency histogram the progress display can read while an engine writes it:
// 4 buckets per power of two (about 19 % wide), relaxed atomics, one writer (the engine
// thread), any reader. Only for the live p50/p99 line; the report uses reports::Histogram.
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>

namespace iomtsim::loadgen::detail {

class LiveLatency {
 public:
  static constexpr std::size_t kBuckets = 4 * 64;

  static std::size_t index_of(std::uint64_t ns) {
    if (ns < 4) return static_cast<std::size_t>(ns);  // exact; buckets 4..7 stay unused
    const auto width = static_cast<int>(std::bit_width(ns));  // >= 3: index >= 8
    return static_cast<std::size_t>((width - 1) * 4) + ((ns >> (width - 3)) & 3);
  }
  // The lower edge of bucket i (index_of(lower_edge(i)) == i for every used bucket).
  static std::uint64_t lower_edge(std::size_t i) {
    if (i < 4) return i;
    if (i < 8) return 4;  // unused buckets
    const std::size_t exp = i / 4, frac = i % 4;
    return (std::uint64_t{1} << exp) + (frac << (exp - 2));
  }

  // Single writer: a plain load and store is enough (no read-modify-write).
  void record(std::int64_t ns) {
    auto& b = buckets_[index_of(ns > 0 ? static_cast<std::uint64_t>(ns) : 0)];
    b.store(b.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void add_to(std::array<std::uint64_t, kBuckets>& sum) const {
    for (std::size_t i = 0; i < kBuckets; ++i) sum[i] += buckets_[i].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
};

// The lower edge of the bucket holding percentile p (0..100) of `counts`; 0 when empty.
inline std::uint64_t live_percentile(const std::array<std::uint64_t, LiveLatency::kBuckets>& counts, double p) {
  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(total - 1));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen > rank) return LiveLatency::lower_edge(i);
  }
  return 0;
}

}  // namespace iomtsim::loadgen::detail
