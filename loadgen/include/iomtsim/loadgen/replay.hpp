#pragma once
// `iomtsim replay FILE`: a recording (from `iomtsim run --record`, `iomtsim generate` or
// `iomtsim import`) sent into a target at the original pace (speed 1), accelerated, or as
// fast as possible, through the same engine, network emulation and accounting as a
// generated run, and scored against the recording's ground-truth episodes.
//
//   ReplayOptions o;
//   o.run.speed = 3600;                       // an hour of recording per wall second
//   o.format = scenarios::PayloadFormat::Hl7v2;
//   RunResult r = replay("icu.iomtrec", o);   // embedded reference target
//
// What is kept: every reading (id, patient, device, vital, value, true value, times,
// flags) and the episodes. What is chosen here, since a recording does not hold it: the
// payload format, batch size and network profile of every device (one for all). Alerts
// stored in the recording are what an earlier target said; they are not replayed and do
// not count in the new score. Waveform blocks are read and skipped like in a run.
//
// Pitfalls: the recording must be in time order (scan_recording checks it). Alerts are
// timed from their trigger (see RecorderShard::on_outcome), which must still be in the
// recorder's per-device ring: fast replays size it from the recording
// (RunOptions::trigger_lookback); at `max` speed some triggers are forgotten anyway.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/loadgen/run_options.hpp"
#include "iomtsim/loadgen/source.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/scenarios/network_profile.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::loadgen {

class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "As fast as possible": the speed `--speed max` stands for (11.6 days per wall second;
// higher speeds overflow the scenario clock's int64 nanoseconds within minutes).
inline constexpr double kMaxReplaySpeed = 1e6;

// What one pass over a recording found.
struct RecordingSummary {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::string generator;
  std::uint64_t readings = 0;
  std::uint64_t waveform_blocks = 0;
  std::uint64_t recorded_alerts = 0;  // alerts of the recorded run (not replayed)
  // Operations-device entries (`generate` of a scenario with pumps, tags or imaging):
  // not replayed; replay carries the patients' readings only.
  std::uint64_t operations_entries = 0;
  std::vector<physiology::Episode> episodes;
  std::vector<std::pair<physiology::PatientIndex, physiology::DeviceIndex>> devices;  // sorted
  std::uint64_t patient_slots = 0;  // highest patient index + 1 (a shard's: 198 for 50)
  std::uint64_t patients = 0;       // distinct patients with outputs: what it holds
  // Non-empty: the recording ends in an entry cut short (a writer killed mid-write); what
  // came before it was read and is replayed. Says how many bytes were missing.
  std::string truncated;
  physiology::SimTime first{};      // true times of the first and last output
  physiology::SimTime last{};
};

// Throws ReplayError for an unreadable, corrupt, empty or out-of-order recording. A last
// entry cut short is not an error: see RecordingSummary::truncated.
RecordingSummary scan_recording(const std::filesystem::path& file);

struct ReplayOptions {
  RunOptions run;  // speed (default 1: the original pace), threads, out dir, shard, …
  scenarios::PayloadFormat format = scenarios::PayloadFormat::FhirR4;
  std::uint32_t batch = 1;
  std::string network = "hospital_wifi";          // a built-in profile (builtin_profiles.hpp)
  std::optional<scenarios::NetworkProfile> network_profile;  // or this one, if set
  // Targets as URLs, e.g. http://host:8080/fhir, mllp://host:2575, proto://host:7000,
  // mqtt://host:1883; none: the embedded reference target.
  std::vector<std::string> targets;
  std::optional<std::uint16_t> alert_webhook_port;  // where an external target posts alerts
  std::string alert_secret_env;  // the environment variable holding the webhook's shared secret
};

// The scenario a replay runs: the recording's name and seed, its patients as one cohort,
// one DeviceSpec per device index with the chosen format, batch and network, duration up
// to the last output. Throws ReplayError for an unknown profile or a bad target URL.
scenarios::Scenario replay_scenario(const RecordingSummary& summary, const ReplayOptions& options);

// The recording as a source; each engine part streams the file and keeps its patients.
SourceFactory recording_source(std::filesystem::path file, std::shared_ptr<const RecordingSummary> summary);

// scan + replay_scenario + run. Throws ReplayError, or RunError like run().
//
// A recording whose run was killed (`run --record FILE` stopped by kill -9: FILE absent,
// FILE.part0… present) is first recovered into FILE from its parts, with what they hold:
// the outputs written before the kill, the episodes as last checkpointed, the alerts
// received (the log says so, and warns about a part cut short).
// The report counts the patients the recording holds (in the replayed shard), not its
// highest patient index.
RunResult replay(const std::filesystem::path& file, const ReplayOptions& options);

}  // namespace iomtsim::loadgen
