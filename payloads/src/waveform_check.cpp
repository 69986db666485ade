// Checks every waveform decoder shares, so the four encodings refuse the same blocks.
#include <cmath>

#include "iomtsim/payloads/waveform.hpp"

namespace iomtsim::payloads {

std::string check_waveform(const physiology::WaveformBlock& b) {
  if (!std::isfinite(b.sample_rate_hz) || b.sample_rate_hz <= 0.0)
    return "waveform sample rate must be a positive number of Hz";
  if (b.sample_rate_hz > kMaxWaveformRateHz)
    return "waveform sample rate " + std::to_string(b.sample_rate_hz) + " Hz above " +
           std::to_string(static_cast<int>(kMaxWaveformRateHz)) + " Hz";
  if (b.samples.empty()) return "waveform block has no samples";
  if (b.samples.size() > kMaxWaveformSamples)
    return "waveform block has " + std::to_string(b.samples.size()) + " samples (at most " +
           std::to_string(kMaxWaveformSamples) + ")";
  return {};
}

std::string_view waveform_kind_name(physiology::WaveformKind k) {
  return k == physiology::WaveformKind::EcgLeadII ? "ecg_lead_ii" : "ppg";
}

}  // namespace iomtsim::payloads
