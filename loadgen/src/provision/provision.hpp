#pragma once
// Provisioning (scenario `target.provision`, scenarios/provision.hpp): before readings flow,
// the fleet's Patients and Devices are made to exist on the FHIR server, and the ids the
// server gave them go into every reference the run sends (payloads::ReferenceMap) and into
// the directory that maps alerts back to patients.
//
// patients: create — batch Bundles of conditional creates (POST with ifNoneExist on the
// patient's stable identifier), so a second run finds and reuses what the first created;
// a server that takes no batch gets one POST with If-None-Exist per resource.
// patients: existing — the lines of patients_file, in fleet order: an id (checked with a
// read) or a system|value identifier (found with a search that must match one Patient).
// devices: one Device per device of each patient, conditional on its identifier, naming
// the patient.
//
// Only this shard's patients are provisioned (patient p belongs to shard p % count).
// Failures (a refusal, an unknown patient, a server that does not answer) throw
// ProvisionError with the server's reason.
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../connect/credentials.hpp"
#include "../connect/http_client.hpp"
#include "iomtsim/payloads/reference_map.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "patient_directory.hpp"

namespace iomtsim::loadgen::detail {

struct ProvisionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Provisioned {
  std::shared_ptr<payloads::ReferenceMap> refs = std::make_shared<payloads::ReferenceMap>();
  std::shared_ptr<PatientDirectory> directory = std::make_shared<PatientDirectory>();
  std::vector<std::string> created;  // "Patient/<id>", "Device/<id>" this run created (201)
  std::uint64_t patients = 0, devices = 0, reused = 0;
  std::uint64_t requests = 0;  // HTTP requests it took
};

// The identifier value of patient `p` / its device `d`: "<scenario>-p<p>", "<scenario>-p<p>-d<d>".
std::string patient_identifier_value(const std::string& scenario, physiology::PatientIndex p);
std::string device_identifier_value(const std::string& scenario, physiology::PatientIndex p,
                                    physiology::DeviceIndex d);

// The resources provisioning creates (JSON), for tests that validate them.
std::string patient_resource(const scenarios::ProvisionSpec& spec,
                             const std::string& identifier_value);
std::string device_resource(const scenarios::ProvisionSpec& spec,
                            const std::string& identifier_value,
                            const scenarios::DeviceSpec& device, const std::string& patient_id);

// `fhir`: a client on the FHIR base; `creds`: its headers and Authorization (may be null).
Provisioned provision(const scenarios::Scenario& s, const sim::ShardSpec& shard, HttpClient& fhir,
                      const Credentials* creds);

// Deletes what `p.created` lists (Devices first), in batches; returns how many went.
std::uint64_t clean_up(const Provisioned& p, const scenarios::ProvisionSpec& spec, HttpClient& fhir,
                       const Credentials* creds, std::ostream& log);

}  // namespace iomtsim::loadgen::detail
