#include "driver.hpp"

#include <algorithm>
#include <variant>

#include "iomtsim/sim/wire_format.hpp"

namespace iomtsim::sim::simgrid::detail {

using reports::Outcome;
using scenarios::PayloadFormat;

// The same names and on-the-wire sizes as the real-time engine (sim/wire_format.hpp).
using sim::protocol_name;
using sim::wire_bytes;

Driver::Driver(Fleet& fleet, FleetNetwork& net, reports::Recorder& recorder, Platform& platform,
               ServerPool& pool, DriverConfig cfg)
    : fleet_(fleet),
      net_(net),
      recorder_(recorder),
      shard_(recorder.make_shard()),
      platform_(platform),
      pool_(pool),
      cfg_(std::move(cfg)),
      feed_(std::make_unique<FleetPrefetch>(fleet, cfg_.end, cfg_.prefetch_fleet)) {
  aggregated_ = cfg_.capacity->fidelity == Fidelity::Aggregated;
  slots_.resize(fleet_.device_count());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& d = fleet_.devices()[i];
    slots_[i].format = d.format();
    slots_[i].batch_size = std::max<std::uint32_t>(1, d.spec->batch);
    slots_[i].channel = recorder_.channel(protocol_name(d.format()), d.network->name);
  }
  ap_batch_.resize(platform_.access_points());
  for (const auto& f : cfg_.capacity->failures)
    if (f.kind == ScheduledFailure::Kind::Link)
      link_failures_[sg4::Link::by_name(f.link)].push_back(f);
  ops_ = OpsTraffic::make(fleet_.scenario(), fleet_, net_.links(), cfg_.ap_of_slot, cfg_.end);
  if (ops_) {
    vital_link_.resize(slots_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i)
      vital_link_[i] = ops_->link_key(fleet_.devices()[i].network->shared_link);
  }
}

SimTime Driver::now() const { return to_sim_time(sg4::Engine::get_clock()); }

SimTime Driver::next_time() const {
  SimTime t = SimTime::max();
  if (!fleet_exhausted_) t = feed_->next_time();
  if (!drains_.empty() && drains_.top().at <= cfg_.end) t = std::min(t, drains_.top().at);
  if (!ap_due_.empty()) t = std::min(t, ap_due_.top().at);
  if (!flushes_.empty()) t = std::min(t, flushes_.top().at);
  if (ops_) t = std::min(t, ops_->next_time());
  return t;
}

void Driver::run() {
  const SimTime deadline = cfg_.end + cfg_.capacity->drain;
  SimTime t = now();
  for (;;) {
    process_due(t);
    const SimTime next = next_time();
    if (next == SimTime::max() && flights_.empty()) break;
    if (flights_.empty()) {
      sg4::this_actor::sleep_until(to_clock(next));
      t = std::max(now(), next);  // the clock is a double: never fall a nanosecond short
      continue;
    }
    const SimTime until = std::min(next, deadline);
    const double timeout = std::max(0.0, to_clock(until) - sg4::Engine::get_clock());
    const auto i = sg4::Comm::wait_any_for(comms_, timeout);
    if (i >= 0) {
      t = now();
      completed(static_cast<std::size_t>(i), t);
    } else {
      t = std::max(now(), until);
      if (t >= deadline && next > deadline) break;  // answers still out: in flight at the end
    }
  }
  finish();
}

void Driver::process_due(SimTime t) {
  const SimTime deadline = cfg_.end + cfg_.capacity->drain;
  for (;;) {
    if (!fleet_exhausted_ && feed_->done()) {  // the feed stops at cfg_.end
      fleet_exhausted_ = true;
      for (std::size_t i = 0; i < slots_.size(); ++i)  // partial device batches go out now
        if (!slots_[i].batch.empty()) submit(i, slots_[i].batch.back().true_time);
    }
    const SimTime tf = fleet_exhausted_ ? SimTime::max() : feed_->next_time();
    const SimTime td =
        !drains_.empty() && drains_.top().at <= cfg_.end ? drains_.top().at : SimTime::max();
    const SimTime ta = ap_due_.empty() ? SimTime::max() : ap_due_.top().at;
    const SimTime tb = flushes_.empty() ? SimTime::max() : flushes_.top().at;
    const SimTime to = ops_ ? ops_->next_time() : SimTime::max();
    const SimTime first = std::min({tf, td, ta, tb, to});
    if (first == SimTime::max()) return;
    // Only the events that start a SimGrid communication (a message reaching its access
    // point per reading; a flush when aggregated) must wait for SimGrid's clock. The rest
    // (the fleet, the device-side network path, filling a batch) touch no SimGrid state
    // and no server queue, so they run ahead up to the next such event: one engine step
    // per communication instead of one per reading instant. Same results: completions
    // in between only feed the server queues and the rules, whose order is unchanged.
    const SimTime sync = aggregated_ ? tb : std::min(ta, tb);
    const SimTime ahead = std::max(t, std::min(sync, deadline));
    if (first > (first == sync ? t : ahead)) return;
    if (tf == first) {
      auto out = feed_->next();
      if (auto* r = std::get_if<physiology::Reading>(&out))
        generated(*r);
      else
        generated(std::get<physiology::WaveformBlock>(out));
    } else if (to == first) {  // after readings due at the same instant, as loadgen
      ops_step(first);
    } else if (td == first) {
      const auto slot = static_cast<std::size_t>(drains_.top().key);
      drains_.pop();
      events_.clear();
      net_.path(slot).advance_to(first, events_);
      path_events(slot);
    } else if (ta == first) {
      const auto id = ap_due_.top().key;
      const bool is_ops = ap_due_.top().ops;
      ap_due_.pop();
      reached_ap(id, first, is_ops);
    } else {
      const auto ap = static_cast<std::uint32_t>(flushes_.top().key);
      flushes_.pop();
      if (!ap_batch_[ap].empty()) {
        auto batch = take_list();
        batch.swap(ap_batch_[ap]);  // the access point keeps a recycled list's capacity
        start_comm(std::move(batch), ap, first);
      }
    }
  }
}

void Driver::generated(const physiology::Reading& r) {
  const std::size_t slot = fleet_.device_slot(r.patient, r.device);
  Slot& s = slots_[slot];
  shard_.on_generated(r, s.channel);
  ++stats_.readings;
  s.batch.push_back(r);
  if (s.batch.size() >= s.batch_size) submit(slot, r.true_time);
}

void Driver::submit(std::size_t slot, SimTime intended) {
  Slot& s = slots_[slot];
  MsgPtr m = take_msg();
  m->readings.swap(s.batch);  // the slot keeps the recycled message's capacity
  s.batch.clear();
  m->intended = intended;
  m->kind = Msg::Kind::Readings;
  m->slot = static_cast<std::uint32_t>(slot);
  m->ap = cfg_.ap_of_slot[slot];
  m->bytes = wire_bytes(s.format, m->readings.size());
  const sim::network::Message msg{m->readings.front().id, intended, m->bytes};
  pending_.emplace(msg.id, std::move(m));
  events_.clear();
  net_.path(slot).send(msg, events_);
  path_events(slot);
}

void Driver::path_events(std::size_t slot) {
  for (const auto& e : events_) {
    auto it = pending_.find(e.message.id);
    if (it == pending_.end()) continue;
    switch (e.outcome) {
      case sim::network::Outcome::Delivered:
        it->second->sent = e.sent;
        it->second->at_ap = e.at;
        ap_due_.push(Due{e.at, seq_++, e.message.id});
        break;
      case sim::network::Outcome::Lost:
      case sim::network::Outcome::Dropped:
        if (it->second->kind != Msg::Kind::Readings)  // a waveform block
          unit_outcome(*it->second,
                       e.outcome == sim::network::Outcome::Lost ? Outcome::LostNetwork
                                                                : Outcome::DroppedBuffer,
                       e.at, e.at);
        for (const auto& r : it->second->readings)
          shard_.on_outcome(r.id,
                            e.outcome == sim::network::Outcome::Lost ? Outcome::LostNetwork
                                                                     : Outcome::DroppedBuffer,
                            it->second->intended, e.sent, e.at);
        recycle(std::move(it->second));
        pending_.erase(it);
        break;
      case sim::network::Outcome::Buffered:
        break;
    }
  }
  auto& path = net_.path(slot);
  if (path.buffered_now() > 0 && path.next_drain_time() != SimTime::max())
    drains_.push(Due{path.next_drain_time(), seq_++, slot});
}

void Driver::reached_ap(std::uint64_t id, SimTime t, bool is_ops) {
  auto& pending = is_ops ? ops_pending_ : pending_;
  auto it = pending.find(id);
  if (it == pending.end()) return;
  MsgPtr m = std::move(it->second);
  pending.erase(it);
  ++stats_.messages;
  const auto ap = m->ap;
  if (!aggregated_) {
    auto one = take_list();
    one.push_back(std::move(m));
    return start_comm(std::move(one), ap, t);
  }
  // Interval boundaries are fixed per access point (multiples of the interval, offset by
  // k/K of it), so batches do not depend on which message came first, and access points
  // do not all flush at the same instant (which would make every batch share the WAN at
  // once and inflate transfer times that per-reading messages never see).
  if (ap_batch_[ap].empty()) {
    const auto w = cfg_.capacity->aggregate_interval.count();
    const auto offset = static_cast<std::int64_t>(static_cast<double>(w) * static_cast<double>(ap) /
                                                  static_cast<double>(ap_batch_.size()));
    const auto since = t.time_since_epoch().count() - offset;  // may be negative: floor it
    const auto k = (since >= 0 ? since / w : -((-since + w - 1) / w)) + 1;
    flushes_.push(Due{SimTime{Duration{k * w + offset}}, seq_++, ap});
  }
  ap_batch_[ap].push_back(std::move(m));
}

SimTime Driver::link_failure(const Route& r, SimTime from, SimTime to) const {
  SimTime first = SimTime::max();
  if (link_failures_.empty()) return first;
  for (const auto* l : r.links) {
    auto it = link_failures_.find(l);
    if (it == link_failures_.end()) continue;
    for (const auto& f : it->second) {
      if (f.down_at(from))
        first = std::min(first, from);
      else if (f.at > from && f.at <= to)
        first = std::min(first, f.at);
    }
  }
  return first;
}

void Driver::start_comm(std::vector<MsgPtr> msgs, std::uint32_t ap, SimTime t) {
  const auto server = pool_.pick(t);
  const Route& route = platform_.route(ap, server);
  if (link_failure(route, t, t) != SimTime::max()) {
    for (const auto& m : msgs) {
      outcome_all(*m, Outcome::Failed, t);
      stats_.link_failures += m->readings.size();
    }
    return recycle_list(std::move(msgs));
  }
  Flight f;
  f.ap = ap;
  f.server = server;
  f.start = t;
  for (const auto& m : msgs) f.bytes += m->bytes;
  f.msgs = std::move(msgs);
  comms_.push_back(sg4::Comm::sendto_async(platform_.ap(ap), platform_.server(server), f.bytes));
  flights_.push_back(std::move(f));
  ++stats_.communications;
  stats_.peak_in_flight = std::max<std::uint64_t>(stats_.peak_in_flight, comms_.size());
}

Driver::MsgPtr Driver::take_msg() {
  if (free_msgs_.empty()) return std::make_unique<Msg>();
  MsgPtr m = std::move(free_msgs_.back());
  free_msgs_.pop_back();
  m->readings.clear();
  return m;
}

void Driver::recycle(MsgPtr m) {
  if (m) free_msgs_.push_back(std::move(m));
}

std::vector<Driver::MsgPtr> Driver::take_list() {
  if (free_lists_.empty()) return {};
  auto list = std::move(free_lists_.back());
  free_lists_.pop_back();
  return list;
}

void Driver::recycle_list(std::vector<MsgPtr>&& list) {
  for (auto& m : list) recycle(std::move(m));
  list.clear();
  free_lists_.push_back(std::move(list));
}

void Driver::outcome_all(const Msg& m, Outcome o, SimTime at) {
  if (m.kind != Msg::Kind::Readings) return unit_outcome(m, o, at, at);
  for (const auto& r : m.readings) shard_.on_outcome(r.id, o, m.intended, m.sent, at);
}

void Driver::completed(std::size_t index, SimTime t) {
  Flight f = std::move(flights_[index]);
  // Swap-remove keeps both vectors parallel; wait_any_for only needs the set.
  comms_[index] = std::move(comms_.back());
  comms_.pop_back();
  flights_[index] = std::move(flights_.back());
  flights_.pop_back();
  struct Recycle {  // whichever way this returns, the messages go back to the pool
    Driver& d;
    std::vector<MsgPtr>& msgs;
    ~Recycle() { d.recycle_list(std::move(msgs)); }
  } recycle_at_exit{*this, f.msgs};

  const Route& route = platform_.route(f.ap, f.server);
  if (const SimTime down = link_failure(route, f.start, t); down != SimTime::max()) {
    for (const auto& m : f.msgs) {
      outcome_all(*m, Outcome::Failed, down);
      stats_.link_failures += m->readings.size();
    }
    return;
  }
  const Duration back = physiology::from_seconds(route.latency_s);  // the answer's way back
  const Duration transfer = std::max(Duration{0}, (t - f.start) - back);
  for (auto& m : f.msgs) {
    // Aggregated: charge each message its own access-point instant plus its byte share
    // of the batch's transfer, not the wait for the interval to end (simulate.hpp).
    SimTime arrival = t;
    if (aggregated_) {
      const auto share = Duration{static_cast<std::int64_t>(
          static_cast<double>(transfer.count()) * static_cast<double>(m->bytes) /
          static_cast<double>(std::max<std::size_t>(1, f.bytes)))};
      arrival = std::min(t, m->at_ap + back + share);
    }
    if (m->kind != Msg::Kind::Readings) {
      if (m->kind == Msg::Kind::Ops && m->ops.kind == ops::OpsKind::Imaging)
        ops_->imaging_arrived(m->ops.event_id, arrival);  // off the links from here
      if (!aggregated_) {
        admit_unit(*m, f.server, arrival, back);
        continue;
      }
      unit_arrivals_.push_back(UnitArrival{arrival, seq_++, std::move(m), back, f.server});
      std::push_heap(unit_arrivals_.begin(), unit_arrivals_.end(), std::greater<>{});
      continue;
    }
    for (const auto& r : m->readings) {
      if (aggregated_)
        arrivals_.push(Arrival{arrival, seq_++, r, m->intended, m->sent, back, f.server});
      else
        admit(r, *m, f.server, arrival, back);
    }
  }
  if (aggregated_) admit_ready(watermark());
}

SimTime Driver::watermark() const {
  // A batch still open or in flight holds readings from at most one interval before its
  // flush instant.
  const Duration w = cfg_.capacity->aggregate_interval;
  SimTime mark = now();
  if (!flushes_.empty()) mark = std::min(mark, flushes_.top().at - w);
  for (const auto& f : flights_) mark = std::min(mark, f.start - w);
  return mark;
}

void Driver::admit_ready(SimTime upto) {
  for (;;) {
    const bool reading = !arrivals_.empty() && arrivals_.top().at <= upto;
    const bool unit = !unit_arrivals_.empty() && unit_arrivals_.front().at <= upto;
    if (!reading && !unit) return;
    bool take_unit = unit;
    if (unit && reading) {  // the earlier of the two heads (time, then sequence)
      const auto& u0 = unit_arrivals_.front();
      const auto& a0 = arrivals_.top();
      take_unit = u0.at < a0.at || (u0.at == a0.at && u0.seq < a0.seq);
    }
    if (take_unit) {
      std::pop_heap(unit_arrivals_.begin(), unit_arrivals_.end(), std::greater<>{});
      UnitArrival u = std::move(unit_arrivals_.back());
      unit_arrivals_.pop_back();
      admit_unit(*u.msg, u.server, u.at, u.back);
      recycle(std::move(u.msg));
      continue;
    }
    const Arrival& a = arrivals_.top();
    Msg m;
    m.intended = a.intended;
    m.sent = a.sent;
    admit(a.reading, m, a.server, a.at, a.back);
    arrivals_.pop();
  }
}

void Driver::admit(const physiology::Reading& r, const Msg& m, std::uint32_t server,
                   SimTime arrival, Duration back) {
  const auto a = pool_.admit(server, arrival);
  switch (a.result) {
    case Admission::Result::Accepted: {
      const SimTime acked = a.done + back;
      shard_.on_outcome(r.id, Outcome::Acknowledged, m.intended, m.sent, acked);
      if (ops_) {  // vital signs during or outside imaging (OpsReport)
        const auto slot = fleet_.device_slot(r.patient, r.device);
        ops_->note_vitals(cfg_.ap_of_slot[slot], vital_link_[slot], m.intended,
                          acked - m.intended, now());
      }
      alerts_.clear();
      rules_.ingest(r, alerts_);
      for (auto& alert : alerts_) {
        alert.received_time = acked + cfg_.capacity->alert_delivery;
        shard_.on_alert(alert, r, m.intended);
        ++stats_.alerts;
      }
      break;
    }
    case Admission::Result::Rejected:
      shard_.on_outcome(r.id, Outcome::Rejected, m.intended, m.sent, a.done + back);
      ++stats_.queue_rejections;
      break;
    case Admission::Result::Failed:
      shard_.on_outcome(r.id, Outcome::Failed, m.intended, m.sent, a.done);
      ++stats_.server_failures;
      break;
  }
}

// Whatever has no answer when the run stops is in flight, as in a real run.
void Driver::finish() {
  admit_ready(SimTime::max());  // arrived before the end: answered, as in a real drain
  for (auto& f : flights_)
    for (const auto& m : f.msgs) outcome_all(*m, Outcome::InFlight, m->sent);
  for (auto& c : comms_) c->cancel();
  comms_.clear();
  flights_.clear();
  for (auto& b : ap_batch_)
    for (const auto& m : b) outcome_all(*m, Outcome::InFlight, m->sent);
  for (auto& [id, m] : pending_) outcome_all(*m, Outcome::InFlight, m->intended);
  pending_.clear();
  for (auto& [id, m] : ops_pending_) outcome_all(*m, Outcome::InFlight, m->intended);
  ops_pending_.clear();
  for (auto& s : slots_) {
    for (const auto& r : s.batch)
      shard_.on_outcome(r.id, Outcome::InFlight, r.true_time, r.true_time, r.true_time);
    s.batch.clear();
  }
  for (const auto& e : feed_->finish()) recorder_.add_episode(e);
  finish_units();
  stats_.simulated_s = sg4::Engine::get_clock();
}

}  // namespace iomtsim::sim::simgrid::detail
