#include "news2.hpp"

#include <cmath>
#include <cstdint>

namespace iomtsim::physiology::detail {
namespace {

// Chart rows are integers; true vitals are continuous, so round the way a nurse
// charting the value would: to nearest, halves away from zero (std::lround's rule).
// Inline rather than the libm call, which was a third of the score's cost on every 30 s
// grid step: x - trunc(x) is exact, so the tie test is too, and the result equals
// lround's for every |x| < 2^31 (beyond that, or NaN, lround decides).
int rounded(double x) {
  if (!(std::fabs(x) < 2147483647.0)) return static_cast<int>(std::lround(x));
  const auto t = static_cast<std::int64_t>(x);  // truncates toward zero
  const double r = x - static_cast<double>(t);
  return static_cast<int>(t + (r >= 0.5) - (r <= -0.5));
}

int rr_points(int rr) {
  if (rr <= 8) return 3;
  if (rr <= 11) return 1;
  if (rr <= 20) return 0;
  if (rr <= 24) return 2;
  return 3;
}

int spo2_scale1(int s) {
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

int spo2_scale2(int s, bool oxygen) {
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92 || !oxygen) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

int sbp_points(int sbp) {
  if (sbp <= 90) return 3;
  if (sbp <= 100) return 2;
  if (sbp <= 110) return 1;
  if (sbp <= 219) return 0;
  return 3;
}

int pulse_points(int hr) {
  if (hr <= 40) return 3;
  if (hr <= 50) return 1;
  if (hr <= 90) return 0;
  if (hr <= 110) return 1;
  if (hr <= 130) return 2;
  return 3;
}

int temp_points(double t) {
  const double r = std::round(t * 10.0) / 10.0;
  if (r <= 35.0) return 3;
  if (r <= 36.0) return 1;
  if (r <= 38.0) return 0;
  if (r <= 39.0) return 1;
  return 2;
}

}  // namespace

int news2_score(const VitalSigns& v, bool scale2) {
  const int s = rounded(v.spo2_pct);
  int total = rr_points(rounded(v.resp_rate_per_min));
  total += scale2 ? spo2_scale2(s, v.on_oxygen) : spo2_scale1(s);
  total += v.on_oxygen ? 2 : 0;
  total += sbp_points(rounded(v.systolic_mmhg));
  total += pulse_points(rounded(v.heart_rate_bpm));
  total += v.consciousness != Acvpu::Alert ? 3 : 0;
  total += temp_points(v.temperature_c);
  return total;
}

int qsofa_score(const VitalSigns& v) {
  int p = 0;
  if (rounded(v.systolic_mmhg) <= 100) ++p;
  if (rounded(v.resp_rate_per_min) >= 22) ++p;
  if (v.consciousness != Acvpu::Alert) ++p;
  return p;
}

}  // namespace iomtsim::physiology::detail
