#pragma once
// Terminology for each physiology::Vital on the wire: LOINC (FHIR), UCUM units, IEEE 11073
// MDC codes and units (HL7 v2 / IHE PCD-01). Figures from docs/clinical.md.
//
// Pitfalls:
// - Consciousness (ACVPU) has no MDC code; it is sent by LOINC 80288-4 everywhere (in HL7
//   OBX-3 with coding system LN), and mdc_code is 0 for it.
// - Some vitals have alternate LOINC codes that decoders accept: SpO2 59408-5 (by pulse
//   oximetry) and glucose 15074-8 (moles/volume, mmol/L; converted to mg/dL on decode).
// - `wire_decimals` is the resolution text encoders print values with (JSON and HL7);
//   protobuf carries the exact double. Decoded text values are therefore rounded to it.
//
//   const VitalCodes& c = codes(Vital::SpO2);   // c.loinc == "2708-6", c.mdc_code == 150456
//   auto v = vital_from_mdc(150456);             // Vital::SpO2
#include <cstdint>
#include <optional>
#include <string_view>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::payloads {

struct VitalCodes {
  physiology::Vital vital;
  std::string_view loinc;          // e.g. "8867-4"
  std::string_view loinc_display;  // e.g. "Heart rate"
  std::string_view ucum;           // canonical UCUM unit code, e.g. "/min", "mm[Hg]", "Cel"
  std::string_view ucum_display;   // human unit text for valueQuantity.unit, e.g. "beats/minute"
  std::uint32_t mdc_code;          // IEEE 11073-10101 code, 0 when none (consciousness)
  std::string_view mdc_name;       // e.g. "MDC_ECG_HEART_RATE"
  std::uint32_t mdc_unit_code;     // e.g. 264864, 0 when none
  std::string_view mdc_unit_name;  // e.g. "MDC_DIM_BEAT_PER_MIN"
  int wire_decimals;               // digits after the point in text encodings
};

// The table row for a vital (never fails: every Vital has a row).
const VitalCodes& codes(physiology::Vital v);

// Reverse lookups; nullopt for codes we do not know. Alternate LOINC codes map too.
std::optional<physiology::Vital> vital_from_loinc(std::string_view loinc);
std::optional<physiology::Vital> vital_from_mdc(std::uint32_t mdc_code);

// The reading flags a real device could send: the patient is on oxygen, the battery is
// low, and the device's own verdict on the value (questionable; no value at all). Artifact
// flags (motion, probe-off) are simulation ground truth and never leave the load
// generator: encoders mask flags with this. The verdicts travel in each format's standard
// place: FHIR dataAbsentReason and interpretation (measurement-status "questionable"),
// HL7 OBX-5 empty with OBX-8 "NAV" and OBX-11 "X", and OBX-8 "questionable".
inline constexpr std::uint8_t kWireFlags = physiology::kFlagOnOxygen | physiology::kFlagLowBattery |
                                           physiology::kFlagQuestionable |
                                           physiology::kFlagValueAbsent;
// The two of them that FHIR carries in standard elements rather than the iomtsim extension.
inline constexpr std::uint8_t kStatusFlags =
    physiology::kFlagQuestionable | physiology::kFlagValueAbsent;
// FHIR code systems for them.
inline constexpr std::string_view kDataAbsentReasonSystem =
    "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr std::string_view kMeasurementStatusSystem =
    "http://hl7.org/fhir/uv/pocd/CodeSystem/measurement-status";

// ACVPU letters for Vital::Consciousness values 0..4 ('A','C','V','P','U'); '?' outside.
char acvpu_letter(double consciousness_value);
// The inverse: 0..4 for "A","C","V","P","U" (upper case), nullopt otherwise.
std::optional<int> acvpu_from_letter(std::string_view letter);

// EUI-64 used as the device identifier in HL7 OBX-18: a locally administered address
// built from (patient, device), printed as 16 upper-case hex digits.
std::uint64_t device_eui64(physiology::PatientIndex patient, physiology::DeviceIndex device);

}  // namespace iomtsim::payloads
