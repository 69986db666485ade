#pragma once
// FHIR R4 JSON for readings: one vital-sign Observation per reading, and transaction
// Bundles for batches (POST [base] with Bundle.type "transaction").
//
// Encoding is a hand-written appender into a std::string (the load generator emits tens of
// thousands of Observations per second per core); decoding is a single-pass scanner with no
// DOM (the reference target decodes one per request), which accepts and refuses exactly
// what nlohmann_json's parser would (a differential test holds it to that).
//
// The Observation we write (keys in this order, no whitespace):
//   {"resourceType":"Observation","identifier":[{"system":"urn:iomtsim:reading",
//    "value":"<reading id, decimal>"}],"status":"final","category":[{"coding":[{"system":
//    "http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
//    "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
//    "subject":{"reference":"Patient/p12"},"device":{"reference":"Device/p12-d0"},
//    "effectiveDateTime":"2024-05-01T08:00:01.250Z",
//    "valueQuantity":{"value":72.0,"unit":"beats/minute","system":"http://unitsofmeasure.org",
//    "code":"/min"},
//    "extension":[{"url":"urn:iomtsim:flags","valueInteger":8}]}      <- only if wire flags set
// Consciousness uses valueCodeableConcept with system "urn:iomtsim:acvpu" and code A/C/V/P/U.
// Systolic, diastolic and mean pressure go as separate Observations (8480-6, 8462-4, 8478-0).
//
// Time: effectiveDateTime = epoch_unix_ms + device_time, printed in UTC with millisecond
// precision, so a decoded device_time is the encoded one truncated to whole milliseconds
// (toward negative infinity).
//
// Decoding accepts what other senders plausibly write: any key order and whitespace,
// alternate LOINC codes (59408-5, 15074-8), unit conversions where they are simple
// ([degF] -> Cel, mmol/L -> mg/dL for glucose, g -> kg, [lb_av] -> kg), timezone offsets,
// and a missing identifier (id 0). It rejects, with a reason: invalid JSON, a wrong
// resourceType, a missing or unknown code, a missing/unparseable subject, a missing
// effective time, a missing value, and a unit that is neither the canonical one nor
// convertible.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/reference_map.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

// How Observations are written (scenario: target.http.fhir_write). Post: plain create.
// The idempotent modes make a retry store nothing twice; each Observation then also carries
// the identifier {"system":"urn:iomtsim:delivery","value":"<delivery_key(run, id)>"}, unique
// to this run's reading (the reading id alone repeats in every run of a scenario):
//  - ConditionalCreate: a single Observation goes with the header If-None-Exist:
//    identifier=urn:iomtsim:delivery|<key> (if_none_exist()); a Bundle entry's request has
//    "ifNoneExist" with the same query;
//  - Put: the Observation has "id":"<key>" and goes to PUT Observation/<key>, the Bundle
//    entry's request is {"method":"PUT","url":"Observation/<key>"}.
enum class FhirWrite : std::uint8_t { Post, ConditionalCreate, Put };

inline constexpr std::string_view kDeliverySystem = "urn:iomtsim:delivery";

struct FhirOptions {
  // Wall-clock time (Unix epoch, milliseconds) of scenario time zero: device times are
  // offsets from it. Decoders subtract it again.
  std::int64_t epoch_unix_ms = 0;
  // The server's ids of the fleet's Patients and Devices (provisioning): subject and device
  // references name them. nullptr (or an id not in the map): "Patient/p<index>" and
  // "Device/p<index>-d<device>". Encoders only; the caller keeps it alive.
  const ReferenceMap* refs = nullptr;
  // Effective times are epoch + device_time * device_time_scale. 1: scenario time (the
  // default). An accelerated run with wall-clock stamps sets 1 / speed, so a reading is
  // dated about when it was really sent, never in the future (servers refuse or misfile
  // those); decoders ignore it. Encoders only.
  double device_time_scale = 1.0;
  FhirWrite write = FhirWrite::Post;
  // The run's part of the delivery key (any number unique to the run, e.g. its start in Unix
  // ms); used by the idempotent modes only.
  std::uint64_t delivery_run = 0;
};

// The device time an Observation's effective time is written from (device_time_scale).
physiology::SimTime scaled_device_time(physiology::SimTime device_time, const FhirOptions& options);

// "<run>-<reading id>" (decimal): a valid FHIR id, and the delivery identifier's value.
std::string delivery_key(std::uint64_t run, std::uint64_t reading_id);
void append_delivery_key(std::string& out, std::uint64_t run, std::uint64_t reading_id);
// The If-None-Exist query of a conditional create: "identifier=urn:iomtsim:delivery|<key>".
void append_if_none_exist(std::string& out, std::uint64_t run, std::uint64_t reading_id);

// Appends one Observation to `out` (no allocation beyond `out` growing).
void append_observation(std::string& out, const physiology::Reading& r,
                        const FhirOptions& options = {});
std::string encode_observation(const physiology::Reading& r, const FhirOptions& options = {});

// A Bundle of type "transaction": each entry has fullUrl "urn:uuid:<uuid from the reading
// id>" (deterministic, version-4 layout), the Observation as resource, and request
// {"method":"POST","url":"Observation"} (or as FhirOptions::write says). An empty span gives a
// Bundle with no entries.
std::string encode_transaction_bundle(std::span<const physiology::Reading> readings,
                                      const FhirOptions& options = {});

// The urn:uuid text for a reading id: version-4 layout ("urn:uuid:xxxxxxxx-xxxx-4xxx-80xx-
// xxxxxxxxxxxx"), a pure function of the id and injective in it.
std::string reading_uuid(std::uint64_t reading_id);

// One Observation -> one reading, or an error.
DecodeResult decode_observation(std::string_view json, const FhirOptions& options = {});
// A Bundle (transaction or batch or collection) of Observations -> readings. All or
// nothing: one bad entry fails the whole Bundle, with its entry index in the reason.
DecodeResult decode_bundle(std::string_view json, const FhirOptions& options = {});
// Either of the above, by resourceType.
DecodeResult decode_fhir(std::string_view json, const FhirOptions& options = {});

// An OperationOutcome with one issue (severity error, code "invalid") carrying
// `diagnostics`, properly JSON-escaped.
std::string operation_outcome(std::string_view diagnostics);

// Times: device time <-> ISO 8601 UTC text ("2024-05-01T08:00:01.250Z").
std::string format_fhir_instant(physiology::SimTime device_time, std::int64_t epoch_unix_ms);
// Parses YYYY-MM-DDThh:mm:ss[.fff…](Z|±hh:mm) with a year in 1970..2200 (so the result
// fits int64 nanoseconds); nullopt on anything else.
std::optional<physiology::SimTime> parse_fhir_instant(std::string_view text,
                                                      std::int64_t epoch_unix_ms);

}  // namespace iomtsim::payloads
