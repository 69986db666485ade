#pragma once
// `iomtsim generate`: a scenario's readings and ground truth, written to a file with no
// target and no network. The protobuf form is the recording format (payloads/proto),
// which `iomtsim replay` reads; CSV is for people and spreadsheets.
//
// Protobuf stream: a RecordingHeader, then every Reading and WaveformBlock, and every
// operations output (PumpEvent, LocationFix, ImagingResult) in global time order, then
// every Episode and the assets' true LocationSegments (ground truth is final only at the
// end of the scenario).
// CSV: one row per numeric reading (columns in kCsvHeader); waveform blocks are one row
// each with their sample count in `value` (the samples themselves need the protobuf
// form); episodes follow as rows of kind `episode` (reading_id = episode id, vital =
// condition, value = severity, true_value = prodrome start, unit = criteria time,
// true_time = onset, device_time = end; times in seconds, empty when absent).
// Operations rows reuse the columns:
//   pump_event:     device = pump number, vital = event kind, value = rate (mL/h),
//                   true_value = volume infused (mL), flags = 1 for an alarm;
//   location_fix:   patient empty, device = asset, vital = zone, value/true_value = x/y (m),
//                   flags = 1 for a weak battery;
//   imaging_result: device = procedure, vital = modality, value = media bytes,
//                   true_time = acquisition;
//   asset_segment:  (ground truth, at the end) device = asset, vital = zone,
//                   true_time = start, device_time = end.
//
//   std::ofstream out("readings.pb", std::ios::binary);
//   GenerateStats s = generate(scenario, ShardSpec{}, GenerateFormat::Protobuf, out, {});
#include <cstdint>
#include <functional>
#include <iosfwd>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim {

enum class GenerateFormat { Protobuf, Csv };

inline constexpr const char* kCsvHeader =
    "kind,patient,device,reading_id,vital,value,true_value,unit,true_time_s,device_time_s,flags";

struct GenerateStats {
  std::uint64_t patients = 0;
  std::uint64_t devices = 0;
  std::uint64_t readings = 0;
  std::uint64_t waveform_blocks = 0;
  std::uint64_t waveform_samples = 0;
  std::uint64_t episodes = 0;
  std::uint64_t pump_events = 0;
  std::uint64_t location_fixes = 0;
  std::uint64_t imaging_results = 0;
  std::uint64_t asset_segments = 0;
  std::uint64_t bytes = 0;
};

// Called now and then (every 64k outputs) with the scenario time reached, and once at the
// end; for a progress line.
using GenerateProgress = std::function<void(physiology::SimTime reached, const GenerateStats&)>;

// Throws std::runtime_error when the stream fails (disk full, …).
GenerateStats generate(const scenarios::Scenario& scenario, ShardSpec shard, GenerateFormat format,
                       std::ostream& out, const GenerateProgress& progress = {});

}  // namespace iomtsim::sim
