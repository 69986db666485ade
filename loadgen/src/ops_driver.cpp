#include "ops_driver.hpp"

#include <algorithm>

#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/reports/report.hpp"

namespace iomtsim::loadgen::detail {

namespace ops = physiology::ops;
using physiology::SimTime;
using scenarios::PayloadFormat;

namespace {

std::vector<ops::OpsCohort> ops_cohorts(const scenarios::Scenario& s) {
  std::vector<ops::OpsSpec> specs;
  std::vector<std::string> wards;
  std::vector<std::uint32_t> counts;
  for (const auto& c : s.cohorts) {
    specs.push_back(c.operations.model);
    wards.push_back(c.ward);
    counts.push_back(c.physiology.count);
  }
  return ops::number_cohorts(specs, wards, counts);
}

sim::network::SharedLink* link(const scenarios::Scenario& s, const std::string& profile,
                               sim::network::LinkRegistry& links) {
  auto it = s.network_profiles.find(profile);
  return it == s.network_profiles.end() ? nullptr : links.link_for(it->second);
}

}  // namespace

std::unique_ptr<OpsDriver> OpsDriver::make(const scenarios::Scenario& scenario, sim::ShardSpec part,
                                           sim::network::LinkRegistry& links,
                                           std::int64_t epoch_unix_ms) {
  bool any = false;
  for (const auto& c : scenario.cohorts) any = any || !c.operations.model.empty();
  if (!any) return nullptr;
  return std::make_unique<OpsDriver>(scenario, part, links, epoch_unix_ms);
}

OpsDriver::OpsDriver(const scenarios::Scenario& s, sim::ShardSpec part,
                     sim::network::LinkRegistry& links, std::int64_t epoch_unix_ms)
    : end_(SimTime{s.metadata.duration}),
      epoch_unix_ms_(epoch_unix_ms),
      fleet_(ops_cohorts(s), s.metadata.seed, s.metadata.duration, part.index, part.count) {
  const auto numbered = ops_cohorts(s);
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
      const auto phase =
          o.asset_query_interval * static_cast<std::int64_t>(1 + (a * 7919u) % 97) / 98;
      queries_.push({SimTime{} + o.asset_query_interval + phase, a});
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
  if (const auto* e = std::get_if<ops::PumpEvent>(&out)) {
    const auto& c = cohort_of_patient(e->patient);
    m->ops_kind = kOpsPump;
    l = c.pump_link;
    if (c.spec->pumps.format == PayloadFormat::Hl7v2) {
      transport = 1;
      m->body = payloads::encode_pump_oru(*e, epoch_unix_ms_);
      m->ack_key = "PUMP" + std::to_string(e->id);
    } else {
      m->body = payloads::encode_pump_observation(*e, epoch_unix_ms_);
      m->path = "Observation";
    }
    if (e->alarm())
      report_.pump_alarms.push_back(
          {e->id, e->patient, std::string(ops::name(e->kind)), e->true_time, t, false, {}});
  } else if (const auto* f = std::get_if<ops::LocationFix>(&out)) {
    m->ops_kind = kOpsFix;
    l = cohort_of_asset(f->asset).asset_link;
    m->body = payloads::encode_location_observation(*f, epoch_unix_ms_);
    m->path = "Observation";
  } else if (const auto* r = std::get_if<ops::ImagingResult>(&out)) {
    const auto& c = cohort_of_patient(r->patient);
    m->ops_kind = kOpsImaging;
    l = c.imaging_link;
    m->body = payloads::encode_diagnostic_report(*r, epoch_unix_ms_);
    m->path = "DiagnosticReport";
    imaging_index_[r->id] = report_.imaging.size();
    report_.imaging.push_back({r->id, r->patient, r->bytes, r->acquired_time, t, false, {}});
  }
  m->arrival = l ? l->transmit_done(t, m->body.size()) : t;
  if (m->ops_kind == kOpsImaging) {
    const auto& name =
        cohort_of_patient(std::get<ops::ImagingResult>(out).patient).imaging_link_name;
    if (!name.empty()) imaging_busy_until_[name] = std::max(imaging_busy_until_[name], m->arrival);
  }
  const auto seq = seq_++;
  ready_.push({m->arrival, seq});
  held_.emplace(seq, Send{transport, std::move(m)});
}

void OpsDriver::completed(const Outbound& m, reports::Outcome outcome, SimTime sent,
                          SimTime acked) {
  const bool ok = outcome == reports::Outcome::Acknowledged;
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

reports::OpsReport OpsDriver::finish() {
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
    if (a.alert.rule != "pump_alarm") {
      clinical.push_back(std::move(a));
      continue;
    }
    auto it = std::lower_bound(alarms.begin(), alarms.end(), a.alert.trigger_reading_id,
                               [](const auto& r, std::uint64_t id) { return r.event_id < id; });
    if (it == alarms.end() || it->event_id != a.alert.trigger_reading_id) continue;
    if (!it->alerted || a.alert.received_time < it->alert_received)
      it->alert_received = a.alert.received_time;
    it->alerted = true;
  }
  report.alerts = std::move(clinical);
  report.rescore();
}

}  // namespace iomtsim::loadgen::detail
