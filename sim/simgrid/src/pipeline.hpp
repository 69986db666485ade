#pragma once
// The user's pipeline as an ordered list of stages (capacity.stages): a broker, a stream
// processor, a database, each a pool of instances with workers, a bounded queue and a
// service time (ServerPool). The first stage is the one the load balancer's links reach;
// a reading it accepts moves on to the next stage after that stage's link latency, and
// so on. The device's acknowledgement comes when the reading leaves the last stage (a
// synchronous pipeline: the answer says the reading is stored); a stage that refuses it
// (queue full) answers 503 for it.
//
// Order: a stage's FIFO arithmetic needs its arrivals in time order. Arrivals at stage
// k+1 are departures of stage k, which come out of order when it has several workers;
// so they wait in one heap ordered by (time, sequence) and are admitted only once no
// earlier arrival can still appear: up to the instant the caller names, which is the
// earliest time a reading can still reach the first stage (SimGrid's clock, or the
// aggregated mode's watermark). A departure of stage k at t reaches stage k+1 at or after
// t, so admitting the heap up to that instant, smallest first, keeps every stage in order.
#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "iomtsim/reports/capacity_report.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"
#include "server_pool.hpp"

namespace iomtsim::sim::simgrid::detail {

class Pipeline {
 public:
  Pipeline(const CapacityModel& m, std::uint64_t seed);

  // Stage 0, reached through the platform's server links (the balancer picks its instance).
  ServerPool& front() { return pools_.front(); }
  bool single_stage() const { return pools_.size() == 1; }
  void measure(SimTime from, SimTime to);

  // A reading (the caller's `token`) accepted by the front stage, leaving it at `done`.
  void forward(std::uint64_t token, SimTime done);

  // Admits the waiting arrivals up to `upto`, in time order, stage after stage; calls
  // `finished(token, admission)` for each reading that left the last stage (Accepted,
  // done = leaving it) or was refused by a later stage (Rejected at its arrival there).
  template <class Finished>
  void advance(SimTime upto, Finished&& finished) {
    while (!waiting_.empty() && waiting_.top().at <= upto) {
      const Arrival a = waiting_.top();
      waiting_.pop();
      ServerPool& pool = pools_[a.stage];
      const Admission ad = pool.admit(pool.pick(a.at), a.at);
      if (ad.result == Admission::Result::Accepted && a.stage + 1 < pools_.size()) {
        waiting_.push({ad.done + links_[a.stage + 1], seq_++, a.stage + 1, a.token});
        continue;
      }
      finished(a.token, ad);
    }
  }
  bool idle() const { return waiting_.empty(); }

  // Every stage as a resource (utilisation, waits, longest queue) over the measured window.
  std::vector<reports::ResourceUse> uses() const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Arrival {
    SimTime at;
    std::uint64_t seq;
    std::uint32_t stage;
    std::uint64_t token;
    bool operator>(const Arrival& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<ServerPool> pools_;
  std::vector<std::string> names_;
  std::vector<Duration> links_;  // latency into stage k from stage k-1 (0 for stage 0)
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> waiting_;
  std::uint64_t seq_ = 0;
};

}  // namespace iomtsim::sim::simgrid::detail
