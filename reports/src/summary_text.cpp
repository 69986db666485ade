#include "iomtsim/reports/summary_text.hpp"

#include "iomtsim/reports/validity.hpp"

#include <cmath>
#include <cstdio>

namespace iomtsim::reports {
namespace {

std::string fixed(double v, int decimals, bool sign = false) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string minutes(double s, bool sign = false) {
  return std::isfinite(s) ? fixed(s / 60.0, 1, sign) + " min" : "n/a";
}

// The lift in lead time (chance median delay - observed median delay) in words.
std::string than_chance(double lift_s) {
  if (!std::isfinite(lift_s)) return "lift n/a";
  return minutes(std::abs(lift_s)) + (lift_s >= 0 ? " earlier than chance" : " later than chance");
}

}  // namespace

std::string alert_summary(const Report& r) {
  // A run whose readings mostly never reached the target has no scores worth printing.
  if (auto why = delivery_invalid_reason(r)) return "INVALID: " + *why + "\n";
  const AccuracyStats& a = r.accuracy.overall;
  if (a.episodes == 0 && a.alerts == 0) return {};
  std::string o = "alerts: " + std::to_string(a.alerts) + " (" + fixed(a.false_per_patient_day, 2) +
                  " false per patient-day over " + fixed(r.run.patient_days(), 1) +
                  " patient-days)\n";
  if (a.episodes > 0) {
    o += "detection: sensitivity " + fixed(a.sensitivity, 2) + " (" +
         std::to_string(a.episodes_detected) + "/" + std::to_string(a.episodes) +
         " episodes); chance " + fixed(a.chance.sensitivity, 2) + ", lift " +
         fixed(a.sensitivity_lift, 2, true) + "\n";
    // Signed delays, so "+5 min" cannot be read as a lead of five minutes.
    o += "first alert after the criteria were met: median " +
         minutes(a.criteria_lead_time_s.median, true) + "; at random " +
         minutes(a.chance.criteria_lead_time_s.median, true) + ", " +
         than_chance(a.criteria_lead_time_lift_s) + "\n";
    o += "first alert after onset: median " + minutes(a.lead_time_s.median, true) + "; at random " +
         minutes(a.chance.lead_time_s.median, true) + ", " + than_chance(a.lead_time_lift_s) + "\n";
  }
  const auto& u = r.sepsis_utility;
  if (u.septic_patients > 0)
    o += "sepsis utility (PhysioNet 2019, normalised): " + fixed(u.utility.normalized, 3) +
         " over " + std::to_string(u.patients) + " patients, " + std::to_string(u.septic_patients) +
         " septic\n";
  return o;
}

std::string imaging_summary(const Report& r) {
  const auto& s = r.ops.scores;
  if (s.imaging_results == 0) return {};
  auto percentiles = [](const Histogram& h) {
    if (h.empty()) return std::string();
    auto sec = [&](double p) {
      return fixed(static_cast<double>(h.value_at_percentile(p)) * 1e-9, 1);
    };
    return " (p50 " + sec(50) + " s, p95 " + sec(95) + " s)";
  };
  return "imaging: " + std::to_string(s.imaging_results) + " results, " +
         std::to_string(s.imaging_acked) + " acknowledged; " +
         std::to_string(s.imaging_retrievable) + " retrievable from the PACS" +
         percentiles(s.imaging_result_to_pacs) + "; " + std::to_string(s.imaging_charted) +
         " charted" + percentiles(s.imaging_result_to_chart) + "\n";
}

}  // namespace iomtsim::reports
