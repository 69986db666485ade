#pragma once
// ECG (lead II) and PPG sample generation for one device. Beats are scheduled on the
// patient's heart-rate trajectory: each R-R interval is 60 / HR at the beat's R peak
// (HRV included, since the true HR carries it), irregular in atrial fibrillation (an
// independent draw per beat, CV ≈ 0.2, as "irregularly irregular" asks). Samples come
// from the precomputed beat templates (beat_templates.hpp), plus baseline wander at the
// breathing rate, AF fibrillatory waves, and a little muscle noise.
#include <cstdint>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "patient_model.hpp"

namespace iomtsim::physiology::detail {

class WaveformGenerator {
 public:
  WaveformGenerator(WaveformKind kind, double sample_rate_hz, std::uint64_t stream);

  // Appends n samples starting at t0 (true time). motion adds large low-frequency
  // artifact; lead_off gives a flat line (the sample value a disconnected lead reads).
  void fill(PatientModel& patient, SimTime t0, std::size_t n, bool motion, bool lead_off,
            std::vector<std::int16_t>& out);

  WaveformKind kind() const { return kind_; }
  double sample_rate_hz() const { return fs_; }

 private:
  void start_beat(PatientModel& patient, double at_s);

  WaveformKind kind_;
  double fs_;
  Rng rng_;
  double beat_start_s_ = -1.0;  // R peak that opened the current beat
  double beat_len_s_ = 1.0;
  const float* tmpl_ = nullptr;
  double wander_phase_ = 0.0;   // radians, breathing-rate baseline wander / PPG modulation
  double fwave_phase_ = 0.0;    // radians, AF f-waves (~6 Hz)
  double resp_hz_ = 0.25;
};

}  // namespace iomtsim::physiology::detail
