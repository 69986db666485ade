#include "provision.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "fhir_batch.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using nlohmann::json;
using physiology::PatientIndex;

struct PatientPlan {
  PatientIndex index;
  std::vector<const scenarios::DeviceSpec*> devices;
};

// This shard's patients with their devices, in global index order.
std::vector<PatientPlan> shard_patients(const scenarios::Scenario& s, const sim::ShardSpec& shard) {
  std::vector<PatientPlan> out;
  PatientIndex next = 0;
  for (const auto& c : s.cohorts) {
    for (std::uint64_t k = 0; k < c.physiology.count; ++k, ++next) {
      if (!shard.owns(next)) continue;
      PatientPlan p{next, {}};
      for (const auto& d : c.devices) p.devices.push_back(&d);
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::string conditional(const std::string& system, const std::string& value) {
  return "identifier=" + query_encode(system) + "|" + query_encode(value);
}

[[noreturn]] void fail(const std::string& what, const BatchAnswer& a) {
  throw ProvisionError(
      "provisioning: " + what + " failed: " +
      (a.status ? "HTTP " + std::to_string(a.status) + (a.reason.empty() ? "" : ": " + a.reason)
                : a.reason));
}

// patients_file lines: "Patient/<id>", "<id>" or "system|value"; blank lines and # comments skip.
std::vector<std::string> read_patient_lines(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw ProvisionError("provisioning: cannot read patients_file " + file);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    out.push_back(line.substr(first));
  }
  return out;
}

}  // namespace

std::string patient_resource(const scenarios::ProvisionSpec& spec, const std::string& value) {
  const json r = {
      {"resourceType", "Patient"},
      {"identifier", json::array({{{"system", spec.identifier_system}, {"value", value}}})},
      {"active", true},
      {"name", json::array({{{"use", "anonymous"}, {"text", "iomtsim " + value}}})}};
  return r.dump();
}

std::string device_resource(const scenarios::ProvisionSpec& spec, const std::string& value,
                            const scenarios::DeviceSpec& d, const std::string& patient_id) {
  const json r = {
      {"resourceType", "Device"},
      {"identifier", json::array({{{"system", spec.device_identifier_system}, {"value", value}}})},
      {"status", "active"},
      {"deviceName", json::array({{{"name", d.model.name}, {"type", "user-friendly-name"}}})},
      {"patient", {{"reference", "Patient/" + patient_id}}}};
  return r.dump();
}

std::string patient_identifier_value(const std::string& scenario, PatientIndex p) {
  return scenario + "-p" + std::to_string(p);
}

std::string device_identifier_value(const std::string& scenario, PatientIndex p,
                                    physiology::DeviceIndex d) {
  return scenario + "-p" + std::to_string(p) + "-d" + std::to_string(d);
}

Provisioned provision(const scenarios::Scenario& s, const sim::ShardSpec& shard, HttpClient& fhir,
                      const Credentials* creds) {
  const auto& spec = s.target.provision;
  Provisioned out;
  const auto plan = shard_patients(s, shard);
  FhirBatch batch(fhir, creds, spec.batch);
  std::vector<std::string> patient_ids(plan.size());

  if (spec.patients == scenarios::ProvisionPatients::Create) {
    std::vector<BatchRequest> requests;
    for (const auto& p : plan) {
      const auto value = patient_identifier_value(s.metadata.name, p.index);
      requests.push_back({"POST", "Patient", patient_resource(spec, value),
                          conditional(spec.identifier_system, value)});
    }
    const auto answers = batch.run(requests);
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const auto& a = answers[i];
      if (a.status / 100 != 2 || !payloads::valid_fhir_id(a.id))
        fail("Patient " + patient_identifier_value(s.metadata.name, plan[i].index), a);
      patient_ids[i] = a.id;
      if (a.status == 201)
        out.created.push_back("Patient/" + a.id);
      else
        ++out.reused;
      out.directory->add_identifier(spec.identifier_system,
                                    patient_identifier_value(s.metadata.name, plan[i].index),
                                    plan[i].index);
    }
  } else if (spec.patients == scenarios::ProvisionPatients::Existing) {
    const auto lines = read_patient_lines(spec.patients_file);
    if (lines.size() < s.patient_count())
      throw ProvisionError("provisioning: " + spec.patients_file + " lists " +
                           std::to_string(lines.size()) + " patients, the fleet has " +
                           std::to_string(s.patient_count()));
    std::vector<BatchRequest> requests;
    for (const auto& p : plan) {
      const std::string& line = lines[p.index];
      const auto bar = line.find('|');
      if (bar != std::string::npos)
        requests.push_back({"GET",
                            "Patient?identifier=" + query_encode(line.substr(0, bar)) + "|" +
                                query_encode(line.substr(bar + 1)),
                            {},
                            {}});
      else
        requests.push_back(
            {"GET", "Patient/" + (line.starts_with("Patient/") ? line.substr(8) : line), {}, {}});
    }
    const auto answers = batch.run(requests);
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const auto& a = answers[i];
      const std::string& line = lines[plan[i].index];
      if (a.status != 200) fail("finding patient '" + line + "'", a);
      const json body = json::parse(a.body, nullptr, false);
      std::string id;
      if (body.is_object() && body.value("resourceType", "") == "Bundle") {
        const auto n =
            body.contains("entry") && body["entry"].is_array() ? body["entry"].size() : 0;
        if (n != 1)
          throw ProvisionError("provisioning: the identifier '" + line + "' matches " +
                               std::to_string(n) + " Patients on the server, not one");
        id = body["entry"][0]["resource"].value("id", "");
      } else if (body.is_object()) {
        id = body.value("id", "");
      }
      if (!payloads::valid_fhir_id(id))
        throw ProvisionError("provisioning: no Patient id for '" + line + "'");
      patient_ids[i] = id;
      const auto bar = line.find('|');
      if (bar != std::string::npos)
        out.directory->add_identifier(line.substr(0, bar), line.substr(bar + 1), plan[i].index);
      ++out.reused;
    }
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    out.refs->set_patient(plan[i].index, patient_ids[i]);
    out.directory->add_id(patient_ids[i], plan[i].index);
  }
  out.patients = plan.size();

  if (spec.devices) {
    std::vector<BatchRequest> requests;
    std::vector<std::pair<std::size_t, physiology::DeviceIndex>> which;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      for (std::size_t d = 0; d < plan[i].devices.size(); ++d) {
        const auto di = static_cast<physiology::DeviceIndex>(d);
        const auto value = device_identifier_value(s.metadata.name, plan[i].index, di);
        requests.push_back({"POST", "Device",
                            device_resource(spec, value, *plan[i].devices[d], patient_ids[i]),
                            conditional(spec.device_identifier_system, value)});
        which.emplace_back(i, di);
      }
    }
    const auto answers = batch.run(requests);
    for (std::size_t k = 0; k < which.size(); ++k) {
      const auto& a = answers[k];
      const auto [i, d] = which[k];
      if (a.status / 100 != 2 || !payloads::valid_fhir_id(a.id))
        fail("Device " + device_identifier_value(s.metadata.name, plan[i].index, d), a);
      out.refs->set_device(plan[i].index, d, a.id);
      if (a.status == 201)
        out.created.push_back("Device/" + a.id);
      else
        ++out.reused;
      ++out.devices;
    }
  }
  out.requests = batch.requests();
  return out;
}

std::uint64_t clean_up(const Provisioned& p, const scenarios::ProvisionSpec& spec, HttpClient& fhir,
                       const Credentials* creds, std::ostream& log) {
  // Devices reference Patients: they go first.
  std::vector<BatchRequest> requests;
  for (const char* type : {"Device/", "Patient/"})
    for (const auto& ref : p.created)
      if (ref.starts_with(type)) requests.push_back({"DELETE", ref, {}, {}});
  FhirBatch batch(fhir, creds, spec.batch);
  std::uint64_t deleted = 0;
  std::string first_error;
  const auto answers = batch.run(requests);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].status / 100 == 2)
      ++deleted;
    else if (first_error.empty())
      first_error = requests[i].url + ": " +
                    (answers[i].reason.empty() ? "HTTP " + std::to_string(answers[i].status)
                                               : answers[i].reason);
  }
  log << "provisioning: clean-up deleted " << deleted << " of " << requests.size() << " resources";
  if (!first_error.empty()) log << " (first failure " << first_error << ")";
  log << '\n';
  return deleted;
}

}  // namespace iomtsim::loadgen::detail
