#pragma once
// The network as one device sees it: every condition of its NetworkProfile applied to
// each message it sends, in one place, for both engines.
//
// For a message submitted at its intended send time the path decides one of:
//   Delivered  – left the device, crossed the (shared) link, arrives at `at`;
//   Lost       – left the device and was lost on the way (Bernoulli / Gilbert–Elliott);
//   Buffered   – the device was disconnected, so it went into the store-and-forward
//                buffer (not final: it later comes out as Delivered, Lost or Dropped,
//                or is still buffered when the run ends);
//   Dropped    – pushed out of the full buffer by a newer message (or not storable at
//                all with a zero-size buffer).
// Conservation: submitted == delivered + lost + dropped + buffered_now(), always, and
// every message id appears in exactly one final event or in the buffer at the end.
//
// Connection model: the link goes down per OutageSchedule; the device notices at once
// and retries with ReconnectBackoff from that instant; the first attempt at which the
// link is up reconnects it, and the buffer drains in one burst at that instant (through
// the shared link's FIFO, so a limited link spreads the burst out). Messages sent while
// the link is up but the device has not yet reconnected are buffered too.
// Simplifications: a message already in flight when the link drops still arrives; the
// device does not wait for acknowledgements.
//
// Time only moves forward: calls must come in non-decreasing time; an earlier time is
// treated as the latest time seen. Engines should call advance_to(next_drain_time())
// when that instant comes, so a drain reaches a shared link in time order; without it
// the drain is still done, at its right time, on the next send.
//
// Randomness: three streams from stream_seed(seed, Network, path_id, k): k = 0 per
// message (loss, latency), 1 the outage process, 2 back-off jitter. The outage and
// back-off streams do not depend on traffic, so two devices with the same outages see
// the same link whatever they send.
//
//   NetworkPath path(profile, scenario_seed, device_path_id(p, d), links.link_for(profile));
//   std::vector<PathEvent> ev;
//   path.send({reading.id, intended, 420}, ev);   // ev gets drains, then this message
#include <cstddef>
#include <cstdint>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/network_profile.hpp"
#include "iomtsim/sim/network/latency_model.hpp"
#include "iomtsim/sim/network/loss_model.hpp"
#include "iomtsim/sim/network/outage_schedule.hpp"
#include "iomtsim/sim/network/reconnect_backoff.hpp"
#include "iomtsim/sim/network/shared_link.hpp"
#include "iomtsim/sim/network/store_forward_buffer.hpp"

namespace iomtsim::sim::network {

using physiology::SimTime;

// A stable identity for one device's path: the reading-id packing with sequence 0.
constexpr std::uint64_t device_path_id(physiology::PatientIndex p, physiology::DeviceIndex d) {
  return physiology::make_reading_id(p, d, 0);
}

struct Message {
  std::uint64_t id = 0;           // the reading (or batch) id; opaque to the path
  SimTime intended{};             // when the device's schedule says to send
  std::size_t payload_bytes = 0;  // on the wire, for the bandwidth model
  bool operator==(const Message&) const = default;
};

enum class Outcome : std::uint8_t { Delivered, Lost, Buffered, Dropped };

struct PathEvent {
  Outcome outcome = Outcome::Delivered;
  Message message;
  // Delivered: arrival at the target. Lost: when it finished leaving the device.
  // Buffered: when it was stored. Dropped: when it was pushed out of the buffer.
  SimTime at{};
  // Delivered/Lost: when it started leaving the device (the intended time, or the
  // reconnect instant for a drained message). Buffered/Dropped: same as `at`.
  SimTime sent{};
  bool operator==(const PathEvent&) const = default;
};

struct PathStats {
  std::uint64_t submitted = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t dropped = 0;
  std::uint64_t buffered_total = 0;  // times a message went into the buffer
  std::uint64_t disconnections = 0;
  std::uint64_t reconnect_attempts = 0;
  bool operator==(const PathStats&) const = default;
};

class NetworkPath {
 public:
  // `link` may be nullptr (unlimited bandwidth); it must outlive the path. Throws
  // NetworkConfigError for a profile the models reject.
  NetworkPath(const scenarios::NetworkProfile& profile, std::uint64_t scenario_seed,
              std::uint64_t path_id, SharedLink* link = nullptr);

  // Submits `msg` at msg.intended; appends to `out` the drains due up to then, then
  // this message's event (plus a Dropped event if buffering it evicted an older one).
  void send(const Message& msg, std::vector<PathEvent>& out);
  // Resolves disconnections and reconnect drains up to and including `now`.
  void advance_to(SimTime now, std::vector<PathEvent>& out);
  // When the buffered messages will drain (the pending reconnect); SimTime::max() when
  // nothing is buffered or no reconnect is due.
  SimTime next_drain_time() const;

  // Whether the device is connected at the latest time processed.
  bool connected() const { return connected_; }
  std::size_t buffered_now() const { return buffer_.size(); }
  // What is still buffered, oldest first (in flight at the end of a run).
  std::vector<Message> buffered_messages() const { return buffer_.snapshot(); }
  const PathStats& stats() const { return stats_; }
  OutageSchedule& outages() { return outages_; }

 private:
  void transmit(const Message& msg, SimTime t_send, std::vector<PathEvent>& out);
  SimTime find_reconnect(SimTime disconnected_at);

  LatencyModel latency_;
  LossModel loss_;
  OutageSchedule outages_;
  ReconnectBackoff backoff_;
  StoreForwardBuffer<Message> buffer_;
  SharedLink* link_;
  physiology::Rng traffic_rng_;
  physiology::Rng backoff_rng_;
  bool connected_ = true;
  SimTime cursor_{};        // latest time processed
  SimTime reconnect_at_{};  // valid while !connected_
  SimTime next_down_{};     // valid while connected_: the next disconnection
  PathStats stats_;
};

}  // namespace iomtsim::sim::network
