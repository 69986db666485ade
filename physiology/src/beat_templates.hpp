#pragma once
// Precomputed beat shapes for the ECG and PPG generators, shared by all patients
// (immutable after first use; built once, thread-safe through a function-local static).
//
// A template covers one R-R interval, from an R peak (phase 0) to the next (phase 1), in
// kPoints samples, for R-R lengths from kMinRrS to kMaxRrS in kRrStepS steps. The ECG
// morphology is McSharry et al.'s ECGSYN (IEEE TBME 2003): five Gaussian events P, Q, R,
// S, T at angles θi with widths bi, scaled with heart rate as ECGSYN does (θ by
// sqrt(hr/60) or its square root, b by sqrt(hr/60)), so QRS keeps its width and QT
// shortens with rate. Solving ECGSYN's z-equation once per R-R length instead of per
// sample is what makes 20 M samples/s possible.
#include <array>
#include <cstddef>

namespace iomtsim::physiology::detail {

struct BeatTemplates {
  static constexpr std::size_t kPoints = 256;
  static constexpr double kMinRrS = 0.25;
  static constexpr double kMaxRrS = 2.5;
  static constexpr double kRrStepS = 0.01;
  static constexpr std::size_t kCount = 226;  // (kMaxRrS - kMinRrS) / kRrStepS + 1

  // Unit R amplitude (1.0 at the R peak); index [template][point], kPoints + 1 so
  // interpolation can read one past the end.
  std::array<std::array<float, kPoints + 1>, kCount> ecg_sinus{};
  std::array<std::array<float, kPoints + 1>, kCount> ecg_af{};  // no P wave
  std::array<std::array<float, kPoints + 1>, kCount> ppg{};     // 0..1 pulse

  static std::size_t index_for(double rr_s) {
    double i = (rr_s - kMinRrS) / kRrStepS + 0.5;
    if (i < 0.0) i = 0.0;
    if (i > static_cast<double>(kCount - 1)) i = static_cast<double>(kCount - 1);
    return static_cast<std::size_t>(i);
  }
};

const BeatTemplates& beat_templates();

}  // namespace iomtsim::physiology::detail
