#include "ops_traffic.hpp"

#include <algorithm>

#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/sim/ops_fleet.hpp"

namespace iomtsim::sim::simgrid::detail {

using reports::Outcome;
using scenarios::PayloadFormat;

std::unique_ptr<OpsTraffic> OpsTraffic::make(const scenarios::Scenario& scenario,
                                             const Fleet& fleet, network::LinkRegistry& links,
                                             const std::vector<std::uint32_t>& ap_of_slot,
                                             SimTime end) {
  auto ops_fleet = sim::make_ops_fleet(scenario);
  if (!ops_fleet) return nullptr;
  return std::make_unique<OpsTraffic>(scenario, std::move(*ops_fleet), fleet, links, ap_of_slot,
                                      end);
}

OpsTraffic::OpsTraffic(const scenarios::Scenario& s, ops::OpsFleet fleet, const Fleet& devices,
                       network::LinkRegistry& links, const std::vector<std::uint32_t>& ap_of_slot,
                       SimTime end)
    : scenario_(s), end_(end), fleet_(std::move(fleet)), links_(links) {
  for (std::size_t i = 0; i < devices.devices().size() && i < ap_of_slot.size(); ++i)
    patient_ap_.try_emplace(devices.devices()[i].patient, ap_of_slot[i]);
  const auto numbered = sim::ops_cohorts(s);
  for (std::size_t i = 0; i < s.cohorts.size(); ++i) {
    const auto& o = s.cohorts[i].operations;
    Cohort c;
    c.spec = &o;
    c.first_patient = numbered[i].first_patient;
    c.end_patient = c.first_patient + numbered[i].patient_count;
    c.first_asset = numbered[i].first_asset;
    c.end_asset = c.first_asset + o.model.assets.count;
    for (auto p = c.first_patient; p < c.end_patient; ++p) {
      const auto ap = ap_of_patient(p);
      if (std::find(c.aps.begin(), c.aps.end(), ap) == c.aps.end()) c.aps.push_back(ap);
    }
    if (c.aps.empty()) c.aps.push_back(0);
    if (auto it = s.network_profiles.find(o.imaging.network_profile);
        it != s.network_profiles.end())
      c.imaging_link = link_key(it->second.shared_link);
    cohorts_.push_back(std::move(c));
  }
}

std::uint32_t OpsTraffic::ap_of_patient(physiology::PatientIndex p) const {
  auto it = patient_ap_.find(p);
  return it == patient_ap_.end() ? 0 : it->second;
}

const OpsTraffic::Cohort& OpsTraffic::cohort_of_patient(physiology::PatientIndex p) const {
  for (const auto& c : cohorts_)
    if (p >= c.first_patient && p < c.end_patient) return c;
  return cohorts_.back();
}

const OpsTraffic::Cohort& OpsTraffic::cohort_of_asset(std::uint32_t a) const {
  for (const auto& c : cohorts_)
    if (a >= c.first_asset && a < c.end_asset) return c;
  return cohorts_.back();
}

SimTime OpsTraffic::next_time() const {
  SimTime t = fleet_.done() || fleet_.next_time() >= end_ ? SimTime::max() : fleet_.next_time();
  if (!drains_.empty() && drains_.top().at <= end_) t = std::min(t, drains_.top().at);
  return t;
}

void OpsTraffic::step(SimTime t, std::vector<OpsDeparture>& out) {
  if (!drains_.empty() && drains_.top().at <= t) {  // a device reconnects: its buffer drains
    const auto id = drains_.top().path_id;
    drains_.pop();
    events_.clear();
    paths_.at(id).advance_to(t, events_);
    return path_events(id, out);
  }
  generated(t, out);
}

void OpsTraffic::generated(SimTime t, std::vector<OpsDeparture>& out) {
  const auto ev = fleet_.next();
  Held h;
  h.path_id = sim::ops_path_id(ev);
  h.d.key = next_key_++;
  h.d.event_id = ops::id_of(ev);
  h.d.intended = t;
  const std::string* profile = nullptr;
  std::size_t bytes = 0;
  if (const auto* e = std::get_if<ops::PumpEvent>(&ev)) {
    const auto& c = cohort_of_patient(e->patient);
    h.d.kind = ops::OpsKind::Pump;
    h.d.ap = ap_of_patient(e->patient);
    profile = &c.spec->pumps.network_profile;
    bytes = c.spec->pumps.format == PayloadFormat::Hl7v2 ? payloads::encode_pump_oru(*e, 0).size()
                                                         : payloads::encode_pump_bundle(*e, 0).size();
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
  } else if (const auto* f = std::get_if<ops::LocationFix>(&ev)) {
    const auto& c = cohort_of_asset(f->asset);
    h.d.kind = ops::OpsKind::Location;
    h.d.ap = c.aps[(f->asset - c.first_asset) % c.aps.size()];
    profile = &c.spec->assets.network_profile;
    bytes = payloads::encode_location_observation(*f, 0).size();
    // Kept until served: the zone the target will answer with.
    pending_fix_[h.d.key] = {f->asset, Fix{SimTime::max(), f->device_time, f->zone}};
  } else if (const auto* r = std::get_if<ops::ImagingResult>(&ev)) {
    const auto& c = cohort_of_patient(r->patient);
    h.d.kind = ops::OpsKind::Imaging;
    h.d.ap = ap_of_patient(r->patient);
    h.link = c.imaging_link;
    profile = &c.spec->imaging.network_profile;
    bytes = payloads::encode_diagnostic_report(*r, 0).size();
    imaging_index_[r->id] = report_.imaging.size();
    report_.imaging.push_back({r->id, r->patient, r->bytes, r->acquired_time, t, false, {}});
    // Busy from its intended send until it reaches its server (imaging_arrived).
    busy_[busy_key(false, h.d.ap)].push_back({r->id, t, SimTime::max()});
    if (h.link >= 0)
      busy_[busy_key(true, static_cast<std::uint64_t>(h.link))].push_back(
          {r->id, t, SimTime::max()});
    imaging_where_[r->id] = {h.d.ap, h.link};
  }
  h.d.bytes = bytes;
  ++counts_of(h.d.kind).generated;
  const network::Message msg{h.d.key, t, bytes};
  const auto path_id = h.path_id;
  held_.emplace(h.d.key, std::move(h));
  events_.clear();
  path_of(path_id, *profile).send(msg, events_);
  path_events(path_id, out);
}

network::NetworkPath& OpsTraffic::path_of(std::uint64_t path_id, const std::string& profile) {
  auto it = paths_.find(path_id);
  if (it != paths_.end()) return it->second;
  // The scenario validated that the profile exists; a missing one throws out_of_range.
  const auto& p = scenario_.network_profiles.at(profile);
  return paths_.try_emplace(path_id, p, scenario_.metadata.seed, path_id, links_.link_for(p))
      .first->second;
}

void OpsTraffic::path_events(std::uint64_t path_id, std::vector<OpsDeparture>& out) {
  for (const auto& e : events_) {
    auto it = held_.find(e.message.id);
    if (it == held_.end()) continue;
    switch (e.outcome) {
      case network::Outcome::Delivered:
        it->second.d.sent = e.sent;
        it->second.d.at_ap = e.at;
        out.push_back(it->second.d);
        held_.erase(it);
        break;
      case network::Outcome::Lost:
      case network::Outcome::Dropped: {
        const auto o =
            e.outcome == network::Outcome::Lost ? Outcome::LostNetwork : Outcome::DroppedBuffer;
        outcome(it->second.d, o, e.at, e.at, {});
        held_.erase(it);
        break;
      }
      case network::Outcome::Buffered:
        break;
    }
  }
  auto& path = paths_.at(path_id);
  if (path.buffered_now() > 0 && path.next_drain_time() != SimTime::max())
    drains_.push({path.next_drain_time(), path_id});
}

reports::DeliveryCounts& OpsTraffic::counts_of(ops::OpsKind k) {
  switch (k) {
    case ops::OpsKind::Pump: return report_.delivery.pump_events;
    case ops::OpsKind::Location: return report_.delivery.location_fixes;
    default: return report_.delivery.imaging_results;
  }
}

void OpsTraffic::outcome(const OpsDeparture& m, Outcome o, SimTime served, SimTime acked,
                         Duration alert_delivery) {
  counts_of(m.kind).add(o);
  const bool ok = o == Outcome::Acknowledged;
  switch (m.kind) {
    case ops::OpsKind::Pump:
      if (auto it = alarm_index_.find(m.event_id); ok && it != alarm_index_.end()) {
        auto& a = report_.pump_alarms[it->second];
        const SimTime received = acked + alert_delivery;  // as a clinical alert
        if (!a.alerted || received < a.alert_received) a.alert_received = received;
        a.alerted = true;
      }
      break;
    case ops::OpsKind::Location:
      if (auto it = pending_fix_.find(m.key); it != pending_fix_.end()) {
        if (ok) {
          it->second.second.served = served;
          fixes_[it->second.first].push_back(std::move(it->second.second));
        }
        pending_fix_.erase(it);
      }
      break;
    case ops::OpsKind::Imaging:
      if (auto it = imaging_index_.find(m.event_id); ok && it != imaging_index_.end()) {
        report_.imaging[it->second].acked = true;
        report_.imaging[it->second].acked_time = acked;
      }
      imaging_arrived(m.event_id, served);  // no-op when the Driver already said when
      break;
  }
}

void OpsTraffic::imaging_arrived(std::uint64_t event_id, SimTime t) {
  auto where = imaging_where_.find(event_id);
  if (where == imaging_where_.end()) return;
  auto close = [&](std::uint64_t key) {
    for (auto& b : busy_[key])
      if (b.event_id == event_id) b.until = std::min(b.until, std::max(b.from, t));
  };
  close(busy_key(false, where->second.first));
  if (where->second.second >= 0)
    close(busy_key(true, static_cast<std::uint64_t>(where->second.second)));
  imaging_where_.erase(where);
}

std::int64_t OpsTraffic::link_key(const std::string& shared_link) {
  if (shared_link.empty()) return -1;
  return link_keys_.try_emplace(shared_link, static_cast<std::int64_t>(link_keys_.size()))
      .first->second;
}

void OpsTraffic::note_vitals(std::uint32_t ap, std::int64_t link, SimTime intended,
                             Duration latency, SimTime now) {
  // Intervals that ended long before `now` can no longer hold a vital message's intended
  // send (its latency would have to exceed the horizon): forget them, so the scan stays short.
  constexpr Duration kHorizon = std::chrono::minutes(30);
  auto during = [&](std::uint64_t key) {
    auto it = busy_.find(key);
    if (it == busy_.end()) return false;
    auto& v = it->second;
    if (v.size() > 8)
      std::erase_if(v, [&](const Busy& b) { return b.until != SimTime::max() && b.until + kHorizon < now; });
    return std::any_of(v.begin(), v.end(),
                       [&](const Busy& b) { return b.from <= intended && intended < b.until; });
  };
  const bool busy = during(busy_key(false, ap)) ||
                    (link >= 0 && during(busy_key(true, static_cast<std::uint64_t>(link))));
  const auto ns = std::max<std::int64_t>(0, latency.count());
  (busy ? report_.vitals_latency_during_imaging : report_.vitals_latency_outside_imaging).record(ns);
}

reports::OpsReport OpsTraffic::finish(
    const std::function<Duration(std::uint32_t ap)>& round_trip) {
  for (const auto& [key, h] : held_) counts_of(h.d.kind).add(Outcome::InFlight);  // buffered
  held_.clear();
  // Asset queries, as loadgen schedules them; answered from what the target had served
  // when each query reached it (half the round trip after it was asked).
  for (auto& [asset, fixes] : fixes_)
    std::sort(fixes.begin(), fixes.end(),
              [](const Fix& a, const Fix& b) { return a.served < b.served; });
  for (const auto& c : cohorts_) {
    const auto interval = c.spec->asset_query_interval;
    for (std::uint32_t a = c.first_asset; a < c.end_asset; ++a) {
      const auto rtt = round_trip(c.aps[(a - c.first_asset) % c.aps.size()]);
      const auto& fixes = fixes_[a];
      for (SimTime q = SimTime{} + sim::first_asset_query(a, interval); q < end_; q += interval) {
        reports::AssetQueryRecord r;
        r.asset = a;
        r.query_time = q;
        r.response_time = rtt;
        const SimTime at_target = q + rtt / 2;
        auto it = std::upper_bound(fixes.begin(), fixes.end(), at_target,
                                   [](SimTime t, const Fix& f) { return t < f.served; });
        if (it != fixes.begin()) {
          --it;
          r.answered = true;
          r.zone = it->zone;
          r.fix_time = it->device_time;
        }
        report_.asset_queries.push_back(std::move(r));
      }
    }
  }
  auto truth = fleet_.finish();
  report_.asset_tracks = std::move(truth.asset_tracks);
  return std::move(report_);  // scored by simulate() with the rest of the report
}

}  // namespace iomtsim::sim::simgrid::detail
