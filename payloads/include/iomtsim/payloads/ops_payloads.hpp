#pragma once
// Wire encodings of hospital operations outputs (physiology/ops): infusion-pump events,
// RTLS location fixes and point-of-care imaging results.
//
// Pump events, HL7 v2.6 ORU^R01 as IHE PCD-01/PCD-10 describe (one event per message):
//   MSH|^~\&|IOMTSIM^<EUI-64>^EUI-64|IOMTSIM|RECEIVER|RECEIVER|<time>||ORU^R01^ORU_R01|<ctrl>|P|2.6|||AL|NE||UNICODE
//   UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO PID|||p12^^^IOMTSIM^PI||Patient^p12
//   PV1||I
//   OBR|1|<ctrl>^IOMTSIM|<ctrl>^IOMTSIM|182777000^monitoring of patient^SCT|||<time>
//   OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1.0.0.0|||||||X|||||||<EUI-64>^EUI-64
//   OBX|2|CWE|184508^MDC_PUMP_STAT^MDC|1.1.1.1|occlusion^occlusion^IOMTSIM||||||R|||<time>|||||<event
//   id> OBX|3|ST|184330^MDC_DRUG_NAME_TYPE^MDC|1.1.1.2|heparin||||||R
//   OBX|4|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.3|10.0|265266^MDC_DIM_MILLI_L_PER_HR^MDC||||||R
//   OBX|5|NM|157872^MDC_VOL_FLUID_TBI^MDC|1.1.1.4|250.0|263762^MDC_DIM_MILLI_L^MDC||||||R
//   OBX|6|NM|157976^MDC_VOL_FLUID_DELIV^MDC|1.1.1.5|12.5|263762^MDC_DIM_MILLI_L^MDC||||||R
//   OBX|7|ST|196616^MDC_EVT_ALARM^MDC|1.1.1.6|occlusion||||||R        <- alarms only
// The EUI-64 is "1A" + the pump number as 14 hex digits. The MDC codes other than the MDS
// and 157784/184508/184330 (seen in IHE PCD examples) are recalled, not verified against
// RTMMS; the decoder keys on the names as well as the numbers, so a correction stays
// compatible. Time precision 100 µs, as for readings.
//
// Pump events, FHIR R4: one Observation (category "device", code 184508 MDC_PUMP_STAT in
// system urn:iso:std:iso:11073:10101), valueCodeableConcept the event kind (system
// urn:iomtsim:pump-event), components drug (valueString), rate (mL/h), VTBI and volume
// delivered (mL), device "Device/pump-<n>"; alarms carry interpretation "AA" (critical).
//
// Location fixes, FHIR R4: one Observation (category "device", code "location-fix" in
// urn:iomtsim:rtls), focus "Device/asset-<n>", valueCodeableConcept the zone (system
// urn:iomtsim:zone), components x and y (m), and extension urn:iomtsim:battery-low.
//
// Imaging results, FHIR R4: a DiagnosticReport (status final, category "RAD" or "LAB",
// code by modality), subject, effectiveDateTime = acquisition, identifier the result id,
// imagingStudy "ImagingStudy/us-<id>" for ultrasound, and presentedForm with contentType,
// size and `data`: base64 of `bytes` bytes. The decoder checks that size and data agree.
//
// Decoders never throw on bad input: they return an error reason.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/physiology/ops/ops_types.hpp"

namespace iomtsim::payloads {

namespace ops = physiology::ops;

// HL7 pump event message. epoch_unix_ms: wall time of scenario time zero.
std::string encode_pump_oru(const ops::PumpEvent& e, std::int64_t epoch_unix_ms);
Decoded<ops::PumpEvent> decode_pump_oru(std::string_view message, std::int64_t epoch_unix_ms);
// True when an ORU^R01 carries an infusion-pump MDS (so a receiver routes it here rather
// than to the vital-sign decoder).
bool is_pump_oru(std::string_view message);

std::string encode_pump_observation(const ops::PumpEvent& e, std::int64_t epoch_unix_ms);
// A pump event as devices on FHIR send it: a transaction Bundle with the pump's
// infusion-rate DeviceMetric (PUT DeviceMetric/pump-<n>-rate: type MDC_FLOW_FLUID_PUMP,
// category setting, operationalStatus on while infusing, standby when stopped by a pause
// or an occlusion / air-in-line alarm, off at the end of the infusion) and the event
// Observation (POST; encode_pump_observation).
std::string encode_pump_bundle(const ops::PumpEvent& e, std::int64_t epoch_unix_ms);
struct PumpBundle {
  ops::PumpEvent event;
  std::string metric_id;           // empty when the Bundle carried no DeviceMetric
  std::string operational_status;  // the DeviceMetric's, when present
};
// Checks the DeviceMetric (type, status, category, same pump as the Observation).
Decoded<PumpBundle> decode_pump_bundle(std::string_view json, std::int64_t epoch_unix_ms);
// The FHIR operational status a pump's infusion-rate metric has after event `k`.
std::string_view pump_operational_status(ops::PumpEventKind k);
std::string encode_location_observation(const ops::LocationFix& f, std::int64_t epoch_unix_ms);
std::string encode_diagnostic_report(const ops::ImagingResult& r, std::int64_t epoch_unix_ms);

// What one FHIR operations resource decodes to. Decoded values carry what the wire
// carries: true_time fields stay zero (device_time / acquired device time are set).
using OpsResource = std::variant<ops::PumpEvent, ops::LocationFix, ops::ImagingResult>;
// Pump Observation, location Observation or DiagnosticReport, by resourceType and code.
Decoded<OpsResource> decode_ops_fhir(std::string_view json, std::int64_t epoch_unix_ms);
// Cheap sniff: does this FHIR body look like an operations resource or pump Bundle (so a
// receiver can route it without a full parse)? Checks the first few hundred bytes.
bool looks_like_ops_fhir(std::string_view json);

// Where a target says an asset is: the answer to GET /assets/{id}, as JSON
//   {"asset":17,"zone":"storage","x":12.5,"y":40.1,"fix_time":"2024-05-01T08:01:00.000Z",
//    "battery_low":false}
// fix_time is the device time of the fix the target holds (ISO 8601 UTC, ms).
struct AssetLocation {
  std::uint32_t asset = 0;
  std::string zone;
  double x_m = 0.0;
  double y_m = 0.0;
  physiology::SimTime fix_device_time{};
  bool battery_low = false;
  bool operator==(const AssetLocation&) const = default;
};
std::string encode_asset_location(const AssetLocation& a, std::int64_t epoch_unix_ms);
Decoded<AssetLocation> decode_asset_location(std::string_view json, std::int64_t epoch_unix_ms);

}  // namespace iomtsim::payloads
