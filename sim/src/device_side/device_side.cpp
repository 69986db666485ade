#include "iomtsim/sim/device_side/device_side.hpp"

#include <algorithm>
#include <unordered_map>
#include <variant>

#include "iomtsim/payloads/wire_size.hpp"
#include "iomtsim/physiology/random.hpp"
#include "iomtsim/sim/device_side/timed_queue.hpp"
#include "iomtsim/sim/fleet_network.hpp"
#include "iomtsim/sim/waveform_body.hpp"
#include "ops_devices.hpp"

namespace iomtsim::sim::device_side {

using reports::Outcome;
using scenarios::PayloadFormat;

namespace {

[[noreturn]] void broken(const std::string& what) {
  throw InternalError("device side: internal invariant broken: " + what);
}

}  // namespace

Duration RetryPolicy::backoff(std::uint32_t attempt, std::uint64_t wire_id) const {
  Duration d = initial_backoff;
  for (std::uint32_t i = 1; i < attempt && d < max_backoff; ++i) d *= 2;
  d = std::min(d, max_backoff);
  if (jitter <= 0.0) return d;
  // A draw per (seed, message, attempt): the same run waits the same, whatever the order in
  // which answers come back.
  const std::uint64_t h = physiology::splitmix64(
      physiology::splitmix64(seed ^ 0x9E3779B97F4A7C15ull ^ wire_id) ^ attempt);
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // [0, 1)
  const double factor = 1.0 + jitter * (2.0 * u - 1.0);
  return std::max(Duration{1},
                  Duration{static_cast<std::int64_t>(static_cast<double>(d.count()) * factor)});
}

RetryPolicy retry_policy(const scenarios::Scenario& s) {
  const auto& r = s.target.retry;
  RetryPolicy p;
  p.max_attempts = std::max<std::uint32_t>(1, r.attempts);
  p.initial_backoff = r.backoff;
  p.max_backoff = std::max(r.backoff, r.max_backoff);
  p.jitter = r.jitter;
  p.seed = s.metadata.seed;
  return p;
}

struct DeviceSide::Impl {
  struct Slot {  // one device of the source
    reports::ChannelId channel = 0;
    PayloadFormat format = PayloadFormat::FhirR4;
    std::uint32_t batch_size = 1;
    std::vector<physiology::Reading> batch;
    std::int64_t link = -1;    // its profile's shared link key (operations: vitals)
    std::int64_t medium = -1;  // the engine's medium (config.medium_of_slot)
  };

  explicit Impl(DeviceSideConfig c)
      : cfg(std::move(c)),
        source(cfg.source ? std::move(cfg.source) : fleet_source(*cfg.scenario, cfg.part)),
        net(source->devices(), cfg.scenario->metadata.seed),
        shard(cfg.recorder->make_shard()) {
    if (cfg.operations)
      ops = detail::OpsDevices::make(*cfg.scenario, cfg.part, net.links(), cfg.end,
                                     cfg.epoch_unix_ms, cfg.medium_of_ops);
    const auto& devices = source->devices();
    slots.resize(devices.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto& d = devices[i];
      auto& s = slots[i];
      s.format = d.format();
      s.batch_size = std::max<std::uint32_t>(1, d.spec->batch);
      s.channel = cfg.recorder->channel(payloads::protocol_name(d.format()), d.network->name);
      if (ops) s.link = ops->link_key(d.network->shared_link);
      if (i < cfg.medium_of_slot.size()) s.medium = cfg.medium_of_slot[i];
    }
  }

  // ---- the clock of events ----------------------------------------------------------------
  SimTime source_next() {
    if (exhausted || stopped) return SimTime::max();
    if (source->done() || source->next_time() > cfg.end) {
      exhausted = true;
      if (cfg.send_partial_batches_at_end)
        for (std::size_t i = 0; i < slots.size(); ++i)  // partial batches go out now
          if (!slots[i].batch.empty()) submit(i, slots[i].batch.back().true_time);
      return SimTime::max();
    }
    return source->next_time();
  }
  SimTime drain_next() const {
    // A drain after the end (or after a stop) never runs.
    return stopped || drains.next_time() > cfg.end ? SimTime::max() : drains.next_time();
  }
  SimTime ops_next() const { return ops && !stopped ? ops->next_output() : SimTime::max(); }
  SimTime query_next() const { return ops && !stopped ? ops->next_query() : SimTime::max(); }
  SimTime next_time() {
    return std::min(
        {source_next(), ops_next(), query_next(), drain_next(), departures.next_time()});
  }

  bool step(SimTime until, std::vector<MessagePtr>& out) {
    const SimTime t = next_time();
    if (t == SimTime::max() || t > until) return false;
    if (source_next() == t) {
      auto o = source->next();
      if (auto* r = std::get_if<physiology::Reading>(&o)) {
        if (switched_off(r->patient, r->device, r->true_time)) return true;
        if (cfg.tap) cfg.tap(o);
        generated(*r);
      } else {
        const auto& b = std::get<physiology::WaveformBlock>(o);
        if (switched_off(b.patient, b.device, b.true_time)) return true;
        if (cfg.tap) cfg.tap(o);
        generated(b);
      }
    } else if (ops_next() == t) {
      auto g = ops->generate(t, take());
      ++counts.ops_messages;
      send(std::move(g.msg), ops->path(g.path_id), TimedEvent::Kind::OpsDrain, g.path_id);
    } else if (query_next() == t) {
      auto m = ops->query(take());
      m->key = next_key++;
      ++counts.asset_queries;
      depart(std::move(m), out);
    } else if (drain_next() == t) {  // a device reconnects: its buffer drains
      const TimedEvent e = drains.pop();
      if (e.kind == TimedEvent::Kind::OpsDrain)
        drain(ops->path(e.key), e, t);
      else
        drain(net.path(static_cast<std::size_t>(e.key)), e, t);
    } else {
      const TimedEvent e = departures.pop();
      auto it = held.find(e.key);
      if (it == held.end())
        broken("departure of message " + std::to_string(e.key) + " it does not hold");
      MessagePtr m = std::move(it->second);
      held.erase(it);
      depart(std::move(m), out);
    }
    return true;
  }

  void depart(MessagePtr m, std::vector<MessagePtr>& out) {
    ++stats.attempts;
    ++carried_messages;
    carried_readings += m->readings.size();
    out.push_back(std::move(m));
  }

  // ---- devices, batching, the network path ---------------------------------------------
  // A device not yet switched on (DeviceSideConfig::start_of_slot) measures nothing.
  bool switched_off(physiology::PatientIndex p, physiology::DeviceIndex d, SimTime t) const {
    if (cfg.start_of_slot.empty()) return false;
    const std::size_t slot = source->device_slot(p, d);
    return slot < cfg.start_of_slot.size() && t < cfg.start_of_slot[slot];
  }
  bool scored(SimTime measured) const { return measured >= cfg.score_from; }

  void generated(const physiology::Reading& r) {
    const std::size_t slot = source->device_slot(r.patient, r.device);
    Slot& s = slots[slot];
    if (scored(r.true_time)) shard.on_generated(r, s.channel);
    ++counts.readings;
    if (cfg.hooks.generated) cfg.hooks.generated(1);
    s.batch.push_back(r);
    if (s.batch.size() >= s.batch_size) submit(slot, r.true_time);
  }

  void submit(std::size_t slot, SimTime intended) {
    Slot& s = slots[slot];
    MessagePtr m = take();
    m->kind = MessageKind::Readings;
    m->readings.swap(s.batch);  // the slot keeps the recycled message's capacity
    s.batch.clear();
    m->wire_id = m->readings.front().id;
    m->slot = slot;
    m->format = s.format;
    m->payload_bytes = payloads::wire_bytes(s.format, m->readings.size());
    m->intended = m->left_device = intended;
    send(std::move(m), net.path(slot), TimedEvent::Kind::Drain, slot);
  }

  // A block is one message of its device, encoded as its protocol sends it, through the
  // device's path with its real size; its accounting is the WaveformReport's.
  void generated(const physiology::WaveformBlock& b) {
    const std::size_t slot = source->device_slot(b.patient, b.device);
    const auto format = slots[slot].format;
    MessagePtr m = take();
    m->kind = MessageKind::Waveform;
    m->wire_id = b.id;  // shares the device's reading sequence: unique
    m->slot = slot;
    m->format = format;
    m->intended = m->left_device = b.true_time;  // its first sample
    m->body = encode_waveform_body(b, format, cfg.epoch_unix_ms);
    if (format == PayloadFormat::FhirR4) m->http_path = "Observation";
    m->samples = static_cast<std::uint32_t>(b.samples.size());
    m->payload_bytes = m->body.size();
    if (scored(b.true_time)) {
      ++waveforms.delivery.generated;
      waveforms.samples_generated += m->samples;
      waveforms.bytes_offered += m->body.size();
    }
    ++counts.waveform_blocks;
    send(std::move(m), net.path(slot), TimedEvent::Kind::Drain, slot);
  }

  void send(MessagePtr m, network::NetworkPath& path, TimedEvent::Kind drain,
            std::uint64_t path_key) {
    m->key = next_key++;
    const network::Message msg{m->key, m->intended, m->payload_bytes};
    held.emplace(msg.id, std::move(m));
    events.clear();
    path.send(msg, events);
    path_events(path, drain, path_key);
  }

  void drain(network::NetworkPath& path, const TimedEvent& e, SimTime t) {
    events.clear();
    path.advance_to(t, events);
    path_events(path, e.kind, e.key);
  }

  void path_events(network::NetworkPath& path, TimedEvent::Kind drain, std::uint64_t path_key) {
    for (const auto& e : events) {
      auto it = held.find(e.message.id);
      if (it == held.end())
        broken("network path event for message " + std::to_string(e.message.id) +
               " it does not hold");
      Message& m = *it->second;
      switch (e.outcome) {
        case network::Outcome::Delivered:
          m.left_device = e.sent;
          m.departs = e.at;
          departures.push(e.at, TimedEvent::Kind::Departure, m.key);
          break;
        case network::Outcome::Lost:
        case network::Outcome::Dropped: {
          Result r;
          r.outcome =
              e.outcome == network::Outcome::Lost ? Outcome::LostNetwork : Outcome::DroppedBuffer;
          r.sent = e.sent;
          r.at = e.at;
          account(m, r);
          recycle(std::move(it->second));
          held.erase(it);
          break;
        }
        case network::Outcome::Buffered:
          break;
      }
    }
    if (path.buffered_now() > 0 && path.next_drain_time() != SimTime::max())
      drains.push(path.next_drain_time(), drain, path_key);
  }

  // ---- outcomes -------------------------------------------------------------------------
  void finish(MessagePtr m, const Result& r) {
    if (!m) broken("finish() without a message");
    if (carried_messages == 0 || carried_readings < m->readings.size())
      broken("finish() of message " + std::to_string(m->key) + " the engine was not given");
    --carried_messages;
    carried_readings -= m->readings.size();
    if (r.retryable && r.outcome != Outcome::InFlight && r.outcome != Outcome::Acknowledged) {
      if (m->attempt < cfg.retry.max_attempts && !stopped) {
        const Duration wait =
            std::max(cfg.retry.backoff(m->attempt, m->wire_id), r.retry_after.value_or(Duration{}));
        ++m->attempt;
        ++stats.retries;
        m->departs = r.at + wait;
        departures.push(m->departs, TimedEvent::Kind::Departure, m->key);
        held.emplace(m->key, std::move(m));
        return;
      }
      ++stats.retries_exhausted;
    }
    account(*m, r);
    // A result the PACS stored goes on to the chart, from the modality, by its own path.
    if (ops && r.outcome == Outcome::Acknowledged && !stopped)
      if (const auto path_id = ops->to_chart(*m, r.at)) {
        send(std::move(m), ops->path(*path_id), TimedEvent::Kind::OpsDrain, *path_id);
        return;
      }
    recycle(std::move(m));
  }

  void finish_reading(const physiology::Reading& rd, SimTime intended, const Result& r) {
    if (carried_readings == 0)
      broken("finish_reading() of reading " + std::to_string(rd.id) + " the engine was not given");
    --carried_readings;
    reading_outcome(rd, intended, r);
    final_hook(r, 1, intended);
  }

  void release(MessagePtr m) {
    if (!m || carried_messages == 0) broken("release() of a message the engine was not given");
    --carried_messages;
    recycle(std::move(m));
  }

  void reading_outcome(const physiology::Reading& rd, SimTime intended, const Result& r) {
    if (!scored(rd.true_time)) return;
    shard.on_outcome(rd.id, r.outcome, intended, r.sent, r.at, r.sent_wall_ns);
    if (ops && r.outcome == Outcome::Acknowledged) {  // vital signs during or outside imaging
      const Slot& s = slots[source->device_slot(rd.patient, rd.device)];
      ops->note_vitals(s.link, s.medium, intended, r.at - intended, r.at);
    }
  }

  void final_hook(const Result& r, std::size_t n, SimTime intended) {
    if (cfg.hooks.final)
      cfg.hooks.final(r.outcome, n,
                      r.outcome == Outcome::Acknowledged ? (r.at - intended).count() : 0);
  }

  // The final outcome of a whole message, into its one bucket.
  void account(const Message& m, const Result& r) {
    switch (m.kind) {
      case MessageKind::Readings:
        for (const auto& rd : m.readings) reading_outcome(rd, m.intended, r);
        final_hook(r, m.readings.size(), m.intended);
        return;
      case MessageKind::Waveform:
        if (!scored(m.intended)) return;  // a block's intended send is its first sample
        waveforms.delivery.add(r.outcome);
        if (r.outcome == Outcome::Acknowledged) {
          waveforms.latency.record(std::max<std::int64_t>(1, (r.at - m.intended).count()));
          waveforms.samples_acknowledged += m.samples;
        }
        return;
      case MessageKind::Ops:
      case MessageKind::ImagingReport:
      case MessageKind::AssetQuery:
        if (!ops) broken("an operations message without operations devices");
        ops->account(m, r);
        return;
    }
  }

  Sections close() {
    if (closed) broken("close() called twice");
    closed = true;
    if (carried_messages != 0 || carried_readings != 0)
      broken("the engine still holds " + std::to_string(carried_messages) + " messages (" +
             std::to_string(carried_readings) + " readings) at close()");
    // Buffered, on the way to the engine or waiting for a retry: in flight at the end.
    for (auto& [key, m] : held) {
      Result r;
      r.outcome = Outcome::InFlight;
      r.sent = r.at = m->left_device;
      account(*m, r);
    }
    held.clear();
    for (auto& s : slots) {  // stopped before the batch filled
      for (const auto& rd : s.batch) {
        Result r;
        r.outcome = Outcome::InFlight;
        r.sent = r.at = rd.true_time;
        reading_outcome(rd, rd.true_time, r);
        final_hook(r, 1, rd.true_time);
      }
      s.batch.clear();
    }
    Sections out;
    out.episodes = source->finish();
    for (const auto& e : out.episodes) cfg.recorder->add_episode(e);
    out.waveforms = std::move(waveforms);
    if (ops) out.ops = ops->close();
    out.delivery = stats;
    return out;
  }

  // Messages are recycled: otherwise every message costs allocations for itself and its
  // readings' vector.
  MessagePtr take() {
    if (free.empty()) return std::make_unique<Message>();
    MessagePtr m = std::move(free.back());
    free.pop_back();
    return m;
  }
  void recycle(MessagePtr m) {
    m->readings.clear();
    m->samples = 0;
    m->ops.reset();
    // A DICOM study's body is MiBs: pooled messages must not keep such buffers alive.
    if (m->body.capacity() > (1u << 20))
      std::string().swap(m->body);
    else
      m->body.clear();
    m->http_path.clear();
    m->http_get = false;
    m->ack_key.clear();
    m->dicomweb = false;
    m->slot = kNoSlot;
    m->attempt = 1;
    free.push_back(std::move(m));
  }

  DeviceSideConfig cfg;
  std::unique_ptr<OutputSource> source;
  FleetNetwork net;
  reports::RecorderShard& shard;
  std::unique_ptr<detail::OpsDevices> ops;  // nullptr: no operations devices
  std::vector<Slot> slots;
  TimedQueue drains;      // key: slot (Drain) or operations path id (OpsDrain)
  TimedQueue departures;  // key: message key
  std::unordered_map<std::uint64_t, MessagePtr> held;  // on a path or waiting to depart
  std::vector<network::PathEvent> events;
  std::vector<MessagePtr> free;
  std::uint64_t next_key = 0;
  std::uint64_t carried_messages = 0;  // with the engine
  std::uint64_t carried_readings = 0;
  bool exhausted = false;
  bool stopped = false;
  bool closed = false;
  Counts counts;
  DeliveryStats stats;
  reports::WaveformReport waveforms;
};

DeviceSide::DeviceSide(DeviceSideConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
DeviceSide::~DeviceSide() = default;

const std::vector<FleetDevice>& DeviceSide::devices() const { return impl_->source->devices(); }
std::size_t DeviceSide::device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const {
  return impl_->source->device_slot(p, d);
}
SimTime DeviceSide::next_time() { return impl_->next_time(); }
SimTime DeviceSide::next_departure() const { return impl_->departures.next_time(); }
bool DeviceSide::step(SimTime until, std::vector<MessagePtr>& out) {
  return impl_->step(until, out);
}
void DeviceSide::stop() { impl_->stopped = true; }
void DeviceSide::finish(MessagePtr m, const Result& r) { impl_->finish(std::move(m), r); }
void DeviceSide::finish_reading(const physiology::Reading& r, SimTime intended,
                                const Result& result) {
  impl_->finish_reading(r, intended, result);
}
void DeviceSide::release(MessagePtr m) { impl_->release(std::move(m)); }
void DeviceSide::reached_target(const Message& m, SimTime at) {
  if (impl_->ops) impl_->ops->reached_target(m, at);
}
void DeviceSide::alarm_alerted(std::uint64_t event_id, SimTime received) {
  if (impl_->ops) impl_->ops->alarm_alerted(event_id, received);
}
Sections DeviceSide::close() { return impl_->close(); }
const Counts& DeviceSide::counts() const { return impl_->counts; }
std::vector<physiology::Episode> DeviceSide::episodes() const { return impl_->source->episodes(); }
const DeliveryStats& DeviceSide::delivery_stats() const { return impl_->stats; }

}  // namespace iomtsim::sim::device_side
