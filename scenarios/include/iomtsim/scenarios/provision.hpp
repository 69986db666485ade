#pragma once
// Provisioning (`target.provision`): what a run sets up on a FHIR server before readings flow,
// so that every reference it sends resolves there.
//
//   provision:
//     patients: create          # conditional create (If-None-Exist) on a stable identifier:
//                               # a second run finds and reuses the same Patients
//     devices: true             # one Device per device of each patient, the same way
//     cleanup: false            # delete what this run created, at the end
//
//   provision:
//     patients: existing        # map the fleet onto test patients the server already has
//     patients_file: ward7.txt  # one per line, in fleet order: an id ("Patient/123" or
//                               # "123") or an identifier ("system|value")
//
// Identifiers: Patient <identifier_system>|<scenario name>-p<index>, Device
// <device_identifier_system>|<scenario name>-p<index>-d<device>; the index is the patient's
// index in the whole fleet, so shards provision their own part and agree.
#include <cstdint>
#include <string>

namespace iomtsim::scenarios {

enum class ProvisionPatients : std::uint8_t { None, Create, Existing };

struct ProvisionSpec {
  ProvisionPatients patients = ProvisionPatients::None;
  bool devices = true;        // with patients create/existing: also Device resources
  std::string patients_file;  // patients: existing
  std::string identifier_system = "urn:iomtsim:patient";
  std::string device_identifier_system = "urn:iomtsim:device";
  std::uint32_t batch = 100;  // entries per batch Bundle
  bool cleanup = false;       // delete the resources this run created, after it
  bool enabled() const { return patients != ProvisionPatients::None; }
  bool operator==(const ProvisionSpec&) const = default;
};

}  // namespace iomtsim::scenarios
