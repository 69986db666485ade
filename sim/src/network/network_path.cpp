#include "iomtsim/sim/network/network_path.hpp"

#include <algorithm>

namespace iomtsim::sim::network {
namespace {

using physiology::stream_seed;
using physiology::StreamKind;

enum Substream : std::uint64_t { kTraffic = 0, kOutages = 1, kBackoff = 2 };

}  // namespace

NetworkPath::NetworkPath(const scenarios::NetworkProfile& profile, std::uint64_t scenario_seed,
                         std::uint64_t path_id, SharedLink* link)
    : latency_(profile.latency_s, profile.jitter_s),
      loss_(profile.loss, profile.bursty_loss),
      outages_(profile, stream_seed(scenario_seed, StreamKind::Network, path_id, kOutages)),
      backoff_(profile.reconnect_initial, profile.reconnect_max, profile.reconnect_jitter),
      buffer_(profile.buffer_readings),
      link_(link),
      traffic_rng_(stream_seed(scenario_seed, StreamKind::Network, path_id, kTraffic)),
      backoff_rng_(stream_seed(scenario_seed, StreamKind::Network, path_id, kBackoff)) {
  next_down_ = outages_.next_down(SimTime{});
}

SimTime NetworkPath::find_reconnect(SimTime disconnected_at) {
  backoff_.reset();
  SimTime attempt = disconnected_at;
  for (;;) {
    // A link that never comes back never reconnects; don't spin on back-off forever.
    if (outages_.next_up(attempt) == SimTime::max()) return SimTime::max();
    const auto delay = backoff_.next_delay(backoff_rng_);
    ++stats_.reconnect_attempts;
    if (delay > SimTime::max() - attempt) return SimTime::max();
    attempt += delay;
    if (!outages_.down_at(attempt)) return attempt;
  }
}

void NetworkPath::advance_to(SimTime now, std::vector<PathEvent>& out) {
  now = std::max(now, cursor_);
  for (;;) {
    if (connected_) {
      if (next_down_ > now) break;
      connected_ = false;
      ++stats_.disconnections;
      reconnect_at_ = find_reconnect(next_down_);
    } else {
      if (reconnect_at_ > now) break;
      connected_ = true;
      backoff_.reset();
      // The burst: everything stored leaves at the reconnect instant, oldest first.
      for (const Message& m : buffer_.drain()) transmit(m, reconnect_at_, out);
      next_down_ = outages_.next_down(reconnect_at_);
    }
  }
  cursor_ = now;
}

SimTime NetworkPath::next_drain_time() const {
  if (connected_ || buffer_.empty()) return SimTime::max();
  return reconnect_at_;
}

void NetworkPath::transmit(const Message& msg, SimTime t_send, std::vector<PathEvent>& out) {
  const SimTime left = link_ ? link_->transmit_done(t_send, msg.payload_bytes) : t_send;
  // Both draws always happen, so the stream stays aligned whatever the outcome.
  const bool lost = loss_.lose_next(traffic_rng_);
  const auto delay = latency_.sample(traffic_rng_);
  if (lost) {
    ++stats_.lost;
    out.push_back({Outcome::Lost, msg, left, t_send});
  } else {
    ++stats_.delivered;
    out.push_back({Outcome::Delivered, msg, left + delay, t_send});
  }
}

void NetworkPath::send(const Message& msg, std::vector<PathEvent>& out) {
  advance_to(msg.intended, out);
  ++stats_.submitted;
  const SimTime t = cursor_;
  if (connected_) {
    transmit(msg, t, out);
    return;
  }
  if (buffer_.capacity() == 0) {
    // No store-and-forward at all: the message is dropped where it stands.
    buffer_.push(msg);
    ++stats_.dropped;
    out.push_back({Outcome::Dropped, msg, t, t});
    return;
  }
  ++stats_.buffered_total;
  out.push_back({Outcome::Buffered, msg, t, t});
  if (auto evicted = buffer_.push(msg)) {
    ++stats_.dropped;
    out.push_back({Outcome::Dropped, *evicted, t, t});
  }
}

}  // namespace iomtsim::sim::network
