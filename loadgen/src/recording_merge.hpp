#pragma once
// --record: each engine thread writes the outputs it took from its source to FILE.partN
// and the alert intake writes the alerts to FILE.alerts (recording_part.hpp), each a
// recording of its own (header first, episodes as they become known). At the end of a run
// the parts are merged into FILE in the global order a single-process fleet yields,
// (true_time, patient, device, id), followed by the ground truth and the alerts.
//
// After a crash (kill -9 of the run) FILE does not exist but the parts do:
// recover_recording() merges what they hold into FILE the same way, keeping the last
// version of each episode the parts recorded and ignoring, with a warning, an entry cut
// short at the end of a part. FILE is always written under a temporary name and renamed,
// so it is either whole or absent. Private to loadgen.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/matching.hpp"

namespace iomtsim::loadgen::detail {

struct RecordingCounts {
  std::uint64_t readings = 0;
  std::uint64_t waveform_blocks = 0;
  std::uint64_t episodes = 0;
  std::uint64_t alerts = 0;
};

// FILE.partN of engine thread N; FILE.alerts of the alert intake.
std::filesystem::path recording_part_path(const std::filesystem::path& file, unsigned index);
std::filesystem::path recording_alerts_path(const std::filesystem::path& file);

// Removes FILE and any parts or alerts file of an earlier run with the same name, so a
// crash of this run cannot leave an older FILE standing for this one.
void clear_recording(const std::filesystem::path& file);

// Writes `out`; removes the parts (and out's alerts file). Throws std::runtime_error when
// a part is unreadable or the output cannot be written.
RecordingCounts merge_recording_parts(std::span<const std::filesystem::path> parts,
                                      const payloads::RecordingHeader& header,
                                      std::span<const physiology::Episode> episodes,
                                      std::span<const reports::AlertRecord> alerts,
                                      const std::filesystem::path& out);

struct RecoveredRecording {
  RecordingCounts counts;
  std::size_t parts = 0;              // part files found (alerts file not counted)
  std::vector<std::string> warnings;  // a part cut short, a part with no header
};

// nullopt when `file` has no parts on disk. Otherwise writes `file` from them and removes
// them. Throws std::runtime_error for a part corrupt before its end or an unwritable file.
std::optional<RecoveredRecording> recover_recording(const std::filesystem::path& file);

}  // namespace iomtsim::loadgen::detail
