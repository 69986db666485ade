#include "driver.hpp"

#include <algorithm>

namespace iomtsim::sim::simgrid::detail {

using device_side::MessageKind;
using device_side::Result;
using reports::Outcome;

Driver::Driver(device_side::DeviceSide& side, const OpsAccess& access, reports::Recorder& recorder,
               Platform& platform, Pipeline& pipeline, DriverConfig cfg)
    : side_(side),
      access_(access),
      alerts_shard_(recorder.make_shard()),
      platform_(platform),
      pipeline_(pipeline),
      pool_(pipeline.front()),
      cfg_(std::move(cfg)),
      rules_(cfg_.rules) {
  aggregated_ = cfg_.capacity->fidelity == Fidelity::Aggregated;
  ap_batch_.resize(platform_.access_points());
  for (const auto& f : cfg_.capacity->failures)
    if (f.kind == ScheduledFailure::Kind::Link)
      link_failures_[sg4::Link::by_name(f.link)].push_back(f);
}

SimTime Driver::now() const { return to_sim_time(sg4::Engine::get_clock()); }

void Driver::run() {
  const SimTime deadline = cfg_.end + cfg_.capacity->drain;
  SimTime t = now();
  for (;;) {
    if (cfg_.frame && cfg_.frame->check_stop(t)) break;  // interrupted: the rest is in flight
    process_due(t);
    const SimTime next =
        std::min(side_.next_time(), flushes_.empty() ? SimTime::max() : flushes_.top().at);
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
    const SimTime ts = side_.next_time();
    const SimTime tb = flushes_.empty() ? SimTime::max() : flushes_.top().at;
    const SimTime first = std::min(ts, tb);
    if (first == SimTime::max()) return;
    // Only the events that start a SimGrid communication (a message reaching its access
    // point; a flush when aggregated) must wait for SimGrid's clock. The rest (the device
    // side: fleet, network paths, batches) touch no SimGrid state and no server queue, so
    // they run ahead up to the next such event: one engine step per communication instead
    // of one per reading instant. Same results: completions in between only feed the
    // server queues and the rules, whose order is unchanged.
    const SimTime sync = aggregated_ ? tb : std::min(side_.next_departure(), tb);
    const SimTime ahead = std::max(t, std::min(sync, deadline));
    if (first > (first == sync ? t : ahead)) return;
    if (ts <= tb) {  // the device side's events come before a flush at the same instant
      side_.step(first, departed_);
      for (auto& m : departed_) reached_ap(std::move(m), first);
      departed_.clear();
      continue;
    }
    const auto ap = static_cast<std::uint32_t>(flushes_.top().key);
    flushes_.pop();
    if (!ap_batch_[ap].empty()) {
      auto batch = take_list();
      batch.swap(ap_batch_[ap]);  // the access point keeps a recycled list's capacity
      start_comm(std::move(batch), ap, first);
    }
  }
}

void Driver::reached_ap(MessagePtr m, SimTime t) {
  if (m->kind == MessageKind::AssetQuery) {  // the staff terminal: answered at the end
    queries_.push_back(std::move(m));
    return;
  }
  ++stats_.messages;
  if (m->kind == MessageKind::Ops) ++stats_.ops_messages;
  const auto ap = access_.of_message(*m);
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

void Driver::fail_all(std::vector<MessagePtr>& msgs, Outcome o, SimTime at) {
  for (auto& m : msgs) {
    if (o == Outcome::Failed) stats_.link_failures += m->readings.size();
    Result r;
    r.outcome = o;
    r.sent = m->left_device;
    r.at = o == Outcome::InFlight ? m->left_device : at;
    r.retryable = o == Outcome::Failed;  // a link down: the connection failed, a device retries
    side_.finish(std::move(m), r);
  }
}

void Driver::start_comm(std::vector<MessagePtr> msgs, std::uint32_t ap, SimTime t) {
  const auto server = pool_.pick(t);
  const Route& route = platform_.route(ap, server);
  if (link_failure(route, t, t) != SimTime::max()) {
    fail_all(msgs, Outcome::Failed, t);
    return recycle_list(std::move(msgs));
  }
  Flight f;
  f.ap = ap;
  f.server = server;
  f.start = t;
  for (const auto& m : msgs) f.bytes += m->payload_bytes;
  if (t >= cfg_.measure_from && t < cfg_.end)
    for (sg4::Link* l : route.links) link_bytes_[l] += static_cast<double>(f.bytes);
  f.msgs = std::move(msgs);
  comms_.push_back(sg4::Comm::sendto_async(platform_.ap(ap), platform_.server(server), f.bytes));
  flights_.push_back(std::move(f));
  ++stats_.communications;
  stats_.peak_in_flight = std::max<std::uint64_t>(stats_.peak_in_flight, comms_.size());
}

std::vector<Driver::MessagePtr> Driver::take_list() {
  if (free_lists_.empty()) return {};
  auto list = std::move(free_lists_.back());
  free_lists_.pop_back();
  return list;
}

void Driver::recycle_list(std::vector<MessagePtr>&& list) {
  list.clear();  // every message went back to the device side
  free_lists_.push_back(std::move(list));
}

void Driver::completed(std::size_t index, SimTime t) {
  Flight f = std::move(flights_[index]);
  // Swap-remove keeps both vectors parallel; wait_any_for only needs the set.
  comms_[index] = std::move(comms_.back());
  comms_.pop_back();
  flights_[index] = std::move(flights_.back());
  flights_.pop_back();

  const Route& route = platform_.route(f.ap, f.server);
  if (const SimTime down = link_failure(route, f.start, t); down != SimTime::max()) {
    fail_all(f.msgs, Outcome::Failed, down);
    return recycle_list(std::move(f.msgs));
  }
  const Duration back = physiology::from_seconds(route.latency_s);  // the answer's way back
  const Duration transfer = std::max(Duration{0}, (t - f.start) - back);
  for (auto& m : f.msgs) {
    // Aggregated: charge each message its own access-point instant plus its byte share
    // of the batch's transfer, not the wait for the interval to end (simulate.hpp).
    SimTime arrival = t;
    if (aggregated_) {
      const auto share = Duration{static_cast<std::int64_t>(
          static_cast<double>(transfer.count()) * static_cast<double>(m->payload_bytes) /
          static_cast<double>(std::max<std::size_t>(1, f.bytes)))};
      arrival = std::min(t, m->departs + back + share);
    }
    if (m->kind != MessageKind::Readings) {
      side_.reached_target(*m, arrival);  // an imaging result is off the links from here
      if (!aggregated_) {
        admit_unit(std::move(m), f.server, arrival, back);
        continue;
      }
      unit_arrivals_.push_back(UnitArrival{arrival, seq_++, std::move(m), back, f.server});
      std::push_heap(unit_arrivals_.begin(), unit_arrivals_.end(), std::greater<>{});
      continue;
    }
    if (cfg_.retries && !aggregated_) {
      if (admit_message(m, f.server, arrival, back)) side_.release(std::move(m));
      continue;
    }
    for (const auto& r : m->readings) {
      if (aggregated_)
        arrivals_.push(Arrival{arrival, seq_++, r, m->intended, m->left_device, back, f.server});
      else
        admit(r, m->intended, m->left_device, f.server, arrival, back);
    }
    side_.release(std::move(m));
  }
  recycle_list(std::move(f.msgs));
  if (aggregated_) admit_ready(watermark());
  // No reading can reach the front stage before these instants any more, so none can
  // reach a later stage before them either.
  advance_stages(aggregated_ ? watermark() : t);
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
      admit_unit(std::move(u.msg), u.server, u.at, u.back);
      continue;
    }
    const Arrival& a = arrivals_.top();
    admit(a.reading, a.intended, a.sent, a.server, a.at, a.back);
    arrivals_.pop();
  }
}

bool Driver::admit_message(MessagePtr& m, std::uint32_t server, SimTime arrival, Duration back) {
  admissions_.clear();
  for (std::size_t i = 0; i < m->readings.size(); ++i)
    admissions_.push_back(pool_.admit(server, arrival));
  const auto first = admissions_.front().result;
  const bool refused_whole = first != Admission::Result::Accepted &&
                             std::all_of(admissions_.begin(), admissions_.end(),
                                         [first](const Admission& a) { return a.result == first; });
  if (refused_whole) {
    Result res;
    res.sent = m->left_device;
    res.retryable = true;
    if (first == Admission::Result::Rejected) {
      res.outcome = Outcome::Rejected;
      res.status = 503;
      res.at = admissions_.back().done + back;
      stats_.queue_rejections += m->readings.size();
    } else {
      res.outcome = Outcome::Failed;
      res.at = admissions_.back().done;
      stats_.server_failures += m->readings.size();
    }
    side_.finish(std::move(m), res);
    return false;
  }
  for (std::size_t i = 0; i < m->readings.size(); ++i)
    answer(m->readings[i], m->intended, m->left_device, admissions_[i], back);
  return true;
}

void Driver::admit(const physiology::Reading& r, SimTime intended, SimTime sent,
                   std::uint32_t server, SimTime arrival, Duration back) {
  answer(r, intended, sent, pool_.admit(server, arrival), back);
}

void Driver::answer(const physiology::Reading& r, SimTime intended, SimTime sent,
                    const Admission& a, Duration back) {
  if (a.result != Admission::Result::Accepted || pipeline_.single_stage())
    return answered(r, intended, sent, a, back);
  std::uint64_t slot = in_pipeline_.size();
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    in_pipeline_[slot] = {r, intended, sent, back};
  } else {
    in_pipeline_.push_back({r, intended, sent, back});
  }
  pipeline_.forward(slot, a.done);
}

void Driver::advance_stages(SimTime upto) {
  if (pipeline_.idle()) return;
  pipeline_.advance(upto, [this](std::uint64_t slot, const Admission& a) {
    const InPipeline& p = in_pipeline_[slot];
    answered(p.reading, p.intended, p.sent, a, p.back);
    free_slots_.push_back(slot);
  });
}

void Driver::answered(const physiology::Reading& r, SimTime intended, SimTime sent,
                      const Admission& a, Duration back) {
  Result res;
  res.sent = sent;
  switch (a.result) {
    case Admission::Result::Accepted: {
      const SimTime acked = a.done + back;
      res.outcome = Outcome::Acknowledged;
      res.at = acked;
      side_.finish_reading(r, intended, res);
      alerts_.clear();
      rules_.ingest(r, alerts_);
      for (auto& alert : alerts_) {
        alert.received_time = acked + cfg_.capacity->alert_delivery;
        alerts_shard_.on_alert(alert, r, intended);
        ++stats_.alerts;
      }
      break;
    }
    case Admission::Result::Rejected:
      res.outcome = Outcome::Rejected;
      res.at = a.done + back;
      side_.finish_reading(r, intended, res);
      ++stats_.queue_rejections;
      break;
    case Admission::Result::Failed:
      res.outcome = Outcome::Failed;
      res.at = a.done;
      side_.finish_reading(r, intended, res);
      ++stats_.server_failures;
      break;
  }
}

// Whatever has no answer when the run stops is in flight, as in a real run.
void Driver::finish() {
  admit_ready(SimTime::max());  // arrived before the end: answered, as in a real drain
  advance_stages(SimTime::max());
  for (auto& f : flights_) fail_all(f.msgs, Outcome::InFlight, SimTime{});
  for (auto& c : comms_) c->cancel();
  comms_.clear();
  flights_.clear();
  for (auto& b : ap_batch_) {
    fail_all(b, Outcome::InFlight, SimTime{});
    b.clear();
  }
  answer_queries();
  sections_ = side_.close();
  stats_.readings = side_.counts().readings;
  stats_.waveform_blocks = side_.counts().waveform_blocks;
  stats_.simulated_s = sg4::Engine::get_clock();
}

std::vector<reports::ResourceUse> Driver::link_uses() const {
  std::vector<reports::ResourceUse> out;
  const double window_s = physiology::to_seconds(cfg_.end - cfg_.measure_from);
  for (const auto& [link, bytes] : link_bytes_) {
    reports::ResourceUse u;
    u.name = link->get_name();
    u.kind = "link";
    const double bytes_per_s = link->get_bandwidth();  // SimGrid's unit: bytes per second
    u.utilisation = bytes_per_s > 0 && window_s > 0 ? bytes / (bytes_per_s * window_s) : 0.0;
    out.push_back(std::move(u));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace iomtsim::sim::simgrid::detail
