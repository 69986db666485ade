#include "iomtsim/reports/utility.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace iomtsim::reports {
namespace {

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
  if (it == labels.end()) return std::numeric_limits<double>::infinity();
  return static_cast<double>(it - labels.begin()) - p.dt_optimal;
}

}  // namespace

double prediction_utility(std::span<const int> labels, std::span<const int> predictions,
                          const UtilityParams& p) {
  check(labels, predictions);
  const double t_sepsis = sepsis_time(labels, p);
  const bool septic = std::isfinite(t_sepsis);
  // Lines u = m t + b, as in compute_prediction_utility.
  const double m1 = p.max_u_tp / (p.dt_optimal - p.dt_early), b1 = -m1 * p.dt_early;
  const double m2 = -p.max_u_tp / (p.dt_late - p.dt_optimal), b2 = -m2 * p.dt_late;
  const double m3 = p.min_u_fn / (p.dt_late - p.dt_optimal), b3 = -m3 * p.dt_optimal;

  double total = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double t = static_cast<double>(i);
    if (t > t_sepsis + p.dt_late) continue;  // only reachable for septic stays
    const bool predicted = predictions[i] == 1;
    double u = 0.0;
    if (septic && predicted) {
      if (t <= t_sepsis + p.dt_early)
        u = p.u_fp;
      else if (t <= t_sepsis + p.dt_optimal)
        u = m1 * (t - t_sepsis) + b1;
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

std::vector<int> best_predictions(std::span<const int> labels, const UtilityParams& p) {
  std::vector<int> best(labels.size(), 0);
  const double t_sepsis = sepsis_time(labels, p);
  if (!std::isfinite(t_sepsis)) return best;
  const double n = static_cast<double>(labels.size());
  const auto from = static_cast<std::size_t>(std::max(0.0, t_sepsis + p.dt_early + 1.0));
  const auto to = static_cast<std::size_t>(std::min(t_sepsis + p.dt_late + 1.0, n));
  for (std::size_t i = from; i < to; ++i) best[i] = 1;
  return best;
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

}  // namespace iomtsim::reports
