#pragma once
// The ids a FHIR server gave the fleet's Patients and Devices when they were provisioned
// (loadgen's provisioning fills it), so payloads reference what exists there. Ids are FHIR
// ids (at most 64 of [A-Za-z0-9-.]): safe in JSON without escaping. A patient or device not
// in the map keeps iomtsim's default id (p<index>, p<index>-d<device>).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

struct ReferenceMap {
  std::vector<std::string> patients;  // by global patient index; "" = not provisioned
  std::unordered_map<std::uint64_t, std::string> devices;  // key: device_key(p, d)

  static std::uint64_t device_key(physiology::PatientIndex p, physiology::DeviceIndex d) {
    return (static_cast<std::uint64_t>(p) << 16) | d;
  }
  const std::string* patient(physiology::PatientIndex p) const {
    return p < patients.size() && !patients[p].empty() ? &patients[p] : nullptr;
  }
  const std::string* device(physiology::PatientIndex p, physiology::DeviceIndex d) const {
    auto it = devices.find(device_key(p, d));
    return it == devices.end() ? nullptr : &it->second;
  }
  void set_patient(physiology::PatientIndex p, std::string id) {
    if (patients.size() <= p) patients.resize(static_cast<std::size_t>(p) + 1);
    patients[p] = std::move(id);
  }
  void set_device(physiology::PatientIndex p, physiology::DeviceIndex d, std::string id) {
    devices[device_key(p, d)] = std::move(id);
  }
};

// True for a valid FHIR id: 1 to 64 of A-Z a-z 0-9 - .
bool valid_fhir_id(std::string_view id);

}  // namespace iomtsim::payloads
