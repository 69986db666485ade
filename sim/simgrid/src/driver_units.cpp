// The Driver's traffic that is not readings: waveform blocks and operations messages.
// Each is one message on its device's network path, then one SimGrid communication of
// its encoded size (or its byte share of an aggregated batch), then one unit of work at
// an ingest server (one service time; no rules run on it), answered like readings.
#include <algorithm>

#include "driver.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/sim/waveform_body.hpp"

namespace iomtsim::sim::simgrid::detail {

using reports::Outcome;
using scenarios::PayloadFormat;

namespace {

// The block's body as the real-time engine sends it, epoch 0: timestamps are fixed
// width, so the size is a real run's.
std::size_t waveform_bytes(const physiology::WaveformBlock& b, PayloadFormat format) {
  return sim::encode_waveform_body(b, format, 0).size();
}

}  // namespace

void Driver::generated(const physiology::WaveformBlock& b) {
  const std::size_t slot = fleet_.device_slot(b.patient, b.device);
  MsgPtr m = take_msg();
  m->kind = Msg::Kind::Waveform;
  m->intended = b.true_time;  // when the fleet emits it (its first sample), as loadgen
  m->slot = static_cast<std::uint32_t>(slot);
  m->ap = cfg_.ap_of_slot[slot];
  m->bytes = waveform_bytes(b, slots_[slot].format);
  m->samples = b.samples.size();
  ++waveforms_.delivery.generated;
  waveforms_.samples_generated += m->samples;
  waveforms_.bytes_offered += m->bytes;
  ++stats_.waveform_blocks;
  // Block ids share the device's reading sequence: never a pending reading message's id.
  const sim::network::Message msg{b.id, m->intended, m->bytes};
  pending_.emplace(msg.id, std::move(m));
  events_.clear();
  net_.path(slot).send(msg, events_);
  path_events(slot);
}

void Driver::ops_step(SimTime t) {
  departures_.clear();
  ops_->step(t, departures_);
  for (const auto& d : departures_) {
    MsgPtr m = take_msg();
    m->kind = Msg::Kind::Ops;
    m->intended = d.intended;
    m->sent = d.sent;
    m->at_ap = d.at_ap;
    m->ap = d.ap;
    m->bytes = d.bytes;
    m->ops = d;
    ++stats_.ops_messages;
    // A key of its own queue: operations ids could equal some reading id.
    ap_due_.push(Due{d.at_ap, seq_++, d.key, true});
    ops_pending_.emplace(d.key, std::move(m));
  }
}

void Driver::admit_unit(const Msg& m, std::uint32_t server, SimTime arrival, Duration back) {
  const auto a = pool_.admit(server, arrival);
  switch (a.result) {
    case Admission::Result::Accepted:
      return unit_outcome(m, Outcome::Acknowledged, a.done, a.done + back);
    case Admission::Result::Rejected:
      ++stats_.queue_rejections;
      return unit_outcome(m, Outcome::Rejected, a.done, a.done + back);
    case Admission::Result::Failed:
      ++stats_.server_failures;
      return unit_outcome(m, Outcome::Failed, a.done, a.done);
  }
}

// `at`: when the target finished with it (or when it failed); `acked`: when the answer is
// back at the device.
void Driver::unit_outcome(const Msg& m, Outcome o, SimTime at, SimTime acked) {
  if (m.kind == Msg::Kind::Ops) {
    if (ops_) ops_->outcome(m.ops, o, at, acked, cfg_.capacity->alert_delivery);
    return;
  }
  waveforms_.delivery.add(o);
  if (o == Outcome::Acknowledged) {
    waveforms_.latency.record(std::max<std::int64_t>(1, (acked - m.intended).count()));
    waveforms_.samples_acknowledged += m.samples;
  }
}

void Driver::finish_units() {
  if (!ops_) return;
  // A query from the access point's side of the hospital: the route to the target and
  // back, plus one service time.
  const auto service = cfg_.capacity->service_time;
  ops_report_ = ops_->finish([&](std::uint32_t ap) {
    return 2 * physiology::from_seconds(platform_.route(ap, 0).latency_s) + service;
  });
}

}  // namespace iomtsim::sim::simgrid::detail
