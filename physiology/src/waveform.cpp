#include "waveform.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "beat_templates.hpp"

namespace iomtsim::physiology::detail {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;

std::int16_t to_i16(double x) {
  return static_cast<std::int16_t>(std::clamp(std::lround(x), -32768L, 32767L));
}
}  // namespace

WaveformGenerator::WaveformGenerator(WaveformKind kind, double sample_rate_hz, std::uint64_t stream)
    : kind_(kind), fs_(sample_rate_hz), rng_(stream) {
  wander_phase_ = rng_.uniform(0.0, kTwoPi);
  fwave_phase_ = rng_.uniform(0.0, kTwoPi);
}

void WaveformGenerator::start_beat(PatientModel& patient, double at_s) {
  const SimTime at = at_seconds(at_s);
  const VitalSigns& v = patient.vitals_at(at);
  const bool af = patient.in_af(at);
  resp_hz_ = std::max(0.03, v.resp_rate_per_min / 60.0);
  double rr = 60.0 / std::max(25.0, v.heart_rate_bpm);
  if (af) {
    rr *= std::clamp(1.0 + 0.2 * rng_.normal(), 0.45, 1.8);
  } else {
    rr *= 1.0 + 0.006 * rng_.normal();
  }
  beat_start_s_ = at_s;
  beat_len_s_ = rr;
  const BeatTemplates& bt = beat_templates();
  const std::size_t i = BeatTemplates::index_for(rr);
  tmpl_ = kind_ == WaveformKind::Ppg ? bt.ppg[i].data() : (af ? bt.ecg_af[i].data() : bt.ecg_sinus[i].data());
}

void WaveformGenerator::fill(PatientModel& patient, SimTime t0, std::size_t n, bool motion, bool lead_off,
                             std::vector<std::int16_t>& out) {
  out.reserve(out.size() + n);
  const double t0_s = to_seconds(t0);
  const double dt = 1.0 / fs_;
  if (beat_start_s_ < 0.0 || t0_s - beat_start_s_ > 10.0) {
    // First block (or after a long gap): begin inside a beat, at a random phase.
    start_beat(patient, t0_s);
    beat_start_s_ = t0_s - rng_.uniform() * beat_len_s_;
  }
  const double amp = kind_ == WaveformKind::Ppg ? 800.0 : patient.ecg_amplitude_uv();
  const bool af = kind_ == WaveformKind::EcgLeadII && patient.in_af(t0);
  // Sinusoids by rotating phasors (a multiply-add per sample instead of a sin call);
  // re-derived from the phase at each block so rounding never accumulates.
  const double w_step = kTwoPi * resp_hz_ * dt;
  const double f_step = kTwoPi * 6.0 * dt;
  const double wc = std::cos(w_step), ws = std::sin(w_step);
  const double fc = std::cos(f_step), fs = std::sin(f_step);
  double wx = std::cos(wander_phase_), wy = std::sin(wander_phase_);
  double fx = std::cos(fwave_phase_), fy = std::sin(fwave_phase_);
  constexpr double kPts = static_cast<double>(BeatTemplates::kPoints);
  double inv_len = kPts / beat_len_s_;
  const bool ppg = kind_ == WaveformKind::Ppg;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = t0_s + static_cast<double>(i) * dt;
    while (t >= beat_start_s_ + beat_len_s_) {
      start_beat(patient, beat_start_s_ + beat_len_s_);
      inv_len = kPts / beat_len_s_;
    }
    const double ph = (t - beat_start_s_) * inv_len;
    const auto j = std::min(static_cast<std::size_t>(ph), BeatTemplates::kPoints - 1);
    const double fr = ph - static_cast<double>(j);
    const double shape = tmpl_[j] + fr * (tmpl_[j + 1] - tmpl_[j]);
    const double wx2 = wx * wc - wy * ws;
    wy = wx * ws + wy * wc;
    wx = wx2;
    // Cheap noise: two 32-bit halves of one draw give a triangular variate on (-1, 1).
    const std::uint64_t r = rng_.next_u64();
    const double tri = (static_cast<double>(r >> 32) + static_cast<double>(r & 0xFFFFFFFFu)) * 0x1.0p-32 - 1.0;
    double x;
    if (ppg) {
      x = 300.0 + amp * shape * (1.0 + 0.08 * wy) + 8.0 * tri;
    } else {
      x = amp * shape + 50.0 * wy + 15.0 * tri;
      if (af) {
        const double fx2 = fx * fc - fy * fs;
        fy = fx * fs + fy * fc;
        fx = fx2;
        x += 35.0 * fy;
      }
    }
    if (motion) x += 350.0 * wx + 150.0 * tri;
    out.push_back(lead_off ? std::int16_t{0} : to_i16(x));
  }
  wander_phase_ = std::fmod(wander_phase_ + w_step * static_cast<double>(n), kTwoPi);
  if (af) fwave_phase_ = std::fmod(fwave_phase_ + f_step * static_cast<double>(n), kTwoPi);
}

}  // namespace iomtsim::physiology::detail
