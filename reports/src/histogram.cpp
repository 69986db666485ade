#include "iomtsim/reports/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace iomtsim::reports {

Histogram::Histogram(const HistogramConfig& config) : config_(config) {
  if (config.significant_digits < 1 || config.significant_digits > 5)
    throw HistogramError("histogram: significant_digits must be 1..5, got " +
                         std::to_string(config.significant_digits));
  if (config.lowest_discernible < 1)
    throw HistogramError("histogram: lowest_discernible must be >= 1");
  if (config.highest_trackable < 2 * config.lowest_discernible)
    throw HistogramError("histogram: highest_trackable must be >= 2 * lowest_discernible");

  // Same derivation as HdrHistogram_c's hdr_calculate_bucket_config.
  const auto largest_single_unit =
      static_cast<std::int64_t>(2 * std::pow(10.0, config.significant_digits));
  const int sub_bucket_count_magnitude =
      static_cast<int>(std::ceil(std::log2(static_cast<double>(largest_single_unit))));
  sub_bucket_half_count_magnitude_ = std::max(sub_bucket_count_magnitude, 1) - 1;
  unit_magnitude_ = 63 - __builtin_clzll(static_cast<std::uint64_t>(config.lowest_discernible));
  if (unit_magnitude_ + sub_bucket_half_count_magnitude_ > 61)
    throw HistogramError("histogram: lowest_discernible too large for the precision asked");
  sub_bucket_count_ = std::int64_t{1} << (sub_bucket_half_count_magnitude_ + 1);
  sub_bucket_half_count_ = sub_bucket_count_ / 2;
  sub_bucket_mask_ = static_cast<std::uint64_t>(sub_bucket_count_ - 1) << unit_magnitude_;

  std::int64_t smallest_untrackable = sub_bucket_count_ << unit_magnitude_;
  int buckets = 1;
  while (smallest_untrackable <= config.highest_trackable) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  max_counts_len_ = static_cast<std::size_t>((buckets + 1) * sub_bucket_half_count_);
}

void Histogram::grow(std::size_t index) {
  // Doubling keeps growth amortised; the cap is the full HdrHistogram counts length.
  std::size_t n = std::max<std::size_t>(
      {index + 1, counts_.size() * 2, static_cast<std::size_t>(sub_bucket_count_)});
  counts_.resize(std::min(n, max_counts_len_), 0);
}

void Histogram::record_corrected(std::int64_t value, std::int64_t expected_interval) {
  record(value);
  if (expected_interval <= 0) return;
  for (std::int64_t missing = value - expected_interval; missing >= expected_interval;
       missing -= expected_interval)
    record(missing);
}

void Histogram::merge(const Histogram& other) {
  if (!(other.config_ == config_))
    throw HistogramError("histogram: cannot merge histograms with different configurations");
  if (other.total_ == 0 && other.clamped_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  clamped_ += other.clamped_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::int64_t Histogram::value_at_index(std::size_t index) const {
  auto bucket = static_cast<std::int64_t>(index >> sub_bucket_half_count_magnitude_) - 1;
  auto sub =
      static_cast<std::int64_t>(index & static_cast<std::size_t>(sub_bucket_half_count_ - 1)) +
      sub_bucket_half_count_;
  if (bucket < 0) {
    sub -= sub_bucket_half_count_;
    bucket = 0;
  }
  return sub << (bucket + unit_magnitude_);
}

std::int64_t Histogram::lowest_equivalent(std::int64_t v) const {
  return value_at_index(counts_index(std::clamp<std::int64_t>(v, 0, config_.highest_trackable)));
}

std::int64_t Histogram::highest_equivalent(std::int64_t v) const {
  v = std::clamp<std::int64_t>(v, 0, config_.highest_trackable);
  const auto uv = static_cast<std::uint64_t>(v) | sub_bucket_mask_;
  const int bucket =
      (64 - __builtin_clzll(uv)) - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
  const auto sub =
      static_cast<std::int64_t>(static_cast<std::uint64_t>(v) >> (bucket + unit_magnitude_));
  const int adjusted = sub >= sub_bucket_count_ ? bucket + 1 : bucket;
  const std::int64_t size = std::int64_t{1} << (unit_magnitude_ + adjusted);
  return lowest_equivalent(v) + size - 1;
}

double Histogram::mean() const {
  if (total_ == 0) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const std::int64_t lo = value_at_index(i);
    const std::int64_t hi = highest_equivalent(lo);
    sum += static_cast<double>(counts_[i]) *
           (static_cast<double>(lo) + static_cast<double>(hi - lo + 1) / 2.0);
  }
  return sum / static_cast<double>(total_);
}

std::int64_t Histogram::value_at_percentile(double p) const {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto wanted = static_cast<std::int64_t>(p / 100.0 * static_cast<double>(total_) + 0.5);
  wanted = std::max<std::int64_t>(wanted, 1);
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::clamp(highest_equivalent(value_at_index(i)), min_, max_);
  }
  return max_;
}

double Histogram::fraction_at_or_below(std::int64_t v) const {
  if (total_ == 0) return 0.0;
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (value_at_index(i) > v) break;
    seen += counts_[i];
  }
  return static_cast<double>(seen) / static_cast<double>(total_);
}

std::vector<std::pair<std::size_t, std::int64_t>> Histogram::nonzero_buckets() const {
  std::vector<std::pair<std::size_t, std::int64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i] != 0) out.emplace_back(i, counts_[i]);
  return out;
}

Histogram Histogram::from_buckets(const HistogramConfig& config,
                                  const std::vector<std::pair<std::size_t, std::int64_t>>& buckets,
                                  std::int64_t min, std::int64_t max, std::int64_t clamped) {
  Histogram h(config);
  for (const auto& [index, count] : buckets) {
    if (index >= h.max_counts_len_ || count < 0)
      throw HistogramError("histogram: bucket index " + std::to_string(index) +
                           " out of range or negative count");
    if (index >= h.counts_.size()) h.grow(index);
    h.counts_[index] += count;
    h.total_ += count;
  }
  h.clamped_ = clamped;
  if (h.total_ > 0) {
    h.min_ = min;
    h.max_ = max;
  }
  return h;
}

std::string Histogram::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [i, c] : nonzero_buckets()) buckets.push_back({i, c});
  nlohmann::json j = {{"lowest", config_.lowest_discernible},
                      {"highest", config_.highest_trackable},
                      {"digits", config_.significant_digits},
                      {"count", total_},
                      {"min", min()},
                      {"max", max()},
                      {"clamped", clamped_},
                      {"buckets", std::move(buckets)}};
  return j.dump();
}

Histogram Histogram::from_json(std::string_view text) {
  try {
    const auto j = nlohmann::json::parse(text);
    HistogramConfig c{j.at("lowest").get<std::int64_t>(), j.at("highest").get<std::int64_t>(),
                      j.at("digits").get<int>()};
    std::vector<std::pair<std::size_t, std::int64_t>> buckets;
    for (const auto& b : j.at("buckets"))
      buckets.emplace_back(b.at(0).get<std::size_t>(), b.at(1).get<std::int64_t>());
    Histogram h =
        from_buckets(c, buckets, j.at("min").get<std::int64_t>(), j.at("max").get<std::int64_t>(),
                     j.value("clamped", std::int64_t{0}));
    if (j.contains("count") && j.at("count").get<std::int64_t>() != h.total_)
      throw HistogramError("histogram: \"count\" does not equal the sum of the buckets");
    return h;
  } catch (const nlohmann::json::exception& e) {
    throw HistogramError(std::string("histogram: malformed JSON: ") + e.what());
  }
}

bool Histogram::operator==(const Histogram& o) const {
  return config_ == o.config_ && total_ == o.total_ && clamped_ == o.clamped_ && min() == o.min() &&
         max() == o.max() && nonzero_buckets() == o.nonzero_buckets();
}

}  // namespace iomtsim::reports
