#pragma once
// The ingest tier as queues: N servers behind a round-robin load balancer, each with W
// workers taking readings first come first served, a bounded waiting queue, and a fixed
// service time per reading. Evaluated at SimGrid's clock when a message arrives, so no
// SimGrid activity is spent on compute: admit() returns when the reading's processing
// will end (the FIFO G/D/W recursion: start = max(arrival, earliest free worker)).
//
// Queue bound: a reading that finds `queue_capacity` readings waiting (not yet in
// service) is rejected at once (HTTP 503 in the reference target).
// Failures: a server is down over its ScheduledFailure windows. Readings arriving while
// it is down fail; readings queued or in service when it goes down fail at that
// instant; it comes back empty. The balancer keeps sending to a failed server for
// `lb_detection` (health-check delay), then skips it until it is back.
// Arrivals should come in time order; the aggregated mode feeds each batch's readings at
// their own (earlier) instants, which only approximates FIFO order within one interval.
#include <cstdint>
#include <queue>
#include <vector>

#include "iomtsim/reports/capacity_report.hpp"
#include "iomtsim/reports/histogram.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid::detail {

struct Admission {
  enum class Result : std::uint8_t { Accepted, Rejected, Failed };
  Result result = Result::Accepted;
  std::uint32_t server = 0;
  SimTime done{};  // Accepted: processing ends. Rejected: arrival. Failed: when it failed.
};

class ServerPool {
 public:
  // `seed`: the stream of service times when the model draws them from a distribution.
  explicit ServerPool(const CapacityModel& m, std::uint64_t seed = 1);

  // Readings arriving in [from, to) are measured for utilisation and waiting (the scored
  // window); default: all of them.
  void measure(SimTime from, SimTime to) {
    measure_from_ = from;
    measure_to_ = to;
  }
  // The tier as one stage over the measured window: utilisation = busy worker time /
  // (servers x workers x window), waits of the accepted readings, the longest queue.
  reports::ResourceUse stage_use(std::string name) const;

  // The server the balancer sends a message to at `t` (round robin over those it believes up).
  std::uint32_t pick(SimTime t);
  // One reading reaching server `s` at `arrival`.
  Admission admit(std::uint32_t s, SimTime arrival);

  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t failed() const { return failed_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(servers_.size()); }
  // Whether server s is down at t (its own schedule, not the balancer's belief).
  bool down(std::uint32_t s, SimTime t) const;

 private:
  struct Server {
    std::vector<ScheduledFailure> failures;  // this server's windows, by start
    std::size_t next_failure = 0;            // first window not yet applied
    std::priority_queue<SimTime, std::vector<SimTime>, std::greater<>> free_at;  // per worker
    std::priority_queue<SimTime, std::vector<SimTime>, std::greater<>> waiting;  // start times
  };
  void apply_failures(Server& sv, SimTime t);
  bool believed_up(const Server& sv, SimTime t) const;

  std::vector<Server> servers_;
  std::uint32_t workers_;
  Duration service_;
  std::uint32_t queue_capacity_;
  Duration detection_;
  std::uint32_t next_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t failed_ = 0;
  std::optional<physiology::Distribution> distribution_;  // seconds
  physiology::Rng rng_;
  SimTime measure_from_{};
  SimTime measure_to_ = SimTime::max();
  double busy_ns_ = 0;       // service time of the measured accepted readings
  reports::Histogram wait_;  // ns, measured accepted readings
  double wait_sum_ns_ = 0;
  std::uint64_t queue_max_ = 0;
};

}  // namespace iomtsim::sim::simgrid::detail
