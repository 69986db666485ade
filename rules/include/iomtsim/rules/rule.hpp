#pragma once
// Rules as plain config structs (the target's YAML config maps onto these one to one).
//
// A RuleConfig fires when its conditions hold (all of them, or any), evaluated when a
// reading of a vital it names arrives, at that reading's device time ("now"):
// - ThresholdCondition: latest value `op` threshold, and (if sustained_for > 0) it has
//   held on every in-order reading of that vital for at least sustained_for. A gap
//   between readings longer than max_gap restarts the clock (no evidence in between).
// - RateCondition: change = newest value − the oldest value within `window` before now;
//   fires when change `op` threshold (e.g. SBP change <= −20 mmHg over 30 min). Needs at
//   least two readings spanning min_span of the window.
// For conditions on vitals other than the triggering one, their last evaluation counts
// only if that vital's newest reading is within `freshness` of now.
//
//   RuleConfig spo2_low{"spo2_low_sustained", AlertSeverity::High, Combine::All,
//     {ThresholdCondition{Vital::SpO2, CompareOp::Less, 88.0, std::chrono::minutes(2)}}};
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"
#include "iomtsim/rules/news2.hpp"
#include "iomtsim/scenarios/compare_op.hpp"

namespace iomtsim::rules {

// The project's one comparison enum (scenarios/compare_op.hpp); rules compare exactly.
using scenarios::CompareOp;
using scenarios::compare;
using scenarios::op_text;

struct ThresholdCondition {
  physiology::Vital vital = physiology::Vital::HeartRate;
  CompareOp op = CompareOp::Greater;
  double threshold = 0.0;  // canonical unit of `vital`
  physiology::Duration sustained_for{0};
  physiology::Duration max_gap = std::chrono::minutes(5);
  bool operator==(const ThresholdCondition&) const = default;
};

struct RateCondition {
  physiology::Vital vital = physiology::Vital::SystolicBP;
  physiology::Duration window = std::chrono::minutes(30);
  CompareOp op = CompareOp::LessEqual;
  double change = 0.0;  // newest − oldest within window, canonical unit
  physiology::Duration min_span = std::chrono::minutes(1);
  bool operator==(const RateCondition&) const = default;
};

using Condition = std::variant<ThresholdCondition, RateCondition>;
physiology::Vital condition_vital(const Condition& c);

enum class Combine : std::uint8_t { All, Any };

struct RuleConfig {
  std::string name;  // the Alert::rule text, e.g. "spo2_low_sustained"
  physiology::AlertSeverity severity = physiology::AlertSeverity::Medium;
  Combine combine = Combine::All;
  std::vector<Condition> conditions;
  physiology::Duration freshness = std::chrono::minutes(15);
  std::optional<physiology::Duration> repeat_interval;  // default: SuppressionConfig's
  bool operator==(const RuleConfig&) const = default;
};

// Names of the built-in rules, as alerts carry them (Alert::rule).
inline constexpr std::string_view kNews2Rule = "news2";  // total >= medium_threshold
inline constexpr std::string_view kNews2SingleThreeRule =
    "news2_single_3";  // one parameter scoring 3
inline constexpr std::string_view kQsofaRule = "qsofa";

// Built-in NEWS2 rules, the RCP's escalation bands: "news2" Medium at total >=
// medium_threshold (5–6, urgent response) and High at >= high_threshold (7+, emergency
// response); "news2_single_3", Low, for the low–medium band (a single parameter scoring 3
// with a total below medium_threshold: urgent ward review) when alert_on_single_three.
//
// The score is computed on aggregated recent vitals, not on one 15-second reading: each
// parameter enters as the median of its readings in the last `aggregation` (device time),
// or, when it has none that recent (spot checks), its latest value no older than
// `freshness`. A band alerts only once it has held on every evaluation for `persistence`
// (`single_three_persistence` for the single-3 rule), so a transient dip or a motion
// artifact does not page anyone; spot-checked patients, whose parameters are all measured
// more than `continuous_gap` apart, alert on the set that scores. Each rule then stays
// quiet for its repeat interval (SuppressionConfig) unless it escalates.
struct News2RuleConfig {
  bool enabled = true;
  int medium_threshold = 5;
  int high_threshold = 7;
  bool alert_on_single_three = true;
  int min_parameters = 3;  // score only with at least this many measured parameters
  physiology::Duration freshness = std::chrono::minutes(15);
  SpO2Scale default_scale = SpO2Scale::Scale1;
  // Patients scored on Scale 2 whatever default_scale says, as half-open ranges of
  // patient indices [first, end): the cohorts with a prescribed 88-92 % target
  // (`spo2_target`; sim::news2_scales builds them from a scenario for both engines).
  // RulesEngine::set_spo2_scale overrides both for one patient.
  struct PatientRange {
    physiology::PatientIndex first = 0;
    physiology::PatientIndex end = 0;
    bool operator==(const PatientRange&) const = default;
  };
  std::vector<PatientRange> scale2_patients;
  physiology::Duration aggregation = std::chrono::minutes(5);  // 0: the latest reading
  physiology::Duration persistence = std::chrono::minutes(3);
  physiology::Duration single_three_persistence = std::chrono::minutes(15);
  // Readings of a parameter closer together than this are continuous monitoring.
  physiology::Duration continuous_gap = std::chrono::minutes(10);
  std::optional<physiology::Duration> repeat_interval;               // default: suppression's
  std::optional<physiology::Duration> single_three_repeat_interval;  // default: suppression's
  bool operator==(const News2RuleConfig&) const = default;
};

// Built-in qSOFA rule ("qsofa"): alert at points >= threshold, on the same aggregated
// values as NEWS2 (its aggregation window), once it has held for `persistence`.
struct QsofaRuleConfig {
  bool enabled = true;
  int threshold = 2;
  physiology::AlertSeverity severity = physiology::AlertSeverity::Medium;
  physiology::Duration freshness = std::chrono::minutes(15);
  physiology::Duration persistence = std::chrono::minutes(3);
  std::optional<physiology::Duration> repeat_interval;  // default: suppression's
  bool operator==(const QsofaRuleConfig&) const = default;
};

// Per (patient, rule): after an alert, the same rule stays quiet for repeat_interval of
// device time, unless the severity rises (escalation) and realert_on_escalation is set.
struct SuppressionConfig {
  physiology::Duration repeat_interval = std::chrono::hours(4);
  bool realert_on_escalation = true;
  bool operator==(const SuppressionConfig&) const = default;
};

struct RuleSet {
  News2RuleConfig news2;
  QsofaRuleConfig qsofa;
  std::vector<RuleConfig> rules;
  SuppressionConfig suppression;
  // Readings a device flagged as questionable (motion, poor signal) never enter a score or
  // a rule; readings without a value (probe off) never do in any case.
  bool ignore_questionable = true;
  bool operator==(const RuleSet&) const = default;

  // news2 (with news2_single_3), qsofa, spo2 < 85 % for 5 min (High), glucose < 54 mg/dL
  // for 15 min (High), heart rate > 130 /min for 10 min (Medium), resp rate <= 8 /min for
  // 2 min (High).
  static RuleSet defaults();
};

}  // namespace iomtsim::rules
