#pragma once
// Reading the record back: the Observations of a FHIR search page (a searchset Bundle), each
// with what the read-back compares against what was sent (reports/chart_matcher.hpp), and
// the page's next link. Read through nlohmann_json's DOM within the decoders' bounds: pages
// are few (the read-back is rate-limited), so clarity wins over speed here.
//
// What is read from each Observation:
//   reading id: the identifier with system urn:iomtsim:reading (none: not one of ours)
//   subject:    subject.reference, and subject.identifier as "system|value"
//   code:       the first coding of code with system http://loinc.org, else the first coding
//   unit, value: valueQuantity.code (else .unit) and .value; a valueCodeableConcept with
//               system urn:iomtsim:acvpu gives its ACVPU level (0..4) as the value, no unit
//   effective:  effectiveDateTime, effectiveInstant or effectivePeriod.start (with a zone)
//   lastUpdated: meta.lastUpdated, as written and as Unix nanoseconds
// Decoders never throw: a page that is not a Bundle gives an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"

namespace iomtsim::payloads {

inline constexpr std::string_view kReadingIdentifierSystem = "urn:iomtsim:reading";

struct ChartObservation {
  std::string id;  // the server's id
  // The iomtsim reading identifier; nullopt: none (not one of ours). 0 is a reading id too
  // (patient 0, device 0, the first reading).
  std::optional<std::uint64_t> reading_id;
  std::string subject_reference;   // as written
  std::string subject_identifier;  // "system|value" when the reference carries an identifier
  std::string code;
  std::string unit;
  std::optional<double> value;
  std::optional<std::int64_t> effective_unix_ns;
  std::string last_updated;  // meta.lastUpdated as written ("" if none)
  std::optional<std::int64_t> last_updated_unix_ns;
  bool operator==(const ChartObservation&) const = default;
};

struct ChartObservationPage {
  std::vector<ChartObservation> observations;  // Observation entries, in page order
  std::string next;                            // the Bundle's next link ("" on the last page)
  std::size_t entries = 0;                     // entries of any kind
};

Decoded<ChartObservationPage> decode_observation_page(std::string_view json);

}  // namespace iomtsim::payloads
