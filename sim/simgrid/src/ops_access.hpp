#pragma once
// Which access point a message enters the modelled network at: a patient device's is its
// slot's (simulate.cpp spreads a ward's devices over its access points); a pump's or an
// imaging device's is its patient's first device's; the asset tags of a cohort (and the
// staff asking where an asset is) are spread round robin over its patients' access points.
// Private to the simulated-time engine; also the device side's "medium" for imaging load
// (DeviceSideConfig::medium_of_ops).
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/device_side/message.hpp"
#include "iomtsim/sim/fleet.hpp"

namespace iomtsim::sim::simgrid::detail {

class OpsAccess {
 public:
  OpsAccess(const scenarios::Scenario& scenario, const std::vector<FleetDevice>& devices,
            std::vector<std::uint32_t> ap_of_slot);

  const std::vector<std::uint32_t>& ap_of_slot() const { return ap_of_slot_; }
  std::uint32_t of_patient(physiology::PatientIndex p) const;
  std::uint32_t of_asset(std::uint32_t asset) const;
  std::uint32_t of_event(const physiology::ops::OpsOutput& event) const;
  std::uint32_t of_message(const device_side::Message& m) const;

 private:
  struct Cohort {
    std::uint32_t first_asset = 0, end_asset = 0;
    std::vector<std::uint32_t> aps;  // access points of its patients, first seen first
  };
  std::vector<std::uint32_t> ap_of_slot_;
  std::unordered_map<physiology::PatientIndex, std::uint32_t> patient_ap_;
  std::vector<Cohort> cohorts_;
};

}  // namespace iomtsim::sim::simgrid::detail
