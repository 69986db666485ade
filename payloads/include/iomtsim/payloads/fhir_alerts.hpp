#pragma once
// Alerts as FHIR R4 resources: what a pipeline raises about a patient (Flag, DetectedIssue,
// RiskAssessment, Communication, CommunicationRequest), read from a search Bundle or a
// rest-hook notification; and the Flag the reference target raises for each of its alerts.
//
// What is read from each resource (FhirAlert):
//   patient: Flag/RiskAssessment/Communication/CommunicationRequest.subject,
//            DetectedIssue.patient (reference text and/or Reference.identifier)
//   time:    Flag.period.start, DetectedIssue.identified[x], RiskAssessment.occurrence[x],
//            Communication.sent (else .received), CommunicationRequest.authoredOn (else
//            occurrence[x]); none: the receiver times it on receipt
//   rule:    code (Flag, DetectedIssue, RiskAssessment), else reasonCode, category or topic:
//            its first coding's code, else its text
//   trigger: the first Observation reference among the flag-detail extension
//            (http://hl7.org/fhir/StructureDefinition/flag-detail), DetectedIssue.implicated
//            and .evidence.detail, RiskAssessment.basis, Communication(Request).about and
//            .payload.contentReference: its identifier when it is an iomtsim reading id
//            (urn:iomtsim:reading), else the reference text ("Observation/123")
//   severity: DetectedIssue.severity, CommunicationRequest/Communication.priority,
//            RiskAssessment.prediction.qualitativeRisk, the urn:iomtsim:alert-severity
//            extension; score: urn:iomtsim:alert-score, RiskAssessment.prediction.probability
//   alert id: an identifier urn:iomtsim:alert, else "<resourceType>/<id>"
//
// The reference target's Flag (encode_alert_flag), about Patient/p<index> (or the provisioned
// id), with its rule as code (system urn:iomtsim:rule), period.start the instant it raised
// the alert, the triggering reading as a flag-detail Reference carrying its identifier,
// identifier urn:iomtsim:alert|<alert id>, score and severity as urn:iomtsim extensions, and
// meta.lastUpdated. Decoders never throw: a bad resource gives a reason.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/physiology/alert.hpp"

namespace iomtsim::payloads {

inline constexpr std::string_view kAlertIdentifierSystem = "urn:iomtsim:alert";

struct FhirAlert {
  std::string resource_type;
  std::string id;                  // the server's id
  std::string patient_reference;   // "Patient/123" (as written; may be absolute)
  std::string patient_identifier;  // "system|value" when the reference carries an identifier
  std::string rule;
  std::optional<physiology::AlertSeverity> severity;
  double score = 0.0;
  std::optional<std::int64_t> time_unix_ns;  // the resource's own time
  std::string last_updated;                  // meta.lastUpdated as written
  std::uint64_t trigger_reading_id = 0;      // 0: unknown
  std::string trigger_reference;             // "Observation/<id>" when no reading id
  std::string alert_id;
  bool operator==(const FhirAlert&) const = default;
};

// One alert resource (any of the five types); error for others or without a patient.
Decoded<FhirAlert> decode_fhir_alert(std::string_view json);

// A searchset Bundle (or a notification: one resource, or a Bundle of them). Resources that
// are not alerts (OperationOutcome entries, included resources) are skipped; alert
// resources that do not decode are listed in `errors`. `next` is the Bundle's next link.
struct FhirAlertPage {
  std::vector<FhirAlert> alerts;
  std::vector<std::string> errors;
  std::string next;
  std::size_t entries = 0;  // entries in the Bundle (alerts or not)
};
Decoded<FhirAlertPage> decode_alert_page(std::string_view json);

// The reference target's Flag for `alert`, raised at `raised_unix_ns` (also its
// lastUpdated). `id` must be a valid FHIR id (alert_flag_id gives one).
std::string encode_alert_flag(const physiology::Alert& alert, std::string_view id,
                              std::int64_t raised_unix_ns, const FhirOptions& options = {});
// A FHIR id for an alert id: characters outside [A-Za-z0-9-.] become '-', at most 64.
std::string alert_flag_id(std::string_view alert_id);

// The reason in an OperationOutcome: its error issues' diagnostics (else details.text),
// joined with "; ". Empty when `json` is no OperationOutcome.
std::string operation_outcome_reason(std::string_view json);

// The iomtsim reading id in an Observation's identifiers (urn:iomtsim:reading), if any.
std::optional<std::uint64_t> observation_reading_id(std::string_view json);
// (id, reading id or 0) of each Observation in a searchset Bundle.
std::vector<std::pair<std::string, std::uint64_t>> observations_by_id(std::string_view bundle);

// Unix nanoseconds of a FHIR instant or dateTime with a time and zone; nullopt otherwise.
std::optional<std::int64_t> parse_fhir_time(std::string_view text);
// A FHIR instant with microseconds, UTC ("2024-05-01T08:00:01.250317Z").
std::string format_fhir_time_us(std::int64_t unix_ns);

}  // namespace iomtsim::payloads
