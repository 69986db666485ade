#pragma once
// A compact HDR-style histogram (after Gil Tene's HdrHistogram) for integer values,
// in iomtsim always latencies in integer nanoseconds.
//
// Semantics follow HdrHistogram: values from `lowest_discernible` to `highest_trackable`
// are kept with `significant_digits` decimal digits of precision, i.e. a value v is
// reported as some value within v * 10^-digits of it (3 digits: at most 0.1 % error; with
// lowest_discernible = 1 ns that holds from 1 µs to the highest trackable value). Buckets
// are powers of two split linearly into 2^ceil(log2(2*10^digits)) sub-buckets.
//
// Merge is exact: two histograms with the same configuration merge by adding bucket
// counts, so the histogram of N shards equals the histogram of one run over the same
// values. Percentiles, min, max and mean are computed from the buckets (mean uses each
// bucket's median-equivalent value), so they too survive merge and JSON round trips.
//
// Pitfalls:
// - Values below 0 or above highest_trackable are clamped into range and counted in
//   clamped_count(): nothing is dropped silently.
// - The counts array grows only up to the largest value seen, so a histogram of
//   millisecond latencies stays small even when highest_trackable is a day.
//
//   Histogram h;                       // 1 ns .. 24 h, 3 digits
//   h.record(1'500'000);               // 1.5 ms
//   std::int64_t p99_ns = h.value_at_percentile(99.0);
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iomtsim::reports {

// Thrown for an invalid configuration, a merge of differently configured histograms, or
// malformed serialised input.
class HistogramError : public std::exception {
 public:
  explicit HistogramError(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

struct HistogramConfig {
  std::int64_t lowest_discernible = 1;                  // >= 1
  std::int64_t highest_trackable = 86'400'000'000'000;  // 24 h in ns; >= 2 * lowest
  int significant_digits = 3;                           // 1 ..= 5
  bool operator==(const HistogramConfig&) const = default;
};

class Histogram {
 public:
  Histogram() : Histogram(HistogramConfig{}) {}
  explicit Histogram(const HistogramConfig& config);

  const HistogramConfig& config() const { return config_; }

  // Records `count` occurrences of `value`. Hot path: a few shifts and one add.
  void record(std::int64_t value, std::int64_t count = 1) {
    if (value < 0 || value > config_.highest_trackable) {
      value = value < 0 ? 0 : config_.highest_trackable;
      clamped_ += count;
    }
    const std::size_t i = counts_index(value);
    if (i >= counts_.size()) grow(i);
    counts_[i] += count;
    total_ += count;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }
  // HdrHistogram's coordinated-omission correction for closed-loop measurements: also
  // records the values a stalled request hid, value - k*interval for k = 1, 2, … while
  // above `expected_interval`. iomtsim's load is open loop and already measures from
  // the intended send time, so engines do not need this; it is here for imported data.
  void record_corrected(std::int64_t value, std::int64_t expected_interval);

  // Adds every count of `other`. Throws HistogramError if the configurations differ.
  void merge(const Histogram& other);

  std::int64_t count() const { return total_; }
  std::int64_t clamped_count() const { return clamped_; }
  bool empty() const { return total_ == 0; }
  // Exact recorded extremes (0 when empty).
  std::int64_t min() const { return total_ ? min_ : 0; }
  std::int64_t max() const { return total_ ? max_ : 0; }
  double mean() const;
  // The value at percentile p in [0, 100] as HdrHistogram reports it: the highest value
  // equivalent to the bucket holding the p-th percentile, capped at max(). 0 when empty.
  std::int64_t value_at_percentile(double p) const;
  // Fraction of recorded values <= v (for CDF plots).
  double fraction_at_or_below(std::int64_t v) const;

  // Values that fall in one bucket are "equivalent": [lowest_equivalent, highest_equivalent].
  std::int64_t lowest_equivalent(std::int64_t v) const;
  std::int64_t highest_equivalent(std::int64_t v) const;

  // Non-zero buckets as (index, count) pairs, ascending; the sparse form used by JSON.
  std::vector<std::pair<std::size_t, std::int64_t>> nonzero_buckets() const;
  // Lowest value of bucket `index`.
  std::int64_t value_at_index(std::size_t index) const;
  // Rebuilds from sparse buckets plus the exact extremes (inverse of the above).
  static Histogram from_buckets(const HistogramConfig& config,
                                const std::vector<std::pair<std::size_t, std::int64_t>>& buckets,
                                std::int64_t min, std::int64_t max, std::int64_t clamped);

  // Compact JSON text: {"lowest":…,"highest":…,"digits":…,"count":…,"min":…,"max":…,
  // "clamped":…,"buckets":[[index,count],…]}. See reports/REPORT_FORMAT.md.
  std::string to_json() const;
  static Histogram from_json(std::string_view text);

  bool operator==(const Histogram& other) const;

 private:
  std::size_t counts_index(std::int64_t value) const {
    const auto v = static_cast<std::uint64_t>(value) | sub_bucket_mask_;
    const int pow2ceiling = 64 - __builtin_clzll(v);
    const int bucket = pow2ceiling - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
    const auto sub_bucket =
        static_cast<std::int64_t>(static_cast<std::uint64_t>(value) >> (bucket + unit_magnitude_));
    return static_cast<std::size_t>(
        (static_cast<std::int64_t>(bucket + 1) << sub_bucket_half_count_magnitude_) +
        (sub_bucket - sub_bucket_half_count_));
  }
  void grow(std::size_t index);

  HistogramConfig config_;
  int unit_magnitude_ = 0;
  int sub_bucket_half_count_magnitude_ = 0;
  std::int64_t sub_bucket_half_count_ = 0;
  std::int64_t sub_bucket_count_ = 0;
  std::uint64_t sub_bucket_mask_ = 0;
  std::size_t max_counts_len_ = 0;
  std::vector<std::int64_t> counts_;
  std::int64_t total_ = 0;
  std::int64_t clamped_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
};

}  // namespace iomtsim::reports
