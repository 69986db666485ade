#pragma once
// What real devices and gateways send that the fast FHIR decoder (payloads/fhir.hpp, which
// reads what iomtsim sends) refuses, rewritten into the form it takes:
//
// - a subject by any Patient id ("Patient/abc-123"): the id gets a patient index for the
//   rules (PatientNames) and the store renders the subject back by that id;
// - a subject by identifier ({"identifier":{"system":…,"value":…}}): resolved to the
//   Patient created with that identifier (404-like refusal when there is none, as a server
//   that keeps referential integrity answers);
// - a device reference that is not Device/p<i>-d<d> (a server id, an identifier): dropped
//   (the reading keeps device 0);
// - a date-only or zone-less effective time ("2024-05-01", "2024-05-01T08:00:00"): UTC;
// - the blood-pressure panel 85354-9 with systolic/diastolic/mean components: one
//   Observation per component, each keeping the panel's identifier, subject, device and
//   effective time (so the record holds one row per component, found under the panel's
//   identifier with its own code).
//
// Used only after the fast decoder has refused a body for one of these reasons
// (needs_lenient), so what iomtsim itself sends never pays for the DOM.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::reference_target {

struct LenientHooks {
  // A patient index for a Patient id that is not p<index>; nullopt: no room (refused).
  std::function<std::optional<physiology::PatientIndex>(std::string_view id)> intern;
  // The id of the Patient with this identifier; nullopt: none.
  std::function<std::optional<std::string>(std::string_view system, std::string_view value)>
      patient_by_identifier;
};

// Whether the fast decoder's reason is one the rewrite may cure.
bool needs_lenient(std::string_view reason);

struct LenientResult {
  std::string json;   // the rewritten Observation or Bundle
  std::string error;  // non-empty: the body cannot be taken (the reason to answer)
};
LenientResult rewrite_fhir(std::string_view body, const LenientHooks& hooks);

}  // namespace iomtsim::reference_target
