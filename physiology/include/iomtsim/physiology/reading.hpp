#pragma once
// What devices produce: numeric readings and blocks of waveform samples. Plain values.
//
// Identity: a reading's id packs (patient index, device index, sequence number), so it is
// the same in every mode, every shard and every replay of the same scenario and seed,
// and scoring can follow one reading from generation to the alert it triggered.
#include <cstdint>
#include <vector>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::physiology {

using PatientIndex = std::uint32_t;  // index of a patient in the whole scenario (all shards)
using DeviceIndex = std::uint16_t;   // index of a device within its patient

// 24 bits of patient, 8 of device, 32 of sequence: 16.7 M patients, 256 devices each.
constexpr std::uint64_t make_reading_id(PatientIndex p, DeviceIndex d, std::uint32_t seq) {
  return (static_cast<std::uint64_t>(p & 0xFFFFFFu) << 40) |
         (static_cast<std::uint64_t>(d & 0xFFu) << 32) | seq;
}
constexpr PatientIndex reading_patient(std::uint64_t id) {
  return static_cast<PatientIndex>(id >> 40);
}
constexpr DeviceIndex reading_device(std::uint64_t id) {
  return static_cast<DeviceIndex>((id >> 32) & 0xFFu);
}

// Bit flags on a reading. Two kinds:
// - ground truth for "was this alert caused by an artifact?" (motion, probe off): why the
//   value differs from the truth; a simulation fact that never goes on the wire;
// - what the device itself reports, as real devices do (payloads carry these): low battery,
//   on oxygen, and its own verdict on the value: questionable (poor signal quality, e.g.
//   during motion: the value is sent but marked unreliable) or no value at all (probe
//   off: `value` is 0 and meaningless; FHIR dataAbsentReason, HL7 OBX-5 empty).
enum ReadingFlags : std::uint8_t {
  kFlagNone = 0,
  kFlagMotionArtifact = 1u << 0,  // ground truth: e.g. a motion desaturation
  kFlagProbeOff = 1u << 1,        // ground truth: the sensor was mis-attached
  kFlagLowBattery = 1u << 2,      // device reported low battery with this reading
  kFlagOnOxygen = 1u << 3,        // the patient was on supplemental oxygen (NEWS2 needs it)
  kFlagQuestionable = 1u << 4,    // device: value sent but marked unreliable (signal quality)
  kFlagValueAbsent = 1u << 5,     // device: no value (probe off / no signal); value is 0
};

struct Reading {
  std::uint64_t id = 0;
  PatientIndex patient = 0;
  DeviceIndex device = 0;
  Vital vital = Vital::HeartRate;
  double value = 0.0;       // measured, in the canonical unit of `vital`
  double true_value = 0.0;  // the noise-free physiological value at true_time
  SimTime true_time{};      // when it was measured, on the scenario clock
  SimTime device_time{};    // the same instant on the device's drifting clock
  std::uint8_t flags = kFlagNone;
  bool operator==(const Reading&) const = default;
};

enum class WaveformKind : std::uint8_t { EcgLeadII, Ppg };

// A block of evenly spaced samples. ECG in microvolts, PPG in arbitrary units ×1000.
struct WaveformBlock {
  std::uint64_t id = 0;  // same packing as Reading::id; sequence shared with the device's readings
  PatientIndex patient = 0;
  DeviceIndex device = 0;
  WaveformKind kind = WaveformKind::EcgLeadII;
  double sample_rate_hz = 250.0;
  SimTime true_time{};    // time of the first sample
  SimTime device_time{};  // same, device clock
  std::vector<std::int16_t> samples;
  std::uint8_t flags = kFlagNone;  // kFlagProbeOff for lead-off
  bool operator==(const WaveformBlock&) const = default;
};

}  // namespace iomtsim::physiology
