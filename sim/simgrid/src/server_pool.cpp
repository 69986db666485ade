#include "server_pool.hpp"

#include <algorithm>

namespace iomtsim::sim::simgrid::detail {

ServerPool::ServerPool(const CapacityModel& m)
    : servers_(m.servers),
      workers_(m.workers_per_server),
      service_(m.service_time),
      queue_capacity_(m.queue_capacity),
      detection_(m.lb_detection) {
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
  const SimTime done = start + service_;
  // A failure starting before this reading is done takes it down with the server.
  for (std::size_t i = sv.next_failure; i < sv.failures.size(); ++i)
    if (sv.failures[i].at <= done) {
      ++failed_;
      return {Admission::Result::Failed, s, std::max(arrival, sv.failures[i].at)};
    }
  sv.free_at.pop();
  sv.free_at.push(done);
  if (start > arrival) sv.waiting.push(start);
  return {Admission::Result::Accepted, s, done};
}

}  // namespace iomtsim::sim::simgrid::detail
