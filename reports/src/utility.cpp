#include "iomtsim/reports/utility.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

namespace iomtsim::reports {
namespace {

constexpr auto kHour = std::chrono::hours(1);
constexpr double kNotSeptic = std::numeric_limits<double>::infinity();

void check(std::span<const int> labels, std::span<const int> predictions) {
  if (labels.size() != predictions.size())
    throw UtilityError("utility: " + std::to_string(labels.size()) + " labels but " +
                       std::to_string(predictions.size()) + " predictions");
  for (int v : labels)
    if (v != 0 && v != 1) throw UtilityError("utility: labels must be 0 or 1");
  for (int v : predictions)
    if (v != 0 && v != 1) throw UtilityError("utility: predictions must be 0 or 1");
}

// t_sepsis as the official scorer derives it; +inf for a stay that never turns septic.
double sepsis_time(std::span<const int> labels, const UtilityParams& p) {
  auto it = std::find(labels.begin(), labels.end(), 1);
  if (it == labels.end()) return kNotSeptic;
  return static_cast<double>(it - labels.begin()) - p.dt_optimal;
}

// Floor division of scenario time into whole hours (times before zero round down too).
std::int64_t hour_of(SimTime t) {
  const auto n = t.time_since_epoch().count();
  const auto h = std::chrono::nanoseconds(kHour).count();
  return n >= 0 ? n / h : -((-n + h - 1) / h);
}

}  // namespace

SimTime clinical_sepsis_onset(const physiology::Episode& e) {
  return e.criteria_met.value_or(e.onset);
}

double stay_utility(double t_sepsis, std::span<const int> predictions, const UtilityParams& p) {
  for (int v : predictions)
    if (v != 0 && v != 1) throw UtilityError("utility: predictions must be 0 or 1");
  const bool septic = std::isfinite(t_sepsis);
  // Lines u = m t + b, as in compute_prediction_utility.
  const double m1 = p.max_u_tp / (p.dt_optimal - p.dt_early), b1 = -m1 * p.dt_early;
  const double m2 = -p.max_u_tp / (p.dt_late - p.dt_optimal), b2 = -m2 * p.dt_late;
  const double m3 = p.min_u_fn / (p.dt_late - p.dt_optimal), b3 = -m3 * p.dt_optimal;

  double total = 0.0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const double t = static_cast<double>(i);
    if (t > t_sepsis + p.dt_late) continue;  // only reachable for septic stays
    const bool predicted = predictions[i] == 1;
    double u = 0.0;
    if (septic && predicted) {
      // The scorer takes max(rising line, u_fp) over the whole early side: the line is 0
      // at exactly dt_early (a prediction 12 h ahead costs nothing) and only hours further
      // out fall to u_fp.
      if (t <= t_sepsis + p.dt_optimal)
        u = std::max(m1 * (t - t_sepsis) + b1, p.u_fp);
      else
        u = m2 * (t - t_sepsis) + b2;
    } else if (septic) {
      u = t <= t_sepsis + p.dt_optimal ? 0.0 : m3 * (t - t_sepsis) + b3;
    } else {
      u = predicted ? p.u_fp : p.u_tn;
    }
    total += u;
  }
  return total;
}

std::vector<int> best_stay_predictions(double t_sepsis, std::size_t hours, const UtilityParams& p) {
  std::vector<int> best(hours, 0);
  if (!std::isfinite(t_sepsis)) return best;
  // best[max(0, t_sepsis + dt_early) : min(t_sepsis + dt_late + 1, n)] = 1, as the scorer
  // slices it (the hour at exactly dt_early is included; it earns 0 either way). The
  // scorer's t_sepsis is never below 6; ours may be (onset before the observed stay), so
  // both ends are clamped to [0, n] rather than read as Python's negative indices.
  const double n = static_cast<double>(hours);
  const double from = std::clamp(std::ceil(t_sepsis + p.dt_early), 0.0, n);
  const double to = std::clamp(std::floor(t_sepsis + p.dt_late) + 1.0, 0.0, n);
  for (auto i = static_cast<std::size_t>(from); i < static_cast<std::size_t>(to); ++i) best[i] = 1;
  return best;
}

double prediction_utility(std::span<const int> labels, std::span<const int> predictions,
                          const UtilityParams& p) {
  check(labels, predictions);
  return stay_utility(sepsis_time(labels, p), predictions, p);
}

std::vector<int> best_predictions(std::span<const int> labels, const UtilityParams& p) {
  return best_stay_predictions(sepsis_time(labels, p), labels.size(), p);
}

UtilityResult normalized_utility(std::span<const std::vector<int>> labels,
                                 std::span<const std::vector<int>> predictions,
                                 const UtilityParams& p) {
  if (labels.size() != predictions.size())
    throw UtilityError("utility: " + std::to_string(labels.size()) + " label series but " +
                       std::to_string(predictions.size()) + " prediction series");
  UtilityResult r;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const std::vector<int> none(labels[k].size(), 0);
    r.observed += prediction_utility(labels[k], predictions[k], p);
    r.best += prediction_utility(labels[k], best_predictions(labels[k], p), p);
    r.inaction += prediction_utility(labels[k], none, p);
  }
  r.normalized = r.best == r.inaction ? std::numeric_limits<double>::quiet_NaN()
                                      : (r.observed - r.inaction) / (r.best - r.inaction);
  return r;
}

SepsisUtility hourly_sepsis_utility(std::span<const PatientSpan> spans,
                                    std::span<const physiology::Episode> episodes,
                                    std::span<const AlertRecord> alerts,
                                    std::span<const std::string> rules, const UtilityParams& p) {
  struct Stay {
    std::int64_t first = 0, last = 0;        // hours
    std::optional<std::int64_t> sepsis_hour;  // earliest clinical onset
    std::vector<int> predictions;
  };
  std::map<physiology::PatientIndex, Stay> stays;
  for (const auto& s : spans) {
    const auto f = hour_of(std::min(s.first, s.last)), l = hour_of(std::max(s.first, s.last));
    auto [it, fresh] = stays.try_emplace(s.patient, Stay{f, l, {}, {}});
    if (!fresh) {
      it->second.first = std::min(it->second.first, f);
      it->second.last = std::max(it->second.last, l);
    }
  }
  for (const auto& e : episodes) {
    if (e.condition != physiology::ConditionKind::Sepsis) continue;
    auto it = stays.find(e.patient);
    if (it == stays.end()) continue;  // never observed: no hours to score
    const auto h = hour_of(clinical_sepsis_onset(e));
    if (!it->second.sepsis_hour || h < *it->second.sepsis_hour) it->second.sepsis_hour = h;
  }
  for (auto& [patient, stay] : stays)
    stay.predictions.assign(static_cast<std::size_t>(stay.last - stay.first + 1), 0);
  for (const auto& a : alerts) {
    if (!rules.empty() && std::find(rules.begin(), rules.end(), a.alert.rule) == rules.end()) continue;
    auto it = stays.find(a.alert.patient);
    if (it == stays.end()) continue;
    const auto h = hour_of(a.alert.received_time);
    if (h < it->second.first || h > it->second.last) continue;  // outside the observed stay
    it->second.predictions[static_cast<std::size_t>(h - it->second.first)] = 1;
  }
  SepsisUtility out;
  for (const auto& [patient, stay] : stays) {
    const double t_sepsis = stay.sepsis_hour ? static_cast<double>(*stay.sepsis_hour - stay.first) : kNotSeptic;
    const auto n = stay.predictions.size();
    ++out.patients;
    out.septic_patients += stay.sepsis_hour ? 1 : 0;
    out.patient_hours += n;
    out.positive_hours += static_cast<std::uint64_t>(std::count(stay.predictions.begin(), stay.predictions.end(), 1));
    out.utility.observed += stay_utility(t_sepsis, stay.predictions, p);
    out.utility.best += stay_utility(t_sepsis, best_stay_predictions(t_sepsis, n, p), p);
    out.utility.inaction += stay_utility(t_sepsis, std::vector<int>(n, 0), p);
  }
  const auto& u = out.utility;
  out.utility.normalized = u.best == u.inaction ? std::numeric_limits<double>::quiet_NaN()
                                                : (u.observed - u.inaction) / (u.best - u.inaction);
  return out;
}

}  // namespace iomtsim::reports
