#include "ops_devices.hpp"

#include <algorithm>

#include "iomtsim/payloads/dicom_instance.hpp"
#include "iomtsim/payloads/dicom_stow.hpp"
#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/sim/ops_fleet.hpp"

namespace iomtsim::sim::device_side::detail {

using reports::Outcome;
using scenarios::PayloadFormat;

std::unique_ptr<OpsDevices> OpsDevices::make(
    const scenarios::Scenario& scenario, ShardSpec part, network::LinkRegistry& links, SimTime end,
    std::int64_t epoch_unix_ms, std::function<std::int64_t(const ops::OpsOutput&)> medium) {
  auto fleet = sim::make_ops_fleet(scenario, part);
  if (!fleet) return nullptr;
  return std::make_unique<OpsDevices>(scenario, std::move(*fleet), part, links, end, epoch_unix_ms,
                                      std::move(medium));
}

OpsDevices::OpsDevices(const scenarios::Scenario& s, ops::OpsFleet fleet, ShardSpec part,
                       network::LinkRegistry& links, SimTime end, std::int64_t epoch_unix_ms,
                       std::function<std::int64_t(const ops::OpsOutput&)> medium)
    : scenario_(s),
      end_(end),
      epoch_unix_ms_(epoch_unix_ms),
      fleet_(std::move(fleet)),
      links_(links),
      medium_(std::move(medium)) {
  if (const auto& im = s.target.imaging)
    dicomweb_base_ = std::string(im->tls ? "https://" : "http://") + im->host + ":" +
                     std::to_string(im->port) + im->base_path;
  const auto numbered = sim::ops_cohorts(s);
  for (std::size_t i = 0; i < s.cohorts.size(); ++i) {
    const auto& o = s.cohorts[i].operations;
    Cohort c;
    c.spec = &o;
    c.first_patient = numbered[i].first_patient;
    c.end_patient = c.first_patient + numbered[i].patient_count;
    c.first_asset = numbered[i].first_asset;
    c.end_asset = c.first_asset + o.model.assets.count;
    if (auto it = s.network_profiles.find(o.imaging.network_profile);
        it != s.network_profiles.end())
      c.imaging_link = link_key(it->second.shared_link);
    for (std::uint32_t a = c.first_asset; a < c.end_asset; ++a)
      if (part.owns(a))
        queries_.push({SimTime{} + sim::first_asset_query(a, o.asset_query_interval), a});
    cohorts_.push_back(c);
  }
}

const OpsDevices::Cohort& OpsDevices::cohort_of_patient(physiology::PatientIndex p) const {
  for (const auto& c : cohorts_)
    if (p >= c.first_patient && p < c.end_patient) return c;
  return cohorts_.back();
}

const OpsDevices::Cohort& OpsDevices::cohort_of_asset(std::uint32_t a) const {
  for (const auto& c : cohorts_)
    if (a >= c.first_asset && a < c.end_asset) return c;
  return cohorts_.back();
}

SimTime OpsDevices::next_output() const {
  return fleet_.done() || fleet_.next_time() >= end_ ? SimTime::max() : fleet_.next_time();
}

SimTime OpsDevices::next_query() const {
  return !queries_.empty() && queries_.top().at < end_ ? queries_.top().at : SimTime::max();
}

MessagePtr OpsDevices::query(MessagePtr m) {
  const auto q = queries_.top();
  queries_.pop();
  const auto interval = cohort_of_asset(q.asset).spec->asset_query_interval;
  if (q.at + interval < end_) queries_.push({q.at + interval, q.asset});
  m->kind = MessageKind::AssetQuery;
  m->wire_id = q.asset;
  m->format = PayloadFormat::FhirR4;
  m->http_get = true;
  m->http_path = "/assets/" + std::to_string(q.asset);
  m->intended = m->left_device = m->departs = q.at;
  return m;
}

OpsDevices::Generated OpsDevices::generate(SimTime t, MessagePtr m) {
  auto out = fleet_.next();
  m->kind = MessageKind::Ops;
  m->wire_id = ops::id_of(out);
  m->intended = m->left_device = t;
  m->format = PayloadFormat::FhirR4;
  const std::string* profile = nullptr;
  ops::OpsKind kind = ops::OpsKind::Pump;
  if (const auto* e = std::get_if<ops::PumpEvent>(&out)) {
    const auto& c = cohort_of_patient(e->patient);
    profile = &c.spec->pumps.network_profile;
    if (c.spec->pumps.format == PayloadFormat::Hl7v2) {
      m->format = PayloadFormat::Hl7v2;
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
    kind = ops::OpsKind::Location;
    profile = &cohort_of_asset(f->asset).spec->assets.network_profile;
    m->body = payloads::encode_location_observation(*f, epoch_unix_ms_);
    m->http_path = "Observation";
  } else {
    const auto& r = std::get<ops::ImagingResult>(out);
    kind = ops::OpsKind::Imaging;
    const auto& c = cohort_of_patient(r.patient);
    profile = &c.spec->imaging.network_profile;
    if (scenario_.target.imaging && payloads::dicom_kind(r.modality)) {
      // To the PACS as DICOM (STOW-RS); a blood gas stays a lab report.
      m->body = payloads::encode_stow_body(
          payloads::encode_dicom_instance(r, scenario_.metadata.seed, epoch_unix_ms_));
      m->http_path = payloads::kStowPath;
      m->dicomweb = true;
    } else {
      m->body = payloads::encode_diagnostic_report(r, epoch_unix_ms_);
      m->http_path = "DiagnosticReport";
    }
    imaging_index_[r.id] = report_.imaging.size();
    report_.imaging.push_back({r.id, r.patient, r.bytes, r.acquired_time, t, false, {}});
    // The result loads its link (and the engine's medium) until it reaches the target.
    const std::int64_t medium = medium_ ? medium_(out) : -1;
    if (medium >= 0) busy_[busy_key(false, medium)].push_back({r.id, t, SimTime::max()});
    if (c.imaging_link >= 0)
      busy_[busy_key(true, c.imaging_link)].push_back({r.id, t, SimTime::max()});
    imaging_where_[r.id] = {medium, c.imaging_link};
  }
  m->payload_bytes = m->body.size();
  ++counts_of(kind).generated;
  const std::uint64_t path_id = sim::ops_path_id(out);
  if (!paths_.contains(path_id)) {
    // The scenario validated that the profile exists; a missing one throws out_of_range.
    const auto& p = scenario_.network_profiles.at(*profile);
    paths_.try_emplace(path_id, p, scenario_.metadata.seed, path_id, links_.link_for(p));
  }
  m->ops = std::move(out);
  return {std::move(m), path_id};
}

network::NetworkPath& OpsDevices::path(std::uint64_t path_id) { return paths_.at(path_id); }

reports::DeliveryCounts& OpsDevices::counts_of(ops::OpsKind k) {
  switch (k) {
    case ops::OpsKind::Pump:
      return report_.delivery.pump_events;
    case ops::OpsKind::Location:
      return report_.delivery.location_fixes;
    case ops::OpsKind::Imaging:
      break;
  }
  return report_.delivery.imaging_results;
}

void OpsDevices::account(const Message& m, const Result& r) {
  const bool ok = r.outcome == Outcome::Acknowledged;
  if (m.kind == MessageKind::AssetQuery) {
    if (r.outcome == Outcome::InFlight) return;  // never answered: not a query the target saw
    reports::AssetQueryRecord q;
    q.asset = static_cast<std::uint32_t>(m.wire_id);
    q.query_time = m.intended;
    q.response_time = r.at - r.sent;
    if (ok && r.answer) {
      q.answered = true;
      q.zone = r.answer->zone;
      q.fix_time = r.answer->fix_time;
    } else if (ok) {
      auto where = payloads::decode_asset_location(r.answer_body, epoch_unix_ms_);
      if (where.ok()) {
        q.answered = true;
        q.zone = where.value.zone;
        q.fix_time = where.value.fix_device_time;
      }
    }
    report_.asset_queries.push_back(std::move(q));
    return;
  }
  if (m.kind == MessageKind::ImagingReport) {
    report_.delivery.imaging_reports.add(r.outcome);
    return;
  }
  const auto kind = ops::ops_id_kind(m.wire_id);
  counts_of(kind).add(r.outcome);
  if (kind == ops::OpsKind::Pump) {
    if (auto it = alarm_index_.find(m.wire_id); it != alarm_index_.end()) {
      auto& a = report_.pump_alarms[it->second];
      a.sent = r.sent;  // transient: see PumpAlarmRecord
      a.sent_wall_ns = r.sent_wall_ns;
    }
  } else if (kind == ops::OpsKind::Imaging) {
    if (auto it = imaging_index_.find(m.wire_id); ok && it != imaging_index_.end()) {
      report_.imaging[it->second].acked = true;
      report_.imaging[it->second].acked_time = r.at;
    }
    close_busy(m.wire_id, r.outcome == Outcome::InFlight ? SimTime::max() : r.at);
  }
}

std::optional<std::uint64_t> OpsDevices::to_chart(Message& m, SimTime at) {
  if (m.kind != MessageKind::Ops || !m.dicomweb || !m.ops) return std::nullopt;
  const auto* r = std::get_if<ops::ImagingResult>(&*m.ops);
  if (!r) return std::nullopt;
  auto id = payloads::dicom_identity(*r, scenario_.metadata.seed);
  auto& stored = stored_instances_[id.study_uid];
  stored.push_back(id.sop_uid);
  payloads::ImagingChartStudy study{std::move(id), stored, dicomweb_base_};
  // Move-assigned: the STOW-RS body's MiBs go now.
  m.body = payloads::encode_imaging_chart_bundle(*r, study, epoch_unix_ms_);
  m.kind = MessageKind::ImagingReport;
  m.http_path.clear();  // the FHIR base: a transaction
  m.dicomweb = false;
  m.format = PayloadFormat::FhirR4;
  m.intended = m.left_device = m.departs = at;
  m.attempt = 1;
  m.payload_bytes = m.body.size();
  ++report_.delivery.imaging_reports.generated;
  return sim::ops_path_id(*m.ops);
}

void OpsDevices::alarm_alerted(std::uint64_t event_id, SimTime received) {
  auto it = alarm_index_.find(event_id);
  if (it == alarm_index_.end()) return;  // not an alarm: a modelled target alerts on alarms only
  auto& a = report_.pump_alarms[it->second];
  if (!a.alerted || received < a.alert_received) a.alert_received = received;
  a.alerted = true;
}

void OpsDevices::reached_target(const Message& m, SimTime at) {
  if (m.kind == MessageKind::Ops && ops::ops_id_kind(m.wire_id) == ops::OpsKind::Imaging)
    close_busy(m.wire_id, at);
}

void OpsDevices::close_busy(std::uint64_t event_id, SimTime t) {
  auto where = imaging_where_.find(event_id);
  if (where == imaging_where_.end()) return;  // closed already (reached_target)
  auto close = [&](std::uint64_t key) {
    for (auto& b : busy_[key])
      if (b.event_id == event_id) b.until = std::min(b.until, std::max(b.from, t));
  };
  if (where->second.first >= 0) close(busy_key(false, where->second.first));
  if (where->second.second >= 0) close(busy_key(true, where->second.second));
  imaging_where_.erase(where);
}

std::int64_t OpsDevices::link_key(const std::string& shared_link) {
  if (shared_link.empty()) return -1;
  return link_keys_.try_emplace(shared_link, static_cast<std::int64_t>(link_keys_.size()))
      .first->second;
}

void OpsDevices::note_vitals(std::int64_t link, std::int64_t medium, SimTime intended,
                             Duration latency, SimTime now) {
  // Intervals that ended long before `now` can no longer hold a vital message's intended
  // send (its latency would have to exceed the horizon): forget them, so the scan stays short.
  constexpr Duration kHorizon = std::chrono::minutes(30);
  auto during = [&](std::uint64_t key) {
    auto it = busy_.find(key);
    if (it == busy_.end()) return false;
    auto& v = it->second;
    if (v.size() > 8)
      std::erase_if(
          v, [&](const Busy& b) { return b.until != SimTime::max() && b.until + kHorizon < now; });
    return std::any_of(v.begin(), v.end(),
                       [&](const Busy& b) { return b.from <= intended && intended < b.until; });
  };
  const bool busy = (medium >= 0 && during(busy_key(false, medium))) ||
                    (link >= 0 && during(busy_key(true, link)));
  const auto ns = std::max<std::int64_t>(0, latency.count());
  (busy ? report_.vitals_latency_during_imaging : report_.vitals_latency_outside_imaging)
      .record(ns);
}

reports::OpsReport OpsDevices::close() {
  auto truth = fleet_.finish();
  report_.asset_tracks = std::move(truth.asset_tracks);
  reports::OpsReport out = std::move(report_);
  out.sort();
  return out;
}

}  // namespace iomtsim::sim::device_side::detail
