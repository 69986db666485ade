#pragma once
// When one device's link is down: the profile's scheduled windows united with random
// failures (exponentially distributed up times of mean MTBF and down times of mean
// MTTR, alternating from an "up" start at t = 0).
//
// The random process is generated lazily, in time order, from its own Rng, so its
// result does not depend on which times were asked about or in what order: two
// schedules with the same seed agree everywhere. Intervals are half-open [start, end):
// the link is down at `start` and up again at `end`. Overlapping or touching windows
// (scheduled or random) are merged into one.
//
// Memory: every generated interval is kept, so the report can list them; that is one
// interval per MTBF of run time (24 for a day at MTBF 1 h). `forget_before` drops those
// wholly in the past for very long runs (they then no longer appear in intervals_until).
//
// Pitfall: queries are O(log n) but extend the generated prefix as needed; asking
// `next_down` on a schedule with no random failures and no windows left returns
// SimTime::max() ("never").
//
//   OutageSchedule out(profile, rng_seed);
//   if (out.down_at(t)) t_retry = out.next_up(t);
#include <cstddef>
#include <optional>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/network_profile.hpp"

namespace iomtsim::sim::network {

using physiology::Duration;
using physiology::Rng;
using physiology::SimTime;

struct OutageInterval {
  SimTime start{};
  SimTime end{};  // exclusive
  Duration length() const { return end - start; }
  bool operator==(const OutageInterval&) const = default;
};

class OutageSchedule {
 public:
  // `scheduled` in any order (sorted and merged here). Random failures are on when
  // `mtbf` is set; they then need `mttr` too. Throws NetworkConfigError on a negative
  // window, a non-positive MTBF/MTTR, or MTBF without MTTR.
  OutageSchedule(std::vector<scenarios::OutageWindow> scheduled, std::optional<Duration> mtbf,
                 std::optional<Duration> mttr, std::uint64_t seed);
  OutageSchedule(const scenarios::NetworkProfile& profile, std::uint64_t seed)
      : OutageSchedule(profile.outages, profile.mtbf, profile.mttr, seed) {}

  bool down_at(SimTime t);
  // The first instant >= t at which the link is up (t itself if up at t).
  SimTime next_up(SimTime t);
  // The first instant >= t at which the link is down (t itself if down at t);
  // SimTime::max() if it never goes down again.
  SimTime next_down(SimTime t);
  // All outage intervals that start before `until` (the last one may end after it).
  std::vector<OutageInterval> intervals_until(SimTime until);
  // Total down time inside [SimTime{}, until).
  Duration down_time_until(SimTime until);
  // Drops intervals that ended at or before t (they cannot affect queries at >= t).
  void forget_before(SimTime t);
  std::size_t forgotten() const { return forgotten_; }

 private:
  // Makes everything before `t` final: afterwards known_until_ > t.
  void extend_past(SimTime t);
  // Pulls the next earliest pending interval (random or scheduled) into merged_.
  bool pull_one();
  SimTime pending_start() const;
  void generate_random();
  // Index of the first merged interval whose end is > t (it may contain t or be after).
  std::size_t first_ending_after(SimTime t);

  std::vector<OutageInterval> scheduled_;  // sorted by start
  std::size_t next_scheduled_ = 0;
  std::optional<Duration> mtbf_;
  std::optional<Duration> mttr_;
  Rng rng_;
  std::optional<OutageInterval> next_random_;  // generated but not yet merged
  SimTime random_cursor_{};                    // end of the last random interval
  std::vector<OutageInterval> merged_;
  std::size_t forgotten_ = 0;  // merged_ entries dropped by forget_before
};

}  // namespace iomtsim::sim::network
