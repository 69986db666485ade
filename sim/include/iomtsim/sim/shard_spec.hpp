#pragma once
// Which part of the fleet one process simulates: shard `index` of `count`.
//
// Patient p (its global index, continuous across cohorts in file order) belongs to shard
// p % count. Round-robin rather than contiguous blocks, so every shard gets a similar mix
// of cohorts (a scenario's first cohort is often its ICU, its last a home cohort), and a
// shard's k-th patient is p = index + k * count (O(1) lookups both ways).
//
//   auto shard = ShardSpec::parse("2/8");   // third of eight shards
//   if (shard && shard->owns(p)) …
#include <cstdint>
#include <optional>
#include <string_view>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::sim {

struct ShardSpec {
  std::uint32_t index = 0;  // 0-based, < count
  std::uint32_t count = 1;  // > 0

  bool valid() const { return count > 0 && index < count; }
  bool owns(physiology::PatientIndex p) const { return p % count == index; }
  // Patients of this shard among global indices [0, total).
  std::uint64_t patients_in(std::uint64_t total) const {
    return total > index ? (total - index + count - 1) / count : 0;
  }
  // The shard-local position of an owned patient, and back.
  std::uint64_t local_of(physiology::PatientIndex p) const { return p / count; }
  physiology::PatientIndex global_of(std::uint64_t local) const {
    return static_cast<physiology::PatientIndex>(local * count + index);
  }

  // "K/N" as on the command line (--shard 2/8). nullopt unless 0 <= K < N.
  static std::optional<ShardSpec> parse(std::string_view text);
  bool operator==(const ShardSpec&) const = default;
};

}  // namespace iomtsim::sim
