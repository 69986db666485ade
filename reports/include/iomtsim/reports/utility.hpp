#pragma once
// The PhysioNet/CinC Challenge 2019 utility for hourly sepsis predictions, exactly as the
// official scorer (evaluate_sepsis_score.py, compute_prediction_utility) computes it; see
// docs/clinical.md. Labels are the challenge's SepsisLabel column:
// 1 from six hours before the clinical onset t_sepsis on, so for a septic stay
// t_sepsis = (first index with label 1) + 6 hours.
//
//   double u = prediction_utility({0,0,0,0,1,1}, {0,0,1,1,1,1});  // 3.388888…
//
// Per hour t of a septic stay, with Δ = t - t_sepsis (hours):
//   predicted:     max(-0.05, (Δ + 12) / 6) for Δ <= -6 (0 at exactly -12, -0.05 from -13 on),
//                  (3 - Δ) / 9 for -6 < Δ <= 3;
//   not predicted: 0 for Δ <= -6, -2 (Δ + 6) / 9 for -6 < Δ <= 3;
//   Δ > 3:         not scored (0 either way).
// A non-septic stay scores -0.05 per predicted hour and 0 otherwise. The best predictions
// are the hours [t_sepsis - 12, t_sepsis + 3] within the stay, as the scorer builds them.
// The sums are normalised as (observed - inaction) / (best - inaction).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/reports/matching.hpp"

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

// ---- the utility of a run's alerts ------------------------------------------------------
//
// A run has no hourly predictions, only alerts; hourly_sepsis_utility() turns them into the
// challenge's per-hour form:
// - a patient's hours are the whole scenario hours h = floor(t / 1 h) from the hour of its
//   first reading to the hour of its last (PatientSpan): hours without any reading before
//   or after are not part of the stay;
// - hour h is a positive prediction when any alert for the patient (of a rule in `rules`,
//   or of any rule when `rules` is empty) was *received* in [h, h + 1);
// - a patient is septic when it has a Sepsis episode; t_sepsis is the hour of the earliest
//   Sepsis episode's clinical onset (clinical_sepsis_onset below), so the hourly labels
//   are 1 from hour t_sepsis - 6 on, as in the challenge data (an import of PhysioNet 2019
//   files sets onset = first labelled hour + 6 h and no criteria time, which round-trips
//   exactly).
// t_sepsis is used directly, not re-derived from labels, so a stay whose first observed
// hour is already labelled keeps its true onset.
// PatientSpan (matching.hpp): one patient's observed stay.

struct SepsisUtility {
  std::uint64_t patients = 0;         // stays scored (patients with at least one reading)
  std::uint64_t septic_patients = 0;  // of which have a Sepsis episode
  std::uint64_t patient_hours = 0;
  std::uint64_t positive_hours = 0;   // hours predicted positive
  UtilityResult utility;              // normalized is NaN when no patient is septic
};

// Unnormalised utility of one stay of `hours` hours given t_sepsis in hours relative to the
// stay's first hour (+infinity for a non-septic stay). prediction_utility(labels, …) is
// this with t_sepsis = first label + 6.
double stay_utility(double t_sepsis, std::span<const int> predictions, const UtilityParams& params = {});
std::vector<int> best_stay_predictions(double t_sepsis, std::size_t hours, const UtilityParams& params = {});

// The challenge's t_sepsis for a ground-truth episode: the time its clinical criteria were
// first met (as the challenge's is the time the Sepsis-3 criteria were met), or its onset
// when they never were (a mild sepsis) or are unknown (an imported stay, whose onset is the
// challenge's t_sepsis already). A generated sepsis's onset is the start of the infection,
// hours before anyone could see it.
SimTime clinical_sepsis_onset(const physiology::Episode& e);

// Spans need not be sorted; a patient listed twice uses the union of its spans.
SepsisUtility hourly_sepsis_utility(std::span<const PatientSpan> spans,
                                    std::span<const physiology::Episode> episodes,
                                    std::span<const AlertRecord> alerts,
                                    std::span<const std::string> rules = {},
                                    const UtilityParams& params = {});

}  // namespace iomtsim::reports
