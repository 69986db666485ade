#pragma once
// --record: each engine thread writes the outputs it took from its source to a part file,
// in its own time order; at the end the parts are merged into one recording in the global
// order a single-process fleet yields, (true_time, patient, device, id), followed by the
// ground truth and the alerts. Private to loadgen.
#include <filesystem>
#include <span>
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

// Writes `out`; removes the parts. Throws std::runtime_error when a part is unreadable or
// the output cannot be written.
RecordingCounts merge_recording_parts(std::span<const std::filesystem::path> parts,
                                      const payloads::RecordingHeader& header,
                                      std::span<const physiology::Episode> episodes,
                                      std::span<const reports::AlertRecord> alerts,
                                      const std::filesystem::path& out);

}  // namespace iomtsim::loadgen::detail
