#include "server_pool.hpp"

#include <algorithm>

namespace iomtsim::sim::simgrid::detail {

ServerPool::ServerPool(const CapacityModel& m, std::uint64_t seed)
    : servers_(m.servers),
      workers_(m.workers_per_server),
      service_(m.service_time),
      queue_capacity_(m.queue_capacity),
      detection_(m.lb_detection),
      distribution_(m.service_distribution),
      rng_(physiology::splitmix64(seed ^ 0x5E41CE71D15C0A5Dull)) {
  for (const auto& f : m.failures)
    if (f.kind == ScheduledFailure::Kind::Server && f.server < servers_.size())
      servers_[f.server].failures.push_back(f);
  for (auto& sv : servers_) {
    std::sort(sv.failures.begin(), sv.failures.end(),
              [](const auto& a, const auto& b) { return a.at < b.at; });
    for (std::uint32_t w = 0; w < workers_; ++w) sv.free_at.push(SimTime{});
  }
}

bool ServerPool::down(std::uint32_t s, SimTime t) const {
  for (const auto& f : servers_.at(s).failures)
    if (f.down_at(t)) return true;
  return false;
}

bool ServerPool::believed_up(const Server& sv, SimTime t) const {
  for (const auto& f : sv.failures)
    if (t >= f.at + detection_ && f.down_at(t)) return false;
  return true;
}

std::uint32_t ServerPool::pick(SimTime t) {
  const auto n = size();
  for (std::uint32_t k = 0; k < n; ++k) {
    const auto s = (next_ + k) % n;
    if (believed_up(servers_[s], t)) {
      next_ = (s + 1) % n;
      return s;
    }
  }
  // Every server known down: the balancer still forwards (and the reading fails).
  const auto s = next_;
  next_ = (next_ + 1) % n;
  return s;
}

// A failure that began at or before t wipes the server: everything queued or in service
// was counted as failed when it was admitted (admit checks the window ahead).
void ServerPool::apply_failures(Server& sv, SimTime t) {
  while (sv.next_failure < sv.failures.size() && sv.failures[sv.next_failure].at <= t) {
    const auto& f = sv.failures[sv.next_failure++];
    const SimTime back = f.length ? f.at + *f.length : SimTime::max();
    sv.free_at = {};
    sv.waiting = {};
    for (std::uint32_t w = 0; w < workers_; ++w) sv.free_at.push(back);
  }
}

Admission ServerPool::admit(std::uint32_t s, SimTime arrival) {
  Server& sv = servers_.at(s);
  apply_failures(sv, arrival);
  for (const auto& f : sv.failures)
    if (f.down_at(arrival)) {
      ++failed_;
      return {Admission::Result::Failed, s, arrival};
    }
  while (!sv.waiting.empty() && sv.waiting.top() <= arrival) sv.waiting.pop();
  const SimTime start = std::max(arrival, sv.free_at.top());
  if (start > arrival && sv.waiting.size() >= queue_capacity_) {  // it would have to wait
    ++rejected_;
    return {Admission::Result::Rejected, s, arrival};
  }
  const Duration service =
      distribution_ ? std::max(Duration{1}, physiology::from_seconds(distribution_->sample(rng_)))
                    : service_;
  const SimTime done = start + service;
  // A failure starting before this reading is done takes it down with the server.
  for (std::size_t i = sv.next_failure; i < sv.failures.size(); ++i)
    if (sv.failures[i].at <= done) {
      ++failed_;
      return {Admission::Result::Failed, s, std::max(arrival, sv.failures[i].at)};
    }
  sv.free_at.pop();
  sv.free_at.push(done);
  if (start > arrival) sv.waiting.push(start);
  if (arrival >= measure_from_ && arrival < measure_to_) {
    busy_ns_ += static_cast<double>(service.count());
    const std::int64_t waited = (start - arrival).count();
    wait_.record(waited);
    wait_sum_ns_ += static_cast<double>(waited);
    queue_max_ = std::max<std::uint64_t>(queue_max_, sv.waiting.size());
  }
  return {Admission::Result::Accepted, s, done};
}

reports::ResourceUse ServerPool::stage_use(std::string name) const {
  reports::ResourceUse u;
  u.name = std::move(name);
  u.kind = "stage";
  const double window_ns = static_cast<double>((measure_to_ - measure_from_).count());
  const double capacity_ns = window_ns * static_cast<double>(servers_.size()) * workers_;
  u.utilisation = capacity_ns > 0 ? busy_ns_ / capacity_ns : 0.0;
  const auto n = wait_.count();
  u.wait_mean_s = n > 0 ? wait_sum_ns_ / static_cast<double>(n) * 1e-9 : 0.0;
  u.wait_p99_s = n > 0 ? static_cast<double>(wait_.value_at_percentile(99)) * 1e-9 : 0.0;
  u.queue_max = queue_max_;
  return u;
}

}  // namespace iomtsim::sim::simgrid::detail
