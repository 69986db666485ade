#pragma once
// What hospital operations devices produce: infusion-pump events, asset-tag location
// fixes and point-of-care imaging/diagnostic results. Plain values, like Reading.
//
// These are not vital signs: clinical Reading stays as it is, and these travel in their
// own stream (OpsFleet, ops_fleet.hpp) next to the patients' readings.
//
// Identity: every output has a 64-bit id packing (kind, entity, sequence), stable across
// shards and runs of the same scenario and seed:
//   8 bits kind | 24 bits entity | 32 bits sequence
// The entity is the pump number (patient * kMaxPumpsPerPatient + k), the asset number, or
// the patient (imaging). Ids of different kinds never collide; they may collide with
// Reading ids, which live in a separate stream.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology::ops {

enum class OpsKind : std::uint8_t { Pump = 1, Location = 2, Imaging = 3 };

inline constexpr std::uint32_t kMaxPumpsPerPatient = 4;

constexpr std::uint64_t make_ops_id(OpsKind kind, std::uint32_t entity, std::uint32_t seq) {
  return (static_cast<std::uint64_t>(kind) << 56) |
         (static_cast<std::uint64_t>(entity & 0xFFFFFFu) << 32) | seq;
}
constexpr OpsKind ops_id_kind(std::uint64_t id) { return static_cast<OpsKind>(id >> 56); }
constexpr std::uint32_t ops_id_entity(std::uint64_t id) {
  return static_cast<std::uint32_t>((id >> 32) & 0xFFFFFFu);
}

// ---- infusion pumps ----------------------------------------------------------------

enum class PumpEventKind : std::uint8_t {
  Started,        // an infusion was started (programmed drug, rate, VTBI)
  Status,         // periodic status while infusing: volume infused so far
  Paused,         // paused by the nurse
  Resumed,        // infusing again after a pause or a cleared alarm
  Occlusion,      // alarm: downstream occlusion, infusion stopped
  AirInLine,      // alarm: air in line, infusion stopped
  NearEnd,        // alarm (low priority): near end of infusion (VTBI almost delivered)
  EndOfInfusion,  // alarm: VTBI delivered (pump goes to KVO)
  BatteryLow,     // alarm: running on battery, battery low
};
inline constexpr std::size_t kPumpEventKindCount = 9;

constexpr std::string_view name(PumpEventKind k) {
  constexpr std::string_view names[] = {"started",  "status",          "paused",
                                        "resumed",  "occlusion",       "air_in_line",
                                        "near_end", "end_of_infusion", "battery_low"};
  return names[static_cast<std::size_t>(k)];
}
constexpr std::optional<PumpEventKind> pump_event_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kPumpEventKindCount; ++i)
    if (name(static_cast<PumpEventKind>(i)) == s) return static_cast<PumpEventKind>(i);
  return std::nullopt;
}
// Alarms must reach a nurse; they are ground truth for pump-alarm scoring.
constexpr bool is_alarm(PumpEventKind k) {
  return k == PumpEventKind::Occlusion || k == PumpEventKind::AirInLine ||
         k == PumpEventKind::NearEnd || k == PumpEventKind::EndOfInfusion ||
         k == PumpEventKind::BatteryLow;
}

struct PumpEvent {
  std::uint64_t id = 0;    // make_ops_id(Pump, pump, seq)
  std::uint32_t pump = 0;  // global pump number: patient * kMaxPumpsPerPatient + k
  PatientIndex patient = 0;
  PumpEventKind kind = PumpEventKind::Status;
  std::string drug;        // programmed drug, e.g. "heparin"
  double rate_ml_h = 0.0;  // programmed rate, mL/h
  double vtbi_ml = 0.0;    // volume to be infused (programmed), mL
  double volume_ml = 0.0;  // volume infused so far in this infusion, mL
  SimTime true_time{};     // scenario clock
  SimTime device_time{};   // pump clock (drifts)
  bool alarm() const { return is_alarm(kind); }
  bool operator==(const PumpEvent&) const = default;
};

// ---- asset tags ----------------------------------------------------------------------

enum class AssetKind : std::uint8_t { InfusionPump, Monitor, Wheelchair };
constexpr std::string_view name(AssetKind k) {
  constexpr std::string_view names[] = {"infusion_pump", "monitor", "wheelchair"};
  return names[static_cast<std::size_t>(k)];
}

// One location fix as an RTLS tag reports it: a zone and a position on the floor plan.
struct LocationFix {
  std::uint64_t id = 0;     // make_ops_id(Location, asset, seq)
  std::uint32_t asset = 0;  // global asset number
  AssetKind asset_kind = AssetKind::InfusionPump;
  std::string zone;  // e.g. "ward_5a", "storage", "cleaning", "corridor"
  double x_m = 0.0;  // floor-plan position, metres
  double y_m = 0.0;
  bool battery_low = false;  // the tag reports a weak battery
  SimTime true_time{};
  SimTime device_time{};
  bool operator==(const LocationFix&) const = default;
};

// Ground truth: the asset was in `zone` over [start, end).
struct LocationSegment {
  std::uint32_t asset = 0;
  std::string zone;
  SimTime start{};
  SimTime end{};
  bool operator==(const LocationSegment&) const = default;
};

// ---- point-of-care imaging and diagnostics --------------------------------------------

// Xray (a bedside film) comes last so the numbering of the others stays as recorded.
enum class Modality : std::uint8_t { Ultrasound, BloodGas, Ecg12Lead, Xray };
constexpr std::string_view name(Modality m) {
  constexpr std::string_view names[] = {"US", "BG", "ECG", "CR"};  // DICOM-style modality codes
  return names[static_cast<std::size_t>(m)];
}

// One result: a FHIR DiagnosticReport with attached media of `bytes` (the wire payload is
// about that large; it loads bandwidth, not message rate).
struct ImagingResult {
  std::uint64_t id = 0;  // make_ops_id(Imaging, patient, seq)
  PatientIndex patient = 0;
  Modality modality = Modality::Ultrasound;
  std::uint32_t procedure = 0;  // results of one procedure come in a burst
  std::uint64_t bytes = 0;      // size of the attached media
  SimTime acquired_time{};      // acquisition (scenario clock): latency is measured from here
  SimTime device_time{};
  bool operator==(const ImagingResult&) const = default;
};

using OpsOutput = std::variant<PumpEvent, LocationFix, ImagingResult>;

SimTime true_time_of(const OpsOutput& out);
std::uint64_t id_of(const OpsOutput& out);

}  // namespace iomtsim::physiology::ops
