#pragma once
// The device side's timed events: buffer drains and departures, ordered by (time,
// sequence). The sequence number is given at push, so events at the same instant come out
// in the order they were scheduled, on every machine and in both engines (as Envoy's
// simulated time orders its timers).
//
//   TimedQueue q;
//   q.push(t, TimedEvent::Kind::Departure, key);
//   while (!q.empty() && q.top().at <= now) { TimedEvent e = q.pop(); … }
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "iomtsim/physiology/time.hpp"

namespace iomtsim::sim::device_side {

struct TimedEvent {
  enum class Kind : std::uint8_t {
    Drain,      // `key`: a device slot whose path's store-and-forward buffer drains at `at`
    OpsDrain,   // `key`: the same for an operations device's path (sim::ops_path_id)
    Departure,  // `key`: a message that reaches the engine at `at`
  };
  physiology::SimTime at{};
  std::uint64_t seq = 0;
  Kind kind = Kind::Departure;
  std::uint64_t key = 0;
  bool operator>(const TimedEvent& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

class TimedQueue {
 public:
  void push(physiology::SimTime at, TimedEvent::Kind kind, std::uint64_t key) {
    heap_.push(TimedEvent{at, next_seq_++, kind, key});
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const TimedEvent& top() const { return heap_.top(); }
  // Time of the first event; SimTime::max() when empty.
  physiology::SimTime next_time() const {
    return heap_.empty() ? physiology::SimTime::max() : heap_.top().at;
  }
  TimedEvent pop() {
    TimedEvent e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  std::priority_queue<TimedEvent, std::vector<TimedEvent>, std::greater<>> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace iomtsim::sim::device_side
