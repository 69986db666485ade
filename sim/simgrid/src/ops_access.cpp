#include "ops_access.hpp"

#include <algorithm>

#include "iomtsim/sim/ops_fleet.hpp"

namespace iomtsim::sim::simgrid::detail {

namespace ops = physiology::ops;

OpsAccess::OpsAccess(const scenarios::Scenario& s, const std::vector<FleetDevice>& devices,
                     std::vector<std::uint32_t> ap_of_slot)
    : ap_of_slot_(std::move(ap_of_slot)) {
  for (std::size_t i = 0; i < devices.size() && i < ap_of_slot_.size(); ++i)
    patient_ap_.try_emplace(devices[i].patient, ap_of_slot_[i]);
  const auto numbered = sim::ops_cohorts(s);
  for (std::size_t i = 0; i < s.cohorts.size(); ++i) {
    Cohort c;
    c.first_asset = numbered[i].first_asset;
    c.end_asset = c.first_asset + s.cohorts[i].operations.model.assets.count;
    if (c.end_asset > c.first_asset) {
      const auto first = numbered[i].first_patient;
      for (auto p = first; p < first + numbered[i].patient_count; ++p) {
        const auto ap = of_patient(p);
        if (std::find(c.aps.begin(), c.aps.end(), ap) == c.aps.end()) c.aps.push_back(ap);
      }
    }
    if (c.aps.empty()) c.aps.push_back(0);
    cohorts_.push_back(std::move(c));
  }
}

std::uint32_t OpsAccess::of_patient(physiology::PatientIndex p) const {
  auto it = patient_ap_.find(p);
  return it == patient_ap_.end() ? 0 : it->second;
}

std::uint32_t OpsAccess::of_asset(std::uint32_t a) const {
  for (const auto& c : cohorts_)
    if (a >= c.first_asset && a < c.end_asset) return c.aps[(a - c.first_asset) % c.aps.size()];
  return cohorts_.empty() ? 0 : cohorts_.back().aps.front();
}

std::uint32_t OpsAccess::of_event(const ops::OpsOutput& e) const {
  if (const auto* p = std::get_if<ops::PumpEvent>(&e)) return of_patient(p->patient);
  if (const auto* f = std::get_if<ops::LocationFix>(&e)) return of_asset(f->asset);
  return of_patient(std::get<ops::ImagingResult>(e).patient);
}

std::uint32_t OpsAccess::of_message(const device_side::Message& m) const {
  switch (m.kind) {
    case device_side::MessageKind::Readings:
    case device_side::MessageKind::Waveform:
      return ap_of_slot_.at(m.slot);
    case device_side::MessageKind::Ops:
    case device_side::MessageKind::ImagingReport:
      return of_event(*m.ops);
    case device_side::MessageKind::AssetQuery:
      return of_asset(static_cast<std::uint32_t>(m.wire_id));
  }
  return 0;
}

}  // namespace iomtsim::sim::simgrid::detail
