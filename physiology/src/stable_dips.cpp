// The transient dips and surges of stable patients (docs/clinical.md "Stable patients are not
// flat"): desaturations mostly in sleep, tachypnoea, tachycardia, hypotension.
#include <algorithm>
#include <cmath>

#include "fast_noise.hpp"
#include "patient_model.hpp"

namespace iomtsim::physiology::detail {
namespace {
constexpr double kHour = 3600.0;
constexpr double kMin = 60.0;
}  // namespace

double DipProcess::value(double t_s) const {
  if (t_s <= start_s || t_s >= end_s) return 0.0;
  // Trapezoid with ramps of a quarter of the event (at most 2 min): dips develop and
  // recover, they do not switch.
  const double ramp = std::min(2.0 * kMin, 0.25 * (end_s - start_s));
  const double up = (t_s - start_s) / ramp, down = (end_s - t_s) / ramp;
  return depth * std::min(1.0, std::min(up, down));
}

namespace {
constexpr double kNightGain[4] = {2.0, 1.0, 1.0, 1.5};  // spo2 dips are mostly in sleep
}  // namespace

double PatientModel::dip_max_rate_per_s(std::size_t i) const {
  const double rates[4] = {baseline_.spo2_dip_rate_per_h, baseline_.rr_surge_rate_per_h,
                           baseline_.hr_surge_rate_per_h, baseline_.sbp_dip_rate_per_h};
  return rates[i] * kNightGain[i] / kHour;
}

void PatientModel::advance_dips(double t_s) {
  // Thinning: candidates at the maximum (night) rate, accepted in proportion to the
  // rate at their time.
  const double hour = hour_of_day(t_s + clock_offset_s_);
  const bool night = hour >= 23.0 || hour < 7.0;
  for (std::size_t i = 0; i < 4; ++i) {
    DipProcess& d = dips_[i];
    const double max_rate = dip_max_rate_per_s(i);
    if (max_rate <= 0.0) continue;
    while (d.next_candidate_s <= t_s) {
      const double cand = d.next_candidate_s;
      d.next_candidate_s += rng_.exponential(1.0 / max_rate);
      const double gain = night ? kNightGain[i] : (i == 0 ? 0.5 : 1.0);
      if (cand < d.end_s || !rng_.bernoulli(gain / kNightGain[i])) continue;
      d.start_s = cand;
      switch (i) {
        case 0:  // desaturation (sleep-disordered breathing, positional, atelectasis)
          d.end_s = cand + 18.0 * kMin * std::exp(rng_.normal(0.0, 0.7));
          d.depth = baseline_.spo2_dip_depth_pct * (0.4 + rng_.exponential(0.8));
          break;
        case 1:  // tachypnoea (pain, anxiety, coughing)
          d.end_s = cand + 6.0 * kMin * std::exp(rng_.normal(0.0, 0.6));
          d.depth = rng_.uniform(4.0, 12.0);
          break;
        case 2:  // tachycardia (pain, mobilising, agitation)
          d.end_s = cand + 25.0 * kMin * std::exp(rng_.normal(0.0, 0.7));
          d.depth = rng_.uniform(12.0, 35.0);
          break;
        default:  // hypotension (postural, sleep, drugs)
          d.end_s = cand + 8.0 * kMin * std::exp(rng_.normal(0.0, 0.6));
          d.depth = rng_.uniform(10.0, 32.0);
          break;
      }
    }
  }
}

}  // namespace iomtsim::physiology::detail
