#pragma once
// Time-bucket arithmetic shared by the recorder and merge. Buckets are
// [index * width, (index + 1) * width) of scenario time; coarsening by an integer factor
// merges buckets exactly (floor(floor(t / w) / k) == floor(t / (k w))), so series of
// different widths W and 2^n W can always be brought to the coarser one.
#include <cstdint>
#include <map>
#include <vector>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Adds `b` into the bucket of the same index in `into`.
inline void add_bucket(std::map<std::int64_t, TimeBucket>& into, std::int64_t index,
                       const TimeBucket& b) {
  auto [it, inserted] = into.try_emplace(index, b);
  if (inserted) {
    it->second.index = index;
    return;
  }
  it->second.delivery += b.delivery;
  it->second.ingest_latency.merge(b.ingest_latency);
}

// Sorted buckets of width w -> sorted buckets of width factor * w.
inline std::vector<TimeBucket> coarsen(const std::vector<TimeBucket>& in, std::int64_t factor) {
  if (factor == 1) return in;
  std::map<std::int64_t, TimeBucket> out;
  for (const auto& b : in) add_bucket(out, floor_div(b.index, factor), b);
  std::vector<TimeBucket> v;
  v.reserve(out.size());
  for (auto& [i, b] : out) v.push_back(std::move(b));
  return v;
}

}  // namespace iomtsim::reports
