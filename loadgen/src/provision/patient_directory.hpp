#pragma once
// Which simulated patient a target means when it names one: an alert's subject reference
// ("Patient/8f3c…", "Patient/p12", a full URL), a Reference.identifier or an HL7 PID-3
// ("system|value", "p12", "ward7-p12"). Filled by provisioning with the ids and identifiers
// the server holds; without provisioning, iomtsim's own naming (p<index>) is understood.
// Read-only once the run starts: any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::loadgen::detail {

class PatientDirectory {
 public:
  void add_id(std::string id, physiology::PatientIndex p) { by_id_[std::move(id)] = p; }
  void add_identifier(const std::string& system, const std::string& value,
                      physiology::PatientIndex p) {
    by_identifier_[system + "|" + value] = p;
    by_value_[value] = p;
  }

  // A reference ("Patient/<id>", an absolute URL ending so, or "<id>").
  std::optional<physiology::PatientIndex> from_reference(std::string_view reference) const;
  // "system|value", or a bare value (HL7 PID-3 carries no system URI).
  std::optional<physiology::PatientIndex> from_identifier(std::string_view identifier) const;

  // iomtsim's own patient ids: "p<index>", and "<anything>-p<index>" (provisioned values).
  static std::optional<physiology::PatientIndex> own_id(std::string_view id);

 private:
  std::unordered_map<std::string, physiology::PatientIndex> by_id_;
  std::unordered_map<std::string, physiology::PatientIndex> by_identifier_;
  std::unordered_map<std::string, physiology::PatientIndex> by_value_;
};

}  // namespace iomtsim::loadgen::detail
