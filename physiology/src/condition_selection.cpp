// Exact-count conditions: "3 of these 24 patients" must be exactly 3 whatever order or
// shard the patients are generated in, and deciding one patient must not cost a pass over
// the cohort (cohorts reach millions). A seeded bijection of [0, n) does both: patient i
// has the condition when perm(i) < count. The bijection is a balanced Feistel network on
// the next even power of two, walked until it lands inside [0, n) (cycle walking, Black
// and Rogaway 2002): at most four times the domain on average, so a few steps.
#include <algorithm>

#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology {
namespace {

std::uint64_t feistel(std::uint64_t x, unsigned half_bits, std::uint64_t key) {
  const std::uint64_t mask = (std::uint64_t{1} << half_bits) - 1;
  std::uint64_t left = x >> half_bits;
  std::uint64_t right = x & mask;
  for (std::uint64_t round = 0; round < 4; ++round) {
    const std::uint64_t f = splitmix64(key ^ (round << 56) ^ right) & mask;
    const std::uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << half_bits) | right;
}

std::uint64_t permute(std::uint64_t i, std::uint64_t n, std::uint64_t key) {
  unsigned bits = 2;
  while ((std::uint64_t{1} << bits) < n) bits += 2;
  std::uint64_t x = i;
  do {
    x = feistel(x, bits / 2, key);
  } while (x >= n);
  return x;
}

}  // namespace

std::uint32_t cohort_local_index(const CohortSpec& cohort, std::uint32_t global_index) {
  if (cohort.count == 0) return 0;
  if (global_index >= cohort.first_index && global_index - cohort.first_index < cohort.count)
    return global_index - cohort.first_index;
  return global_index % cohort.count;
}

std::string_view bed_label(const CohortSpec& cohort, std::uint32_t global_index) {
  if (cohort.beds.empty()) return {};
  const std::uint32_t local = cohort_local_index(cohort, global_index);
  return local < cohort.beds.size() ? std::string_view(cohort.beds[local]) : std::string_view{};
}

bool condition_selects(const CohortSpec& cohort, std::size_t condition_index, std::uint32_t local,
                       std::uint64_t seed) {
  const ConditionSpec& c = cohort.conditions.at(condition_index);
  if (!c.patients.empty())
    return std::find(c.patients.begin(), c.patients.end(), local) != c.patients.end();
  if (!c.count || cohort.count == 0 || local >= cohort.count) return false;
  const std::uint64_t key =
      stream_seed(seed, StreamKind::Condition, cohort.first_index, 0x20000 + condition_index);
  return permute(local, cohort.count, key) < std::min(*c.count, cohort.count);
}

}  // namespace iomtsim::physiology
