#pragma once
// Waveform blocks (physiology::WaveformBlock: ECG lead II in µV, PPG in arbitrary units
// x1000, int16 samples at a fixed rate) in each ingest encoding, as devices send them.
//
// Codes (IEEE 11073-10101, system urn:iso:std:iso:11073:10101):
//   ECG lead II  131330 MDC_ECG_ELEC_POTL_II   samples in µV (MDC_DIM_MICRO_VOLT 266419)
//   PPG / pleth  150452 MDC_PULS_OXIM_PLETH    dimensionless (MDC_DIM_DIMLESS 262656)
//
// FHIR R4: one Observation per block, POST [base]/Observation:
//   {"resourceType":"Observation","identifier":[{"system":"urn:iomtsim:waveform","value":
//    "<block id>"}],"status":"final","category":[... observation-category "procedure" ...],
//    "code":{"coding":[{"system":"urn:iso:std:iso:11073:10101","code":"131330",...}]},
//    "subject":{"reference":"Patient/p12"},"device":{"reference":"Device/p12-d0"},
//    "effectiveDateTime":"<first sample, device clock, ms>",
//    "valueSampledData":{"origin":{"value":0,"unit":"mV","system":"http://unitsofmeasure.org",
//    "code":"mV"},"period":4,"factor":0.001,"dimensions":1,"data":"12 -3 40 ..."},
//    "interpretation":[... v3-ObservationInterpretation "IE" ...]}   <- only when lead-off
//   period is 1000 / rate in ms (shortest round-trip decimal); factor 0.001 maps the µV
//   integers to mV (ECG) and the x1000 integers to plain units (PPG, unit "1").
//   Category "procedure", not "vital-signs": the FHIR vital-signs profile covers the LOINC
//   vital-sign panel only; an ECG/pleth trace is an electrodiagnostic signal, which is
//   what the "procedure" category names. Lead-off (kFlagProbeOff) is interpretation "IE"
//   (insufficient evidence) with text "lead off": dataAbsentReason is not allowed next to a
//   value (FHIR invariant obs-6) and the device still sends its (meaningless) samples.
//   The identifier comes first so looks_like_waveform_fhir routes it from its head.
//
// HL7 v2 ORU^R01 (IHE PCD-01 waveform style): the vitals' MSH/PID/PV1/OBR and device OBX,
// then
//   OBX|2|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.0.0.1|12^-3^40^...|266419^MDC_DIM_MICRO_VOLT^MDC|
//       |<IE when lead-off>|||R|||<first sample time>|||||<EUI-64>^EUI-64|||<block id>
//   OBX|3|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.0.0.1.1|250|264608^MDC_DIM_PER_SEC^MDC|||||R
// Control id: hl7_control_id(block id); answered by the usual ACK.
//
// MQTT JSON: {"patient":12,"device":0,"id":..,"kind":"ecg_lead_ii","rate_hz":250,
//   "t":"<first sample, ISO 8601 UTC>","samples":[12,-3,...],"f":2}   (f only when set)
//
// Protobuf: the ReadingBatch message's `waveforms` field (iomtsim.proto), acked by a
// BatchAck counting blocks as well as readings.
//
// Every decoder checks what a waveform consumer relies on (check_waveform): a positive,
// finite rate of at most kMaxWaveformRateHz that the wire states consistently, 1 to
// kMaxWaveformSamples samples, every sample within int16. Reasons are specific.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

inline constexpr double kMaxWaveformRateHz = 2000.0;
inline constexpr std::size_t kMaxWaveformSamples = 120'000;  // one minute at 2 kHz

// "" or why a block is not one a target takes (rate, sample count).
std::string check_waveform(const physiology::WaveformBlock& b);
// "ecg_lead_ii" / "ppg" (the scenario keys' names).
std::string_view waveform_kind_name(physiology::WaveformKind k);

// ---- FHIR R4 ----------------------------------------------------------------------------
std::string encode_waveform_observation(const physiology::WaveformBlock& b,
                                        const FhirOptions& options = {});
// True when the head of a FHIR payload names the waveform identifier system.
bool looks_like_waveform_fhir(std::string_view json);
// Decoded blocks carry id, patient, device, kind, rate, device_time (ms precision),
// samples and wire flags (kFlagProbeOff); true_time stays zero.
Decoded<physiology::WaveformBlock> decode_waveform_observation(std::string_view json,
                                                               const FhirOptions& options = {});

// ---- HL7 v2 -----------------------------------------------------------------------------
std::string encode_waveform_oru(const physiology::WaveformBlock& b, const Hl7Options& options = {});
// True when an HL7 message carries a numeric-array (NA) OBX: a waveform ORU.
bool is_waveform_oru(std::string_view message);
// message_id is MSH-10. Time precision 100 µs.
Decoded<physiology::WaveformBlock> decode_waveform_oru(std::string_view message,
                                                       const Hl7Options& options = {},
                                                       std::string* message_id = nullptr);

// ---- MQTT JSON --------------------------------------------------------------------------
std::string encode_mqtt_waveform(const physiology::WaveformBlock& b,
                                 std::int64_t epoch_unix_ms = 0);
// True when an MQTT JSON payload is a waveform object (has "samples" near its head).
bool looks_like_mqtt_waveform(std::string_view json);
Decoded<physiology::WaveformBlock> decode_mqtt_waveform(std::string_view json,
                                                        std::int64_t epoch_unix_ms = 0);

// ---- protobuf ---------------------------------------------------------------------------
// A ReadingBatch with waveform blocks (and no readings). true_time is not written: the
// ingest format carries no ground truth for waveforms.
std::string encode_waveform_batch(std::uint64_t batch_id,
                                  std::span<const physiology::WaveformBlock> blocks);

// A ReadingBatch with both parts; decode_batch (proto_codec.hpp) ignores waveforms.
struct IngestBatch {
  std::uint64_t batch_id = 0;
  std::vector<physiology::Reading> readings;
  std::vector<physiology::WaveformBlock> waveforms;
};
// All or nothing; on a bad entry the error names it, and batch_id is still set when the
// message itself parsed (so a BatchAck can name the batch it refuses).
Decoded<IngestBatch> decode_ingest_batch(std::string_view bytes);

}  // namespace iomtsim::payloads
