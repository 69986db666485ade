#pragma once
// Alert-to-episode matching against ground truth.
//
// Detection: an alert matches an episode of the same patient when the alert's received
// time lies in [signal_start - early_limit, end + late_limit], where signal_start is the
// episode's onset, or the start of its prodrome for conditions that have one (heart-failure
// fluid gain, COPD's rise in RR and HR: physiology::Episode::signal_start). Before that the
// physiology carried no sign of the condition, so an earlier alert cannot have detected it
// and is counted false (early_limit defaults to 0).
//
// Timing, against the time the clinical criteria were first met (Episode::criteria_met):
// before it Early, from it to the episode's end OnTime, after the end Late. An episode
// whose criteria were never met has no on-time alerts: its matching alerts before its end
// are Early.
//
// An alert inside the windows of several (overlapping) episodes matches all of them: it
// detects each. Its *primary* episode, used for timing and per-condition attribution, is
// the active one (signal_start <= t <= end) with the latest signal start, else the one
// whose window edge is nearest. A matched alert whose primary episode already had an
// earlier alert is a duplicate: still a true alert for PPV, but counted apart.
//
// Artifacts: an alert is artifact-triggered when its triggering reading carried a motion
// or probe-off flag, or its measured value differed from the true value by more than the
// vital's tolerance. Alerts whose trigger is unknown are never called artifacts.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::reports {

using physiology::Duration;
using physiology::SimTime;

// One patient's observed stay: the true times of its first and last reading. Exposure
// for per-day rates and the chance level, and the hours the sepsis utility scores.
struct PatientSpan {
  physiology::PatientIndex patient = 0;
  SimTime first{};  // true time of the first reading
  SimTime last{};   // true time of the last reading
  bool operator==(const PatientSpan&) const = default;
};

// An alert as recorded, with what the recorder knew about its triggering reading.
struct AlertRecord {
  physiology::Alert alert;
  bool trigger_known = false;       // the triggering reading was found
  SimTime trigger_intended_send{};  // its intended send time (valid if trigger_known)
  physiology::Vital trigger_vital = physiology::Vital::HeartRate;
  double trigger_value = 0.0;       // measured, canonical unit
  double trigger_true_value = 0.0;  // noise-free truth
  std::uint8_t trigger_flags = 0;   // physiology::ReadingFlags
  // Wall instant of receipt while the trigger is being resolved (RecorderShard::on_alert).
  // Recorder::merge clears it for alerts whose trigger it found and keeps it for the others,
  // so a caller that knows their trigger elsewhere can stamp them the same way (the load
  // generator does so for pump alarms, then clears it); never serialised.
  std::optional<std::int64_t> received_wall_ns;
  bool operator==(const AlertRecord&) const = default;
};

// Default |measured - true| beyond which a triggering reading counts as an artifact, in
// each vital's canonical unit (order of physiology::Vital).
inline constexpr std::array<double, physiology::kVitalCount> kDefaultArtifactTolerance = {
    15.0,  // heart_rate /min
    15.0,  // pulse_rate /min
    5.0,   // resp_rate /min
    5.0,   // spo2 %
    20.0,  // systolic_bp mmHg
    15.0,  // diastolic_bp mmHg
    15.0,  // mean_bp mmHg
    0.6,   // temperature Cel
    20.0,  // glucose mg/dL
    2.0,   // weight kg
    0.5,   // consciousness ACVPU level
};

struct MatchOptions {
  // Alerts this long before the episode's signal start still count (0: none; kept for
  // tolerance studies, a positive value credits alerts that saw nothing of the condition).
  Duration early_limit{0};
  Duration late_limit = std::chrono::hours(1);   // … and this long after the episode ends
  std::array<double, physiology::kVitalCount> artifact_tolerance = kDefaultArtifactTolerance;
  // Alert rules that count as a positive prediction for the PhysioNet 2019 utility
  // (utility.hpp, hourly_sepsis_utility); empty: any rule.
  std::vector<std::string> utility_rules;
  bool operator==(const MatchOptions&) const = default;
};

enum class AlertTiming : std::uint8_t { Unmatched, Early, OnTime, Late };

struct AlertMatch {
  std::vector<std::size_t> episodes;   // indices into the episode list, ascending
  std::optional<std::size_t> primary;  // see the file comment
  AlertTiming timing = AlertTiming::Unmatched;
  bool duplicate = false;
  bool artifact = false;
};

struct MatchResult {
  std::vector<AlertMatch> alerts;  // parallel to the alert list
  // Per episode: index of the earliest matching alert, if any.
  std::vector<std::optional<std::size_t>> first_alert;
};

bool is_artifact(const AlertRecord& a, const MatchOptions& options);

// Early, OnTime or Late for an alert received at t that matched episode e (file comment).
AlertTiming timing_of(const physiology::Episode& e, SimTime t);

// Matches every alert to the episodes of its patient. O((A + E) log E).
MatchResult match_alerts(std::span<const physiology::Episode> episodes,
                         std::span<const AlertRecord> alerts, const MatchOptions& options);

}  // namespace iomtsim::reports
