#pragma once
// The PhysioNet/CinC Challenge 2019 utility for hourly sepsis predictions, exactly as the
// official scorer (evaluate_sepsis_score.py, compute_prediction_utility) computes it; see
// /work/shared/reference/clinical.md. Labels are the challenge's SepsisLabel column:
// 1 from six hours before the clinical onset t_sepsis on, so for a septic stay
// t_sepsis = (first index with label 1) + 6 hours.
//
//   double u = prediction_utility({0,0,0,0,1,1}, {0,0,1,1,1,1});  // 3.388888…
//
// Pitfall: hours after t_sepsis + 3 earn nothing either way, so a stay's best utility is
// reached by predicting exactly the hours (t_sepsis - 12, t_sepsis + 3].
#include <span>
#include <stdexcept>
#include <vector>

namespace iomtsim::reports {

struct UtilityParams {
  double dt_early = -12.0;  // hours relative to t_sepsis
  double dt_optimal = -6.0;
  double dt_late = 3.0;
  double max_u_tp = 1.0;
  double min_u_fn = -2.0;
  double u_fp = -0.05;
  double u_tn = 0.0;
};

// Thrown when labels and predictions differ in length or hold values other than 0/1.
class UtilityError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Unnormalised utility of one stay (one value per hour, 0 or 1).
double prediction_utility(std::span<const int> labels, std::span<const int> predictions,
                          const UtilityParams& params = {});

// The best predictions for a stay, as the official scorer builds them.
std::vector<int> best_predictions(std::span<const int> labels, const UtilityParams& params = {});

struct UtilityResult {
  double observed = 0.0;  // sum of per-stay utilities
  double best = 0.0;
  double inaction = 0.0;    // predicting 0 every hour
  double normalized = 0.0;  // (observed - inaction) / (best - inaction); NaN if best == inaction
};

// Normalised utility over many stays (labels[k], predictions[k] for stay k).
UtilityResult normalized_utility(std::span<const std::vector<int>> labels,
                                 std::span<const std::vector<int>> predictions,
                                 const UtilityParams& params = {});

}  // namespace iomtsim::reports
