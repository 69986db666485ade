#include "beat_templates.hpp"

#include <cmath>
#include <memory>
#include <numbers>

namespace iomtsim::physiology::detail {
namespace {

constexpr double kPi = std::numbers::pi;

// ECGSYN defaults (McSharry 2003, Table 1): P, Q, R, S, T.
constexpr double kTheta[5] = {-kPi / 3.0, -kPi / 12.0, 0.0, kPi / 12.0, kPi / 2.0};
constexpr double kA[5] = {1.2, -5.0, 30.0, -7.5, 0.75};
constexpr double kB[5] = {0.25, 0.1, 0.1, 0.1, 0.4};

// z(θ) for one cycle as the sum of the integrated Gaussian events: ∫ -a Δθ e^{-Δθ²/2b²}
// dθ = a b² e^{-Δθ²/2b²}. ECGSYN's extra relaxation toward the baseline only smooths
// this further at its default constants.
void fill_ecg(std::array<float, BeatTemplates::kPoints + 1>& out, double rr_s, bool with_p) {
  const double hr = 60.0 / rr_s;
  const double f1 = std::sqrt(hr / 60.0);
  const double f2 = std::sqrt(f1);
  const double theta[5] = {kTheta[0] * f2, kTheta[1] * f1, kTheta[2], kTheta[3] * f1, kTheta[4] * f2};
  double amp[5], width[5];
  for (int i = 0; i < 5; ++i) {
    width[i] = kB[i] * f1;
    amp[i] = kA[i] * kB[i] * kB[i];  // amplitude at rest, kept fixed across rates
  }
  if (!with_p) amp[0] = 0.0;
  const double r_amp = amp[2];
  for (std::size_t j = 0; j <= BeatTemplates::kPoints; ++j) {
    // Phase 0..1 from R to the next R maps to θ in [0, 2π); events of this beat sit at
    // θi, those of the next beat at θi + 2π.
    const double th = 2.0 * kPi * static_cast<double>(j) / BeatTemplates::kPoints;
    double z = 0.0;
    for (int i = 0; i < 5; ++i) {
      for (double shift : {0.0, 2.0 * kPi}) {
        const double d = th - (theta[i] + shift);
        z += amp[i] * std::exp(-d * d / (2.0 * width[i] * width[i]));
      }
    }
    out[j] = static_cast<float>(z / r_amp);
  }
}

// Photoplethysmogram: a systolic wave a pulse-transit time after R and a smaller
// diastolic (reflected) wave behind the dicrotic notch; time offsets in seconds shrink
// less than the beat at high rates.
void fill_ppg(std::array<float, BeatTemplates::kPoints + 1>& out, double rr_s) {
  const double ptt = 0.22;
  const double sys_t = ptt + 0.12 * std::sqrt(rr_s), sys_w = 0.07 * std::sqrt(rr_s);
  const double dia_t = sys_t + 0.25 * std::sqrt(rr_s), dia_w = 0.10 * std::sqrt(rr_s);
  double peak = 0.0;
  std::array<double, BeatTemplates::kPoints + 1> tmp{};
  for (std::size_t j = 0; j <= BeatTemplates::kPoints; ++j) {
    const double t = rr_s * static_cast<double>(j) / BeatTemplates::kPoints;
    double v = 0.0;
    for (double shift : {-rr_s, 0.0, rr_s}) {
      const double a = t - (sys_t + shift), b = t - (dia_t + shift);
      v += std::exp(-a * a / (2 * sys_w * sys_w)) + 0.45 * std::exp(-b * b / (2 * dia_w * dia_w));
    }
    tmp[j] = v;
    peak = std::max(peak, v);
  }
  for (std::size_t j = 0; j <= BeatTemplates::kPoints; ++j) out[j] = static_cast<float>(tmp[j] / peak);
}

std::unique_ptr<BeatTemplates> build() {
  auto t = std::make_unique<BeatTemplates>();
  for (std::size_t i = 0; i < BeatTemplates::kCount; ++i) {
    const double rr = BeatTemplates::kMinRrS + BeatTemplates::kRrStepS * static_cast<double>(i);
    fill_ecg(t->ecg_sinus[i], rr, true);
    fill_ecg(t->ecg_af[i], rr, false);
    fill_ppg(t->ppg[i], rr);
  }
  return t;
}

}  // namespace

const BeatTemplates& beat_templates() {
  static const std::unique_ptr<BeatTemplates> templates = build();
  return *templates;
}

}  // namespace iomtsim::physiology::detail
