#include "engine.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <queue>
#include <unordered_map>
#include <variant>
#include <vector>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/sim/waveform_body.hpp"
#include "iomtsim/sim/fleet_network.hpp"
#include "iomtsim/sim/wire_format.hpp"
#include "answer_codes.hpp"
#include "ops_driver.hpp"
#include "recording_part.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
using physiology::SimTime;
using reports::Outcome;
using scenarios::PayloadFormat;

constexpr std::size_t kFormats = 4;

using sim::protocol_name;
using sim::wire_bytes;

struct Slot {  // one device of this thread's fleet
  reports::ChannelId channel = 0;
  PayloadFormat format = PayloadFormat::FhirR4;
  std::uint32_t batch_size = 1;
  std::vector<physiology::Reading> batch;
};

struct Due {  // a timed event: (time, sequence) so equal times keep submission order
  SimTime at;
  std::uint64_t seq;
  std::uint64_t key;  // message id (transmit) or slot (drain)
  bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};
using DueQueue = std::priority_queue<Due, std::vector<Due>, std::greater<>>;

}  // namespace

struct Engine::Impl {
  Impl(const EngineConfig& c, EngineCounters& k, EngineTotals& t)
      : cfg(c), counters(k), totals(t), timer(io),
        source_ptr((c.source ? *c.source : fleet_source())(*c.scenario, c.part)), fleet(*source_ptr),
        net(fleet.devices(), c.scenario->metadata.seed), shard(c.recorder->make_shard()),
        end(SimTime{c.scenario->metadata.duration}) {
    if (!c.record_part.empty())
      record = std::make_unique<RecordingPartWriter>(c.record_part, c.record_header);
    slots.resize(fleet.devices().size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto& d = fleet.devices()[i];
      slots[i].format = d.format();
      slots[i].batch_size = std::max<std::uint32_t>(1, d.spec->batch);
      slots[i].channel = c.recorder->channel(protocol_name(d.format()), d.network->name);
    }
    // Operations devices come with the scenario's own fleet, not with recordings.
    if (!c.source) {
      const auto epoch = c.http ? c.http->epoch_unix_ms : (c.mllp ? c.mllp->epoch_unix_ms : 0);
      ops = OpsDriver::make(*c.scenario, c.part, net.links(), epoch);
    }
    auto done = [this](OutboundPtr m, const Completion& r) { completed(std::move(m), r); };
    if (cfg.http) transports[0] = make_http_transport(io, *cfg.http, done);
    if (cfg.mllp) transports[1] = make_stream_transport(io, *cfg.mllp, done);
    if (cfg.proto) transports[3] = make_stream_transport(io, *cfg.proto, done);
    if (cfg.mqtt) transports[2] = make_mqtt_transport(io, *cfg.mqtt, fleet.devices(), done);
  }

  // ---- scheduling -----------------------------------------------------------------------
  SimTime fleet_next() const {
    if (stopping || fleet_exhausted) return SimTime::max();
    return fleet.next_time();
  }
  SimTime next_time() const {
    SimTime t = fleet_next();
    if (!transmit.empty()) t = std::min(t, transmit.top().at);
    if (!drains.empty() && drains.top().at <= end) t = std::min(t, drains.top().at);
    if (ops && !stopping) t = std::min(t, ops->next_time());
    return t;
  }

  // Events closer than this are waited for by re-posting pump() rather than a timer.
  static constexpr std::chrono::microseconds kSpinGap{50};
  // Steps per slice when behind: small enough that answers waiting on the sockets are
  // read between slices (a connection idles while its answer waits), large enough to
  // amortise the round through the event loop.
  static constexpr int kSliceSteps = 256;

  void pump() {
    if (finishing) return;
    if (stopping) return begin_finish();
    const SimTime now = cfg.clock->to_scenario(Steady::now());
    for (int budget = kSliceSteps; budget > 0; --budget) {
      if (!fleet_exhausted && (fleet.done() || fleet.next_time() > end)) {
        fleet_exhausted = true;
        flush_partial_batches();
      }
      const SimTime t = next_time();
      if (t == SimTime::max()) return begin_finish();
      if (t > now) {
        const auto due = cfg.clock->to_wall(t);
        if (due - Steady::now() < kSpinGap) {
          // Due within a few microseconds: arming the timer costs a timerfd_settime per
          // event at tens of thousands of messages a second; let the loop come round.
          asio::post(io, [this] { pump(); });
          return;
        }
        timer.expires_at(due);
        timer.async_wait([this](boost::system::error_code ec) {
          if (!ec) pump();
        });
        return;
      }
      step(t);
    }
    asio::post(io, [this] { pump(); });  // a backlog: let the sockets run between slices
  }

  void step(SimTime t) {
    if (ops && !stopping && ops->next_time() == t && (fleet_next() > t || fleet_exhausted)) {
      // Operations first only when no reading is due at the same instant, so a scenario's
      // readings keep their order whether or not it has operations devices.
      if (auto send = ops->step(t)) send_ops(std::move(*send));
      return;
    }
    if (!transmit.empty() && transmit.top().at == t) {
      const auto id = transmit.top().key;
      transmit.pop();
      return put_on_wire(id);
    }
    if (!drains.empty() && drains.top().at == t) {
      const auto slot = static_cast<std::size_t>(drains.top().key);
      drains.pop();
      events.clear();
      net.path(slot).advance_to(t, events);
      return path_events(slot);
    }
    auto out = fleet.next();
    if (record) {
      std::visit([this](const auto& o) { record->write(o); }, out);
      if (record->checkpoint_due()) record->update_episodes(fleet.episodes());
    }
    if (auto* r = std::get_if<physiology::Reading>(&out)) return generated(*r);
    generated(std::get<physiology::WaveformBlock>(out));
  }

  // ---- waveform blocks ------------------------------------------------------------------
  // A block is one message of its device, encoded as the device's protocol sends it (the
  // transports send a pre-encoded body as is), through the device's network path with its
  // real size. Its accounting is totals.waveforms, apart from the readings'.
  static bool is_waveform(const Outbound& m) { return m.ops_kind == 0 && m.readings.empty(); }

  void generated(const physiology::WaveformBlock& b) {
    const std::size_t slot = fleet.device_slot(b.patient, b.device);
    const auto format = slots[slot].format;
    auto& w = totals.waveforms;
    auto m = std::make_unique<Outbound>();
    m->id = b.id;
    m->intended = b.true_time;  // when the fleet emits it (its first sample)
    // MQTT: published on the device's topic, its own connection; HL7: the transport's
    // ACK key is the block id's control id.
    m->body = sim::encode_waveform_body(b, format, cfg.epoch_unix_ms);
    if (format == PayloadFormat::FhirR4) m->path = "Observation";
    ++w.delivery.generated;
    w.samples_generated += b.samples.size();
    w.bytes_offered += m->body.size();
    m->samples = static_cast<std::uint32_t>(b.samples.size());
    const sim::network::Message msg{m->id, m->intended, m->body.size()};
    pending.emplace(msg.id, PendingMsg{std::move(m), slot});
    events.clear();
    net.path(slot).send(msg, events);
    path_events(slot);
  }

  // A block's final outcome (every generated block gets exactly one).
  void waveform_done(const Outbound& m, Outcome o, physiology::Duration latency = {}) {
    auto& w = totals.waveforms;
    w.delivery.add(o);
    if (o == Outcome::Acknowledged) {
      w.latency.record(std::max<std::int64_t>(1, latency.count()));
      w.samples_acknowledged += m.samples;
    }
  }

  void generated(const physiology::Reading& r) {
    const std::size_t slot = fleet.device_slot(r.patient, r.device);
    Slot& s = slots[slot];
    shard.on_generated(r, s.channel);
    counters.generated.fetch_add(1, std::memory_order_relaxed);
    s.batch.push_back(r);
    if (s.batch.size() >= s.batch_size) submit(slot, r.true_time);
  }

  void flush_partial_batches() {
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (!slots[i].batch.empty()) submit(i, slots[i].batch.back().true_time);
  }

  void submit(std::size_t slot, SimTime intended) {
    Slot& s = slots[slot];
    auto m = std::make_unique<Outbound>();
    m->id = s.batch.front().id;
    m->readings = std::move(s.batch);
    s.batch.clear();
    m->intended = intended;
    const sim::network::Message msg{m->id, intended, wire_bytes(s.format, m->readings.size())};
    pending.emplace(msg.id, PendingMsg{std::move(m), slot});
    events.clear();
    net.path(slot).send(msg, events);
    path_events(slot);
  }

  void path_events(std::size_t slot) {
    for (const auto& e : events) {
      auto it = pending.find(e.message.id);
      if (it == pending.end()) continue;  // cannot happen: every id is pending until final
      switch (e.outcome) {
        case sim::network::Outcome::Delivered:
          it->second.msg->arrival = e.at;
          transmit.push(Due{e.at, seq++, e.message.id});
          break;
        case sim::network::Outcome::Lost:
        case sim::network::Outcome::Dropped: {
          const auto o = e.outcome == sim::network::Outcome::Lost ? Outcome::LostNetwork
                                                                  : Outcome::DroppedBuffer;
          if (is_waveform(*it->second.msg)) waveform_done(*it->second.msg, o);
          for (const auto& r : it->second.msg->readings)
            shard.on_outcome(r.id, o, it->second.msg->intended, e.sent, e.at);
          counters.errors.fetch_add(it->second.msg->readings.size(), std::memory_order_relaxed);
          pending.erase(it);
          break;
        }
        case sim::network::Outcome::Buffered:
          break;
      }
    }
    auto& path = net.path(slot);
    if (path.buffered_now() > 0 && path.next_drain_time() != SimTime::max())
      drains.push(Due{path.next_drain_time(), seq++, slot});
  }

  void put_on_wire(std::uint64_t id) {
    auto it = pending.find(id);
    if (it == pending.end()) return;
    OutboundPtr m = std::move(it->second.msg);
    const auto format = slots[it->second.slot].format;
    pending.erase(it);
    hand_over(static_cast<std::size_t>(format), std::move(m));
  }

  void send_ops(OpsDriver::Send s) { hand_over(s.transport, std::move(s.msg)); }

  // A message leaves now: to its transport, or failed when no endpoint is configured.
  void hand_over(std::size_t transport, OutboundPtr m) {
    m->due = cfg.clock->to_wall(m->arrival);
    counters.messages_sent.fetch_add(1, std::memory_order_relaxed);
    auto& t = transports[transport];
    if (!t) {
      const auto now = Steady::now();
      m->written = now;
      return completed(std::move(m), Completion{Outcome::Failed, 0, now});
    }
    t->send(std::move(m));
  }

  // Scenario-time stamps of a wall instant, per the latency convention (run_options.hpp).
  SimTime stamp(const Outbound& m, Steady::time_point wall) const {
    return m.arrival + std::chrono::duration_cast<physiology::Duration>(wall - m.due);
  }

  void completed(OutboundPtr m, const Completion& r) {
    if (r.status) ++totals.http_status[r.status];
    note_answer(totals.outcome_codes, r, m->readings.size());
    const auto written = m->written == Steady::time_point{} ? r.at : m->written;
    totals.send_lateness.record(std::max<std::int64_t>(
        1000, std::chrono::duration_cast<std::chrono::nanoseconds>(written - m->due).count()));
    const SimTime sent = stamp(*m, written), acked = stamp(*m, r.at);
    // The wall instant of `sent`, so alerts on these readings get the same stamping.
    const std::int64_t sent_wall_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(written.time_since_epoch()).count();
    if (m->ops_kind) {
      if (ops) ops->completed(*m, r.outcome, sent, acked, sent_wall_ns);
      return;
    }
    if (is_waveform(*m)) return waveform_done(*m, r.outcome, acked - m->intended);
    if (ops && r.outcome == Outcome::Acknowledged && !m->readings.empty()) {
      const auto& rd = m->readings.front();
      const auto& link = fleet.devices()[fleet.device_slot(rd.patient, rd.device)].network->shared_link;
      if (!link.empty()) ops->note_vitals(link, m->intended, (acked - m->intended).count());
    }
    for (const auto& rd : m->readings)
      shard.on_outcome(rd.id, r.outcome, m->intended, sent, acked, sent_wall_ns);
    const auto n = m->readings.size();
    if (r.outcome == Outcome::Acknowledged) {
      counters.acknowledged.fetch_add(n, std::memory_order_relaxed);
      const auto lat = (acked - m->intended).count();
      counters.latency.record(lat);
      if (lat > counters.max_latency_ns.load(std::memory_order_relaxed))
        counters.max_latency_ns.store(lat, std::memory_order_relaxed);
    } else {
      counters.errors.fetch_add(n, std::memory_order_relaxed);
    }
  }

  // ---- the end ------------------------------------------------------------------------
  void begin_finish() {
    if (finishing) return;
    finishing = true;
    timer.cancel();
    drain_deadline = Steady::now() + cfg.drain_timeout;
    poll_drain();
  }

  void poll_drain() {
    std::size_t open = 0;
    for (auto& t : transports)
      if (t) open += t->in_flight();
    if (open == 0 || Steady::now() >= drain_deadline) return finalize();
    timer.expires_after(std::chrono::milliseconds(5));
    timer.async_wait([this](boost::system::error_code) { poll_drain(); });
  }

  void in_flight(const Outbound& m) {
    if (m.ops_kind) {  // an unanswered operations message: the driver counts it
      if (ops) ops->in_flight(m);
      return;
    }
    if (is_waveform(m)) return waveform_done(m, Outcome::InFlight);
    const SimTime sent = m.written == Steady::time_point{} ? m.intended : stamp(m, m.written);
    for (const auto& r : m.readings) shard.on_outcome(r.id, Outcome::InFlight, m.intended, sent, sent);
  }

  void finalize() {
    for (auto& t : transports) {
      if (!t) continue;
      for (auto& m : t->abandon()) in_flight(*m);
      totals.reconnects += t->reconnects();
      for (const auto& [reason, n] : t->tls_failures()) totals.tls_failures[reason] += n;
    }
    for (auto& [id, p] : pending) in_flight(*p.msg);  // buffered or not yet on the wire
    pending.clear();
    for (auto& s : slots) {  // stopped before the batch filled
      for (const auto& r : s.batch) shard.on_outcome(r.id, Outcome::InFlight, r.true_time, r.true_time, r.true_time);
      s.batch.clear();
    }
    const auto truth = fleet.finish();
    for (const auto& e : truth) cfg.recorder->add_episode(e);
    if (ops) totals.ops = ops->finish();
    if (record) {
      record->update_episodes(truth);
      record_ok = record->close();
    }
    timer.cancel();
    io.stop();
  }

  struct PendingMsg {
    OutboundPtr msg;
    std::size_t slot = 0;
  };

  EngineConfig cfg;
  EngineCounters& counters;
  EngineTotals& totals;
  asio::io_context io{1};
  asio::steady_timer timer;
  std::unique_ptr<OutputSource> source_ptr;
  OutputSource& fleet;  // the source (named for what it usually is)
  sim::FleetNetwork net;
  std::unique_ptr<OpsDriver> ops;  // nullptr: no operations devices
  reports::RecorderShard& shard;
  SimTime end;
  std::vector<Slot> slots;
  std::array<std::unique_ptr<Transport>, kFormats> transports;
  std::unordered_map<std::uint64_t, PendingMsg> pending;  // in the emulated network
  DueQueue transmit;
  DueQueue drains;
  std::vector<sim::network::PathEvent> events;
  std::uint64_t seq = 0;
  bool fleet_exhausted = false;
  bool stopping = false;
  bool finishing = false;
  Steady::time_point drain_deadline{};
  std::unique_ptr<RecordingPartWriter> record;  // --record: this thread's part
  bool record_ok = true;
};

Engine::Engine(const EngineConfig& config) : impl_(std::make_unique<Impl>(config, counters_, totals_)) {}
Engine::~Engine() = default;

void Engine::run() {
  for (auto& t : impl_->transports)
    if (t) t->start();
  asio::post(impl_->io, [this] { impl_->pump(); });
  impl_->io.run();
}

bool Engine::record_ok() const { return impl_->record_ok; }

void Engine::request_stop() {
  asio::post(impl_->io, [this] {
    impl_->stopping = true;
    if (!impl_->finishing) {
      impl_->timer.cancel();
      impl_->begin_finish();
    }
  });
}

}  // namespace iomtsim::loadgen::detail
