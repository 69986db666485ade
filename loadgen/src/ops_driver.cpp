#include "ops_driver.hpp"

#include <algorithm>

#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/sim/ops_fleet.hpp"

namespace iomtsim::loadgen::detail {

namespace ops = physiology::ops;
using physiology::SimTime;
using scenarios::PayloadFormat;

namespace {

sim::network::SharedLink* link(const scenarios::Scenario& s, const std::string& profile,
                               sim::network::LinkRegistry& links) {
  auto it = s.network_profiles.find(profile);
  return it == s.network_profiles.end() ? nullptr : links.link_for(it->second);
}

}  // namespace

std::unique_ptr<OpsDriver> OpsDriver::make(const scenarios::Scenario& scenario, sim::ShardSpec part,
                                           sim::network::LinkRegistry& links,
                                           std::int64_t epoch_unix_ms) {
  auto fleet = sim::make_ops_fleet(scenario, part);
  if (!fleet) return nullptr;
  return std::make_unique<OpsDriver>(scenario, std::move(*fleet), part, links, epoch_unix_ms);
}

OpsDriver::OpsDriver(const scenarios::Scenario& s, ops::OpsFleet fleet, sim::ShardSpec part,
                     sim::network::LinkRegistry& links, std::int64_t epoch_unix_ms)
    : scenario_(s),
      end_(SimTime{s.metadata.duration}),
      epoch_unix_ms_(epoch_unix_ms),
      fleet_(std::move(fleet)) {
  const auto numbered = sim::ops_cohorts(s);
  for (std::size_t i = 0; i < s.cohorts.size(); ++i) {
    const auto& c = s.cohorts[i];
    const auto& o = c.operations;
    CohortOps co;
    co.spec = &o;
    co.first_patient = numbered[i].first_patient;
    co.end_patient = co.first_patient + numbered[i].patient_count;
    co.first_asset = numbered[i].first_asset;
    co.end_asset = co.first_asset + o.model.assets.count;
    if (o.model.pumps.per_patient) co.pump_link = link(s, o.pumps.network_profile, links);
    if (o.model.assets.count) co.asset_link = link(s, o.assets.network_profile, links);
    if (o.model.imaging.procedures_per_day > 0) {
      co.imaging_link = link(s, o.imaging.network_profile, links);
      if (auto it = s.network_profiles.find(o.imaging.network_profile);
          it != s.network_profiles.end())
        co.imaging_link_name = it->second.shared_link;
    }
    // Asset queries: every query interval per owned asset, phases spread over the interval.
    for (std::uint32_t a = co.first_asset; a < co.end_asset; ++a) {
      if (a % part.count != part.index) continue;
      queries_.push({SimTime{} + sim::first_asset_query(a, o.asset_query_interval), a});
    }
    cohorts_.push_back(std::move(co));
  }
}

const OpsDriver::CohortOps& OpsDriver::cohort_of_patient(physiology::PatientIndex p) const {
  for (const auto& c : cohorts_)
    if (p >= c.first_patient && p < c.end_patient) return c;
  return cohorts_.back();
}

const OpsDriver::CohortOps& OpsDriver::cohort_of_asset(std::uint32_t a) const {
  for (const auto& c : cohorts_)
    if (a >= c.first_asset && a < c.end_asset) return c;
  return cohorts_.back();
}

SimTime OpsDriver::next_time() const {
  SimTime t = fleet_.done() || fleet_.next_time() >= end_ ? SimTime::max() : fleet_.next_time();
  if (!queries_.empty() && queries_.top().at < end_) t = std::min(t, queries_.top().at);
  if (!ready_.empty()) t = std::min(t, ready_.top().at);
  if (!drains_.empty() && drains_.top().at <= end_) t = std::min(t, drains_.top().at);
  return t;
}

std::optional<OpsDriver::Send> OpsDriver::step(SimTime t) {
  if (!ready_.empty() && ready_.top().at <= t) {
    const auto seq = ready_.top().seq;
    ready_.pop();
    auto it = held_.find(seq);
    Send s = std::move(it->second);
    held_.erase(it);
    return s;
  }
  if (!drains_.empty() && drains_.top().at <= t) {  // a device reconnects: its buffer drains
    const auto id = drains_.top().path_id;
    drains_.pop();
    events_.clear();
    paths_.at(id).advance_to(t, events_);
    path_events(id);
    return std::nullopt;
  }
  if (!queries_.empty() && queries_.top().at <= t && queries_.top().at < end_) {
    const auto q = queries_.top();
    queries_.pop();
    const auto interval = cohort_of_asset(q.asset).spec->asset_query_interval;
    if (q.at + interval < end_) queries_.push({q.at + interval, q.asset});
    auto m = std::make_unique<Outbound>();
    m->id = q.asset;
    m->ops_kind = kOpsQuery;
    m->get = true;
    m->path = "/assets/" + std::to_string(q.asset);
    m->intended = m->arrival = q.at;
    return Send{0, std::move(m)};
  }
  generated(t);
  return std::nullopt;
}

void OpsDriver::generated(SimTime t) {
  const auto out = fleet_.next();
  auto m = std::make_unique<Outbound>();
  m->id = ops::id_of(out);
  m->intended = t;
  std::size_t transport = 0;
  sim::network::SharedLink* l = nullptr;
  const std::string* profile = nullptr;
  const std::uint64_t path_id = sim::ops_path_id(out);  // a path per operations device
  if (const auto* e = std::get_if<ops::PumpEvent>(&out)) {
    const auto& c = cohort_of_patient(e->patient);
    m->ops_kind = kOpsPump;
    l = c.pump_link;
    profile = &c.spec->pumps.network_profile;
    if (c.spec->pumps.format == PayloadFormat::Hl7v2) {
      transport = 1;
      m->body = payloads::encode_pump_oru(*e, epoch_unix_ms_);
      m->ack_key = "PUMP" + std::to_string(e->id);
    } else {
      m->body = payloads::encode_pump_bundle(*e, epoch_unix_ms_);  // to the FHIR base
    }
    if (e->alarm()) {
      alarm_index_[e->id] = report_.pump_alarms.size();
      reports::PumpAlarmRecord a;
      a.event_id = e->id;
      a.patient = e->patient;
      a.kind = std::string(ops::name(e->kind));
      a.true_time = e->true_time;
      a.intended_send = t;
      report_.pump_alarms.push_back(std::move(a));
    }
  } else if (const auto* f = std::get_if<ops::LocationFix>(&out)) {
    const auto& c = cohort_of_asset(f->asset);
    m->ops_kind = kOpsFix;
    l = c.asset_link;
    profile = &c.spec->assets.network_profile;
    m->body = payloads::encode_location_observation(*f, epoch_unix_ms_);
    m->path = "Observation";
  } else if (const auto* r = std::get_if<ops::ImagingResult>(&out)) {
    const auto& c = cohort_of_patient(r->patient);
    m->ops_kind = kOpsImaging;
    l = c.imaging_link;
    profile = &c.spec->imaging.network_profile;
    m->body = payloads::encode_diagnostic_report(*r, epoch_unix_ms_);
    m->path = "DiagnosticReport";
    imaging_index_[r->id] = report_.imaging.size();
    report_.imaging.push_back({r->id, r->patient, r->bytes, r->acquired_time, t, false, {}});
  }
  ++counts_of(m->ops_kind).generated;
  const auto seq = seq_++;
  const sim::network::Message msg{seq, t, m->body.size()};
  held_.emplace(seq, Send{transport, std::move(m)});
  events_.clear();
  path_of(path_id, *profile, l).send(msg, events_);
  path_events(path_id);
}

sim::network::NetworkPath& OpsDriver::path_of(std::uint64_t path_id, const std::string& profile,
                                              sim::network::SharedLink* link) {
  auto it = paths_.find(path_id);
  if (it != paths_.end()) return it->second;
  // The scenario validated that the profile exists; a missing one is a programming error.
  const auto& p = scenario_.network_profiles.at(profile);
  return paths_.try_emplace(path_id, p, scenario_.metadata.seed, path_id, link).first->second;
}

void OpsDriver::path_events(std::uint64_t path_id) {
  for (const auto& e : events_) {
    auto it = held_.find(e.message.id);
    if (it == held_.end()) continue;  // cannot happen: every message is held until final
    Outbound& m = *it->second.msg;
    switch (e.outcome) {
      case sim::network::Outcome::Delivered:
        m.arrival = e.at;
        ready_.push({e.at, e.message.id});
        if (m.ops_kind == kOpsImaging) {
          const auto& name = cohort_of_patient(
                                 report_.imaging[imaging_index_.at(m.id)].patient)
                                 .imaging_link_name;
          if (!name.empty())
            imaging_busy_until_[name] = std::max(imaging_busy_until_[name], e.at);
        }
        break;
      case sim::network::Outcome::Lost:
      case sim::network::Outcome::Dropped:
        counts_of(m.ops_kind).add(e.outcome == sim::network::Outcome::Lost
                                      ? reports::Outcome::LostNetwork
                                      : reports::Outcome::DroppedBuffer);
        held_.erase(it);
        break;
      case sim::network::Outcome::Buffered:
        break;
    }
  }
  auto& path = paths_.at(path_id);
  if (path.buffered_now() > 0 && path.next_drain_time() != SimTime::max())
    drains_.push({path.next_drain_time(), path_id});
}

reports::DeliveryCounts& OpsDriver::counts_of(std::uint8_t ops_kind) {
  switch (ops_kind) {
    case kOpsPump: return report_.delivery.pump_events;
    case kOpsFix: return report_.delivery.location_fixes;
    default: return report_.delivery.imaging_results;
  }
}

void OpsDriver::completed(const Outbound& m, reports::Outcome outcome, SimTime sent,
                          SimTime acked, std::int64_t sent_wall_ns) {
  const bool ok = outcome == reports::Outcome::Acknowledged;
  if (m.ops_kind != kOpsQuery) counts_of(m.ops_kind).add(outcome);
  if (m.ops_kind == kOpsPump) {
    auto it = alarm_index_.find(m.id);
    if (it != alarm_index_.end()) {
      report_.pump_alarms[it->second].sent = sent;
      report_.pump_alarms[it->second].sent_wall_ns = sent_wall_ns;
    }
  }
  if (m.ops_kind == kOpsImaging && ok) {
    auto it = imaging_index_.find(m.id);
    if (it != imaging_index_.end()) {
      report_.imaging[it->second].acked = true;
      report_.imaging[it->second].acked_time = acked;
    }
  } else if (m.ops_kind == kOpsQuery) {
    reports::AssetQueryRecord q;
    q.asset = static_cast<std::uint32_t>(m.id);
    q.query_time = m.intended;
    q.response_time = acked - sent;
    if (ok) {
      auto where = payloads::decode_asset_location(m.answer, epoch_unix_ms_);
      if (where.ok()) {
        q.answered = true;
        q.zone = where.value.zone;
        q.fix_time = where.value.fix_device_time;
      }
    }
    report_.asset_queries.push_back(std::move(q));
  }
}

void OpsDriver::note_vitals(const std::string& link_name, SimTime intended,
                            std::int64_t latency_ns) {
  const auto lat = std::max<std::int64_t>(0, latency_ns);
  auto it = imaging_busy_until_.find(link_name);
  if (it != imaging_busy_until_.end() && intended < it->second)
    report_.vitals_latency_during_imaging.record(lat);
  else
    report_.vitals_latency_outside_imaging.record(lat);
}

void OpsDriver::in_flight(const Outbound& m) {
  if (m.ops_kind != kOpsQuery) counts_of(m.ops_kind).add(reports::Outcome::InFlight);
}

reports::OpsReport OpsDriver::finish() {
  // Still on a path or in a device buffer: in flight at the end, like readings.
  for (const auto& [seq, send] : held_) in_flight(*send.msg);
  held_.clear();
  auto truth = fleet_.finish();
  report_.asset_tracks = std::move(truth.asset_tracks);
  reports::OpsReport out = std::move(report_);
  out.sort();
  return out;
}

void attach_pump_alerts(reports::Report& report) {
  auto& alarms = report.ops.pump_alarms;
  std::sort(alarms.begin(), alarms.end(),
            [](const auto& a, const auto& b) { return a.event_id < b.event_id; });
  std::vector<reports::AlertRecord> clinical;
  for (auto& a : report.alerts) {
    const auto wall = a.received_wall_ns;
    a.received_wall_ns.reset();  // transient: see AlertRecord
    if (a.alert.rule != "pump_alarm") {
      clinical.push_back(std::move(a));
      continue;
    }
    auto it = std::lower_bound(alarms.begin(), alarms.end(), a.alert.trigger_reading_id,
                               [](const auto& r, std::uint64_t id) { return r.event_id < id; });
    if (it == alarms.end() || it->event_id != a.alert.trigger_reading_id) continue;
    SimTime received = a.alert.received_time;
    if (wall && it->sent_wall_ns)
      received = it->sent + physiology::Duration{*wall - *it->sent_wall_ns};
    if (!it->alerted || received < it->alert_received) it->alert_received = received;
    it->alerted = true;
  }
  for (auto& alarm : alarms) {  // transient stamps: see PumpAlarmRecord
    alarm.sent = {};
    alarm.sent_wall_ns.reset();
  }
  report.alerts = std::move(clinical);
  report.rescore();
}

}  // namespace iomtsim::loadgen::detail
