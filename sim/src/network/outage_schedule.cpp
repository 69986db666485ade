#include "iomtsim/sim/network/outage_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim::network {
namespace {

// Random failures stop being generated past this point: far beyond any run, and far
// enough from SimTime::max() that adding one more interval cannot overflow.
constexpr SimTime kHorizon = SimTime{Duration{std::numeric_limits<std::int64_t>::max() / 4}};

SimTime saturating_add(SimTime t, Duration d) {
  if (d > SimTime::max() - t) return SimTime::max();
  return t + d;
}

Duration exponential_duration(Rng& rng, Duration mean) {
  const double ns = rng.exponential(static_cast<double>(mean.count()));
  const double cap = static_cast<double>(kHorizon.time_since_epoch().count());
  return Duration{static_cast<std::int64_t>(std::min(std::round(ns), cap))};
}

}  // namespace

OutageSchedule::OutageSchedule(std::vector<scenarios::OutageWindow> scheduled,
                               std::optional<Duration> mtbf, std::optional<Duration> mttr,
                               std::uint64_t seed)
    : mtbf_(mtbf), mttr_(mttr), rng_(seed) {
  for (const auto& w : scheduled) {
    if (w.length < Duration::zero()) {
      throw NetworkConfigError("network profile: an outage window has a negative length");
    }
    if (w.length == Duration::zero()) continue;  // an empty window is no outage
    scheduled_.push_back({w.start, saturating_add(w.start, w.length)});
  }
  std::sort(scheduled_.begin(), scheduled_.end(),
            [](const OutageInterval& a, const OutageInterval& b) { return a.start < b.start; });
  if (mtbf_ && !mttr_) {
    throw NetworkConfigError("network profile: mtbf needs mttr (how long a failure lasts)");
  }
  if ((mtbf_ && *mtbf_ <= Duration::zero()) || (mttr_ && *mttr_ <= Duration::zero())) {
    throw NetworkConfigError("network profile: mtbf and mttr must be positive durations");
  }
  if (!mtbf_) mttr_.reset();  // MTTR alone describes no process
  generate_random();
}

void OutageSchedule::generate_random() {
  next_random_.reset();
  if (!mtbf_) return;
  // A down time that rounds to 0 ns is no outage; skip it but keep its up time, so the
  // process stays the alternating renewal process it claims to be.
  while (random_cursor_ < kHorizon) {
    const SimTime start = random_cursor_ + exponential_duration(rng_, *mtbf_);
    const SimTime end = saturating_add(start, exponential_duration(rng_, *mttr_));
    random_cursor_ = end;
    if (start >= kHorizon) return;
    if (end > start) {
      next_random_ = OutageInterval{start, end};
      return;
    }
  }
}

SimTime OutageSchedule::pending_start() const {
  SimTime s = SimTime::max();
  if (next_random_) s = next_random_->start;
  if (next_scheduled_ < scheduled_.size()) s = std::min(s, scheduled_[next_scheduled_].start);
  return s;
}

bool OutageSchedule::pull_one() {
  const bool have_sched = next_scheduled_ < scheduled_.size();
  if (!have_sched && !next_random_) return false;
  OutageInterval iv;
  if (have_sched && (!next_random_ || scheduled_[next_scheduled_].start <= next_random_->start)) {
    iv = scheduled_[next_scheduled_++];
  } else {
    iv = *next_random_;
    generate_random();
  }
  if (!merged_.empty() && iv.start <= merged_.back().end) {
    merged_.back().end = std::max(merged_.back().end, iv.end);
  } else {
    merged_.push_back(iv);
  }
  return true;
}

void OutageSchedule::extend_past(SimTime t) {
  while (pending_start() <= t && pull_one()) {
  }
}

std::size_t OutageSchedule::first_ending_after(SimTime t) {
  auto it = std::partition_point(merged_.begin(), merged_.end(),
                                 [t](const OutageInterval& iv) { return iv.end <= t; });
  return static_cast<std::size_t>(it - merged_.begin());
}

bool OutageSchedule::down_at(SimTime t) {
  extend_past(t);
  const std::size_t i = first_ending_after(t);
  return i < merged_.size() && merged_[i].start <= t;
}

SimTime OutageSchedule::next_up(SimTime t) {
  if (!down_at(t)) return t;
  const std::size_t i = first_ending_after(t);
  // The containing interval's end is final once nothing pending starts at or before it
  // (a pending window starting exactly at the end would merge: touching windows are one).
  while (merged_[i].end != SimTime::max() && pending_start() <= merged_[i].end && pull_one()) {
  }
  return merged_[i].end;
}

SimTime OutageSchedule::next_down(SimTime t) {
  if (down_at(t)) return t;
  const std::size_t i = first_ending_after(t);
  if (i < merged_.size()) return merged_[i].start;
  return pending_start();
}

std::vector<OutageInterval> OutageSchedule::intervals_until(SimTime until) {
  extend_past(until);
  if (!merged_.empty()) next_up(merged_.back().start);  // make the last end final
  std::vector<OutageInterval> out;
  for (const auto& iv : merged_) {
    if (iv.start >= until) break;
    out.push_back(iv);
  }
  return out;
}

Duration OutageSchedule::down_time_until(SimTime until) {
  Duration total{};
  for (const auto& iv : intervals_until(until)) total += std::min(iv.end, until) - iv.start;
  return total;
}

void OutageSchedule::forget_before(SimTime t) {
  extend_past(t);
  std::size_t n = first_ending_after(t);
  // The newest interval may still grow by merging; keep it whatever its end.
  if (n >= merged_.size() && n > 0) n = merged_.size() - 1;
  merged_.erase(merged_.begin(), merged_.begin() + static_cast<std::ptrdiff_t>(n));
  forgotten_ += n;
}

}  // namespace iomtsim::sim::network
