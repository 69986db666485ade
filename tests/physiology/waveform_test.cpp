// ECG beats follow the heart-rate trajectory; AF is irregularly irregular; HRV has LF
// and HF power in adult proportions.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <variant>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

struct Ecg {
  std::vector<double> t_s;        // sample times
  std::vector<double> uv;         // samples
  std::vector<double> true_hr;    // true HR at each block start
  std::vector<double> block_t_s;
};

Ecg record(const CohortSpec& c, PatientIndex p, Duration run) {
  PatientGenerator g(c, p, 21, run);
  Ecg e;
  while (!g.done()) {
    DeviceOutput o = g.next();
    const auto* b = std::get_if<WaveformBlock>(&o);
    if (!b) continue;
    const double t0 = to_seconds(b->true_time);
    for (std::size_t i = 0; i < b->samples.size(); ++i) {
      e.t_s.push_back(t0 + static_cast<double>(i) / b->sample_rate_hz);
      e.uv.push_back(b->samples[i]);
    }
    e.block_t_s.push_back(t0);
    e.true_hr.push_back(g.true_vitals(b->true_time).heart_rate_bpm);
  }
  return e;
}

// A simple peak detector: local maxima above `level` of the way from the median to the
// 99th centile, with a 250 ms refractory period.
std::vector<double> r_peaks(const Ecg& e, double level = 0.5) {
  std::vector<double> sorted = e.uv;
  std::sort(sorted.begin(), sorted.end());
  const double p99 = sorted[static_cast<std::size_t>(0.99 * static_cast<double>(sorted.size() - 1))];
  const double med = sorted[sorted.size() / 2];
  const double thr = med + level * (p99 - med);
  std::vector<double> peaks;
  for (std::size_t i = 1; i + 1 < e.uv.size(); ++i) {
    if (e.uv[i] > thr && e.uv[i] >= e.uv[i - 1] && e.uv[i] > e.uv[i + 1]) {
      if (!peaks.empty() && e.t_s[i] - peaks.back() < 0.25) continue;
      peaks.push_back(e.t_s[i]);
    }
  }
  return peaks;
}

double cv(const std::vector<double>& x) {
  double m = 0, s = 0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size())) / m;
}

std::vector<double> intervals(const std::vector<double>& peaks, double from, double to) {
  std::vector<double> rr;
  for (std::size_t i = 1; i < peaks.size(); ++i)
    if (peaks[i - 1] >= from && peaks[i] < to) rr.push_back(peaks[i] - peaks[i - 1]);
  return rr;
}

}  // namespace

TEST(Ecg, DetectedBeatRateFollowsTheHeartRateTrajectory) {
  // A hemorrhage takes the rate from ~70 to ~140 over 20 minutes.
  CohortSpec c = cohort(Archetype::HealthyAdult, {ecg_patch(250.0)});
  c.conditions.push_back(condition(ConditionKind::Hemorrhage, 300.0, 0.9, Course::Sudden));
  const Ecg e = record(c, 0, 40min);
  const auto peaks = r_peaks(e);
  double lo = 1e9, hi = 0;
  for (double from = 0; from + 60 <= 2400; from += 60) {
    const auto rr = intervals(peaks, from, from + 60);
    ASSERT_GT(rr.size(), 20u);
    double mean_rr = 0;
    for (double x : rr) mean_rr += x;
    const double detected_bpm = 60.0 / (mean_rr / static_cast<double>(rr.size()));
    double truth = 0;
    int n = 0;
    for (std::size_t i = 0; i < e.block_t_s.size(); ++i)
      if (e.block_t_s[i] >= from && e.block_t_s[i] < from + 60) truth += e.true_hr[i], ++n;
    truth /= n;
    EXPECT_NEAR(detected_bpm, truth, std::max(3.0, 0.04 * truth)) << "minute starting " << from;
    lo = std::min(lo, detected_bpm);
    hi = std::max(hi, detected_bpm);
  }
  EXPECT_GT(hi - lo, 40.0);  // the trajectory really moved
}

TEST(Ecg, AtrialFibrillationIntervalsAreIrregular) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {ecg_patch(500.0)});
  ConditionSpec af = condition(ConditionKind::AtrialFibrillation, 900.0, 0.5, Course::SelfLimiting);
  af.duration_s = Distribution::constant(3600.0);
  c.conditions.push_back(af);
  for (PatientIndex p = 0; p < 3; ++p) {
    const Ecg e = record(c, p, 30min);
    const auto peaks = r_peaks(e);
    const double sinus = cv(intervals(peaks, 0, 840));
    const double fib = cv(intervals(peaks, 1000, 1800));
    EXPECT_LT(sinus, 0.08);
    EXPECT_GT(fib, 0.14);
    EXPECT_GT(fib, 2.5 * sinus);
  }
}

TEST(Ecg, SamplesAreMicrovoltsWithAnRPeakAroundOneMillivolt) {
  const Ecg e = record(cohort(Archetype::HealthyAdult, {ecg_patch(125.0)}), 4, 2min);
  EXPECT_EQ(e.uv.size() % 125u, 0u);  // whole 1 s blocks at 125 Hz
  EXPECT_GE(e.uv.size(), 125u * 119u);  // the first block starts within the device's phase
  const double mx = *std::max_element(e.uv.begin(), e.uv.end());
  const double mn = *std::min_element(e.uv.begin(), e.uv.end());
  EXPECT_GT(mx, 600.0);
  EXPECT_LT(mx, 2000.0);
  EXPECT_GT(mn, -800.0);
}

TEST(Ppg, PulsesFollowTheHeartRate) {
  DeviceModelSpec ox;
  ox.name = "ppg";
  ox.type = DeviceType::PulseOximeter;
  ox.waveform = WaveformSpec{WaveformKind::Ppg, 100.0, 2s};
  ox.artifacts = false;
  ox.missing_fraction = 0.0;
  ox.battery_life = 48h;
  const Ecg e = record(cohort(Archetype::HealthyAdult, {ox}), 2, 5min);
  const auto peaks = r_peaks(e, 0.8);  // above the diastolic (reflected) wave
  const auto rr = intervals(peaks, 0, 300);
  double mean_rr = 0, truth = 0;
  for (double x : rr) mean_rr += x;
  for (double h : e.true_hr) truth += h;
  EXPECT_NEAR(60.0 / (mean_rr / static_cast<double>(rr.size())), truth / static_cast<double>(e.true_hr.size()), 4.0);
}

TEST(HeartRateVariability, HasLfAndHfPowerInAdultProportions) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  double ratio_sum = 0;
  const int patients = 6;
  for (PatientIndex p = 0; p < patients; ++p) {
    PatientGenerator g(c, p, 8, 1h);
    // 4 Hz for 10 minutes, detrended by the mean.
    const double fs = 4.0;
    std::vector<double> x;
    for (int i = 0; i < 2400; ++i) x.push_back(g.true_vitals(SimTime{600s + from_seconds(i / fs)}).heart_rate_bpm);
    double m = 0;
    for (double v : x) m += v;
    m /= static_cast<double>(x.size());
    auto band = [&](double f0, double f1) {
      double p_sum = 0;
      for (double f = f0; f < f1; f += 1.0 / 600.0) {
        double re = 0, im = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
          const double w = 2.0 * std::numbers::pi * f * static_cast<double>(i) / fs;
          re += (x[i] - m) * std::cos(w);
          im += (x[i] - m) * std::sin(w);
        }
        p_sum += re * re + im * im;
      }
      return p_sum;
    };
    const double lf = band(0.04, 0.15), hf = band(0.15, 0.4);
    EXPECT_GT(hf, 0.0);
    ratio_sum += lf / hf;
  }
  const double ratio = ratio_sum / patients;
  EXPECT_GT(ratio, 1.0);
  EXPECT_LT(ratio, 3.5);
}
