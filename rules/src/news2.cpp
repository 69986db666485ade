// Band edges exactly as docs/clinical.md's NEWS2 table. Inputs are rounded to chart resolution
// first so that a device's 20.4 /min scores as the charted 20 (see news2.hpp).
#include "iomtsim/rules/news2.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace iomtsim::rules {
namespace {

long whole(double v) { return std::lround(v); }     // half away from zero
long tenths(double v) { return std::lround(v * 10.0); }

}  // namespace

int news2_resp_rate_score(double rr) {
  const long v = whole(rr);
  if (v <= 8) return 3;
  if (v <= 11) return 1;
  if (v <= 20) return 0;
  if (v <= 24) return 2;
  return 3;
}

int news2_spo2_score(double spo2, SpO2Scale scale, bool on_oxygen) {
  const long v = whole(spo2);
  if (scale == SpO2Scale::Scale1) {
    if (v <= 91) return 3;
    if (v <= 93) return 2;
    if (v <= 95) return 1;
    return 0;
  }
  if (v <= 83) return 3;
  if (v <= 85) return 2;
  if (v <= 87) return 1;
  if (v <= 92 || !on_oxygen) return 0;  // 88–92, or >= 93 on air
  if (v <= 94) return 1;
  if (v <= 96) return 2;
  return 3;
}

int news2_air_or_oxygen_score(bool on_oxygen) { return on_oxygen ? 2 : 0; }

int news2_systolic_score(double sbp) {
  const long v = whole(sbp);
  if (v <= 90) return 3;
  if (v <= 100) return 2;
  if (v <= 110) return 1;
  if (v <= 219) return 0;
  return 3;
}

int news2_pulse_score(double pulse) {
  const long v = whole(pulse);
  if (v <= 40) return 3;
  if (v <= 50) return 1;
  if (v <= 90) return 0;
  if (v <= 110) return 1;
  if (v <= 130) return 2;
  return 3;
}

int news2_consciousness_score(double acvpu) { return whole(acvpu) <= 0 ? 0 : 3; }

int news2_temperature_score(double cel) {
  const long t = tenths(cel);
  if (t <= 350) return 3;
  if (t <= 360) return 1;
  if (t <= 380) return 0;
  if (t <= 390) return 1;
  return 2;
}

std::string_view band_name(News2Band b) {
  static constexpr std::array<std::string_view, 5> kNames = {"zero", "low", "low_medium",
                                                             "medium", "high"};
  return kNames[static_cast<std::size_t>(b)];
}

News2Band news2_band(int total, bool any_single_three) {
  if (total >= 7) return News2Band::High;
  if (total >= 5) return News2Band::Medium;
  if (any_single_three) return News2Band::LowMedium;
  if (total >= 1) return News2Band::Low;
  return News2Band::Zero;
}

News2Result news2(const News2Inputs& in) {
  News2Result r;
  auto add = [&r](int score) {
    r.total += score;
    r.max_single = std::max(r.max_single, score);
  };
  if (in.resp_rate_per_min) {
    add(news2_resp_rate_score(*in.resp_rate_per_min));
    ++r.parameters_present;
  }
  if (in.spo2_pct) {
    add(news2_spo2_score(*in.spo2_pct, in.scale, in.on_oxygen));
    ++r.parameters_present;
  }
  add(news2_air_or_oxygen_score(in.on_oxygen));
  if (in.systolic_mmhg) {
    add(news2_systolic_score(*in.systolic_mmhg));
    ++r.parameters_present;
  }
  if (in.pulse_per_min) {
    add(news2_pulse_score(*in.pulse_per_min));
    ++r.parameters_present;
  }
  if (in.consciousness_acvpu) {
    add(news2_consciousness_score(*in.consciousness_acvpu));
    ++r.parameters_present;
  }
  if (in.temperature_cel) {
    add(news2_temperature_score(*in.temperature_cel));
    ++r.parameters_present;
  }
  r.any_single_three = r.max_single >= 3;
  r.complete = r.parameters_present == 6;
  r.band = news2_band(r.total, r.any_single_three);
  return r;
}

}  // namespace iomtsim::rules
