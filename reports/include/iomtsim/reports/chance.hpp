#pragma once
// The chance level of alert-based detection: what an alert stream of the same rate, with
// no information about the patients, would score against the same episodes.
//
// Model (computed analytically, no random draws, so the same report always gives the same
// figures): the stream's alerts fall as a Poisson process of constant rate
//   lambda = alerts / (sum over patients of their observed span, PatientSpan),
// independently on every patient's observed span. An episode is then detected by chance
// when at least one alert falls in its detection window as matching.hpp defines it
// ([signal_start - early_limit, end + late_limit]) clipped to the patient's observed span,
// of length w: probability 1 - exp(-lambda w). The chance sensitivity is the mean of that
// probability over the episodes. The chance lead time is the distribution of the first
// random alert's time minus the episode's onset (or criteria_met) over the detected
// episodes, each weighted by its detection probability; its median and quartiles are
// found by bisection on that mixture's distribution function.
//
// The lift compares the observed figures with these: sensitivity_lift = sensitivity -
// chance sensitivity (0: no better than chance); lead_time_lift_s = chance median lead -
// observed median lead (positive: the real alerts came that much earlier than random ones
// of the same rate would have).
//
// Pitfall: a high alert rate makes the chance level high; a stream that alerts on every
// patient every hour "detects" every episode. That is what the chance level shows.
#include <cstdint>
#include <functional>
#include <span>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/reports/matching.hpp"

namespace iomtsim::reports {

struct SpreadStats {
  std::size_t n = 0;
  double median = 0.0;  // NaN when n == 0
  double q1 = 0.0;
  double q3 = 0.0;
  bool operator==(const SpreadStats&) const = default;
};

struct ChanceLevel {
  double alerts_per_patient_day = 0.0;  // the stream's rate (NaN without observed spans)
  double sensitivity = 0.0;             // expected; NaN without episodes or spans
  // Quartiles of the chance lead time (s); n = episodes with a non-empty window.
  SpreadStats lead_time_s;           // first random alert - onset
  SpreadStats criteria_lead_time_s;  // first random alert - criteria_met (episodes that have it)
  bool operator==(const ChanceLevel&) const = default;
};

// The chance level for the episodes `keep` selects, for a stream of `alert_count` alerts
// over the observed `spans` (a patient listed twice uses the union of its spans).
ChanceLevel chance_level(std::span<const physiology::Episode> episodes,
                         const std::function<bool(const physiology::Episode&)>& keep,
                         std::span<const PatientSpan> spans, std::uint64_t alert_count,
                         const MatchOptions& options);

}  // namespace iomtsim::reports
