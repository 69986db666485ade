#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "iomtsim/reports/scores.hpp"

using namespace iomtsim::reports;
namespace ph = iomtsim::physiology;
using namespace std::chrono_literals;

namespace {

ph::SimTime at_h(double h) { return ph::at_seconds(h * 3600.0); }

ph::Episode episode(std::uint32_t patient, ph::ConditionKind c, double onset_h, double end_h,
                    std::optional<double> criteria_h = std::nullopt) {
  ph::Episode e;
  e.patient = patient;
  e.condition = c;
  e.onset = at_h(onset_h);
  e.end = at_h(end_h);
  if (criteria_h) e.criteria_met = at_h(*criteria_h);
  return e;
}

AlertRecord alert(std::uint32_t patient, double at, const std::string& rule = "news2") {
  AlertRecord a;
  a.alert.patient = patient;
  a.alert.rule = rule;
  a.alert.received_time = at_h(at);
  a.alert.alert_id = std::to_string(patient) + "@" + std::to_string(at);
  return a;
}

// The hand-built case of the file comment in matching.hpp, with known answers.
struct Case {
  std::vector<ph::Episode> episodes = {
      episode(1, ph::ConditionKind::Sepsis, 10, 20, 11),  // 0
      episode(2, ph::ConditionKind::Hemorrhage, 2, 3),    // 1: missed
      episode(4, ph::ConditionKind::Sepsis, 0, 10),       // 2: overlaps 3, criteria never met
      episode(4, ph::ConditionKind::Hypoglycemia, 5, 6),  // 3
      episode(6, ph::ConditionKind::HeartFailureDecompensation, 30, 40,
              25),  // 4: prodrome from 10 h
  };
  std::vector<AlertRecord> alerts;
  Case() {
    episodes[4].prodrome_start = at_h(10);
    alerts.push_back(alert(1, 10.5));  // 0: after onset, before criteria (11 h): early
    alerts.push_back(alert(1, 12));    // 1: on time, duplicate
    alerts.push_back(alert(1, 20.5));  // 2: late (limit 1 h), duplicate
    alerts.push_back(alert(1, 22));    // 3: too late: false
    alerts.push_back(alert(1, 9));     // 4: before onset, no signal yet: false
    alerts.push_back(alert(3, 1));     // 5: patient without episodes: false, artifact
    alerts[5].trigger_known = true;
    alerts[5].trigger_flags = ph::kFlagMotionArtifact;
    alerts.push_back(alert(4, 5.5, "qsofa"));  // 6: both episodes, primary hypoglycemia; early
    alerts.push_back(alert(4, 7.5, "qsofa"));  // 7: sepsis only, duplicate; early (no criteria)
    alerts.push_back(alert(5, 2));             // 8: false, artifact by value
    alerts[8].trigger_known = true;
    alerts[8].trigger_vital = ph::Vital::SpO2;
    alerts[8].trigger_value = 80;
    alerts[8].trigger_true_value = 95;
    alerts.push_back(alert(6, 12));  // 9: in the prodrome (before onset 30 h): detects, early
    alerts.push_back(alert(6, 5));   // 10: before the prodrome: false
  }
};

}  // namespace

TEST(Matching, DetectionStartsWithTheSignalAndTimingWithTheCriteria) {
  Case c;
  const auto m = match_alerts(c.episodes, c.alerts, MatchOptions{});
  EXPECT_EQ(m.alerts[0].timing, AlertTiming::Early);
  EXPECT_FALSE(m.alerts[0].duplicate);
  EXPECT_EQ(m.alerts[1].timing, AlertTiming::OnTime);
  EXPECT_TRUE(m.alerts[1].duplicate);
  EXPECT_EQ(m.alerts[2].timing, AlertTiming::Late);
  EXPECT_TRUE(m.alerts[2].duplicate);
  EXPECT_EQ(m.alerts[3].timing, AlertTiming::Unmatched);
  EXPECT_EQ(m.alerts[4].timing, AlertTiming::Unmatched);  // an hour before onset
  EXPECT_EQ(m.alerts[5].timing, AlertTiming::Unmatched);
  EXPECT_TRUE(m.alerts[5].artifact);
  EXPECT_EQ(m.alerts[6].episodes, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(m.alerts[6].primary, 3u);
  EXPECT_EQ(m.alerts[6].timing, AlertTiming::Early);
  EXPECT_FALSE(m.alerts[6].duplicate);
  EXPECT_EQ(m.alerts[7].episodes, (std::vector<std::size_t>{2}));
  EXPECT_EQ(m.alerts[7].timing, AlertTiming::Early);  // criteria never met
  EXPECT_TRUE(m.alerts[7].duplicate);
  EXPECT_TRUE(m.alerts[8].artifact);
  EXPECT_FALSE(m.alerts[1].artifact);
  EXPECT_EQ(m.alerts[9].episodes, (std::vector<std::size_t>{4}));
  EXPECT_EQ(m.alerts[9].timing, AlertTiming::Early);
  EXPECT_EQ(m.alerts[10].timing, AlertTiming::Unmatched);
  EXPECT_EQ(m.first_alert[0], 0u);
  EXPECT_FALSE(m.first_alert[1].has_value());
  EXPECT_EQ(m.first_alert[2], 6u);
  EXPECT_EQ(m.first_alert[3], 6u);
  EXPECT_EQ(m.first_alert[4], 9u);
}

TEST(Matching, WindowLimitsAreConfigurable) {
  Case c;
  MatchOptions wide;
  wide.early_limit = 1h;  // a tolerance study: credit alerts up to 1 h before the signal
  wide.late_limit = 0h;
  const auto m = match_alerts(c.episodes, c.alerts, wide);
  EXPECT_EQ(m.alerts[4].timing, AlertTiming::Early);  // 1 h before onset
  EXPECT_FALSE(m.alerts[4].duplicate);                // now the first
  EXPECT_TRUE(m.alerts[0].duplicate);
  EXPECT_EQ(m.alerts[2].timing, AlertTiming::Unmatched);  // 0.5 h late
  EXPECT_EQ(m.alerts[1].timing, AlertTiming::OnTime);
  EXPECT_EQ(m.alerts[10].timing, AlertTiming::Unmatched);  // 5 h before the prodrome
}

TEST(Scores, OverallFiguresByHand) {
  Case c;
  const double patient_days = 5.0;
  const auto acc = score_alerts(c.episodes, c.alerts, MatchOptions{}, patient_days);
  const auto& s = acc.overall;
  EXPECT_EQ(s.episodes, 5u);
  EXPECT_EQ(s.episodes_detected, 4u);
  EXPECT_DOUBLE_EQ(s.sensitivity, 0.8);
  EXPECT_EQ(s.true_alerts, 6u);
  EXPECT_EQ(s.false_alerts, 5u);
  EXPECT_EQ(s.alerts, 11u);
  EXPECT_DOUBLE_EQ(s.ppv, 6.0 / 11.0);
  EXPECT_NEAR(s.f1, 2 * 0.8 * (6.0 / 11.0) / (0.8 + 6.0 / 11.0), 1e-12);
  EXPECT_EQ(s.duplicate_alerts, 3u);
  EXPECT_EQ(s.early_alerts, 4u);
  EXPECT_EQ(s.on_time_alerts, 1u);
  EXPECT_EQ(s.late_alerts, 1u);
  EXPECT_EQ(s.artifact_false_alerts, 2u);
  EXPECT_EQ(s.artifact_true_alerts, 0u);
  EXPECT_DOUBLE_EQ(s.false_per_patient_day, 1.0);
  EXPECT_DOUBLE_EQ(s.per_100_patient_days, 220.0);
  EXPECT_DOUBLE_EQ(s.burden_per_bed_per_day, 2.2);
  // 2015 score, episodes as events: TP 4 detected, FN 1 missed, FP 5 false alerts, TN 0.
  EXPECT_DOUBLE_EQ(s.challenge2015, 100.0 * 4.0 / 14.0);
  // Lead times from onset: -18 h (heart failure, in its prodrome), +0.5 h (sepsis of
  // patient 1 and hypoglycemia), +5.5 h (sepsis of patient 4).
  EXPECT_EQ(s.lead_time_s.n, 4u);
  EXPECT_DOUBLE_EQ(s.lead_time_s.median, 1800.0);
  EXPECT_DOUBLE_EQ(s.lead_time_s.q1, -64800.0 + 0.75 * (1800.0 + 64800.0));
  EXPECT_DOUBLE_EQ(s.lead_time_s.q3, 1800.0 + 0.25 * (19800.0 - 1800.0));
  // From criteria: -0.5 h (sepsis of patient 1), -13 h (heart failure).
  EXPECT_EQ(s.criteria_lead_time_s.n, 2u);
  EXPECT_DOUBLE_EQ(s.criteria_lead_time_s.median, (-1800.0 - 46800.0) / 2);
  // No observed spans given: no chance level.
  EXPECT_TRUE(std::isnan(s.chance.sensitivity));
  EXPECT_TRUE(std::isnan(s.sensitivity_lift));
}

TEST(Scores, PerConditionAndPerRule) {
  Case c;
  const auto acc = score_alerts(c.episodes, c.alerts, MatchOptions{}, 5.0);
  ASSERT_EQ(acc.by_condition.size(), 4u);  // conditions without episodes are absent
  const auto& sepsis = acc.by_condition.at("sepsis");
  EXPECT_EQ(sepsis.episodes, 2u);
  EXPECT_DOUBLE_EQ(sepsis.sensitivity, 1.0);
  EXPECT_EQ(sepsis.true_alerts, 5u);
  EXPECT_EQ(sepsis.false_alerts, 5u);
  EXPECT_EQ(sepsis.excluded_alerts, 1u);
  const auto& hem = acc.by_condition.at("hemorrhage");
  EXPECT_DOUBLE_EQ(hem.sensitivity, 0.0);
  EXPECT_EQ(hem.true_alerts, 0u);
  EXPECT_EQ(hem.excluded_alerts, 6u);
  EXPECT_DOUBLE_EQ(hem.ppv, 0.0);
  EXPECT_TRUE(std::isnan(hem.lead_time_s.median));
  const auto& hypo = acc.by_condition.at("hypoglycemia");
  EXPECT_EQ(hypo.true_alerts, 1u);
  EXPECT_EQ(hypo.excluded_alerts, 5u);
  EXPECT_DOUBLE_EQ(hypo.lead_time_s.median, 1800.0);
  const auto& hf = acc.by_condition.at("heart_failure_decompensation");
  EXPECT_DOUBLE_EQ(hf.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(hf.lead_time_s.median, -64800.0);

  const auto& qsofa = acc.by_rule.at("qsofa");
  EXPECT_EQ(qsofa.episodes_detected, 2u);
  EXPECT_DOUBLE_EQ(qsofa.sensitivity, 0.4);
  EXPECT_DOUBLE_EQ(qsofa.ppv, 1.0);
  EXPECT_EQ(qsofa.duplicate_alerts, 1u);
  const auto& news2 = acc.by_rule.at("news2");
  EXPECT_EQ(news2.true_alerts, 4u);
  EXPECT_EQ(news2.false_alerts, 5u);
}

// Chance level by hand: one patient observed for 10 h, one episode from 4 h to 6 h (window
// [4 h, 7 h] with the 1 h late limit), 10 alerts: rate 1 per hour.
TEST(Chance, SensitivityAndLeadTimeOfARandomStreamByHand) {
  const std::vector<ph::Episode> episodes = {episode(0, ph::ConditionKind::Sepsis, 4, 6, 5)};
  const std::vector<PatientSpan> spans = {{0, at_h(0), at_h(10)}};
  std::vector<AlertRecord> alerts;
  for (int k = 0; k < 10; ++k) alerts.push_back(alert(0, 0.5 + k));  // 4.5 h: detects
  const auto s = score_alerts(episodes, alerts, MatchOptions{}, 10.0 / 24.0, spans).overall;
  const double p = 1.0 - std::exp(-3.0);  // P(at least one alert in 3 h at 1 per hour)
  EXPECT_NEAR(s.chance.alerts_per_patient_day, 24.0, 1e-9);
  EXPECT_NEAR(s.chance.sensitivity, p, 1e-12);
  EXPECT_NEAR(s.sensitivity_lift, 1.0 - p, 1e-12);
  // First random alert at 4 h + X, X ~ Exp(1/h) given X <= 3 h: median where
  // 1 - exp(-x) = p / 2, from onset (4 h) and from criteria (5 h).
  const double median_h = -std::log(1.0 - p / 2.0);
  EXPECT_NEAR(s.chance.lead_time_s.median, median_h * 3600.0, 1e-3);
  EXPECT_NEAR(s.chance.lead_time_s.q1, -std::log(1.0 - p / 4.0) * 3600.0, 1e-3);
  EXPECT_NEAR(s.chance.lead_time_s.q3, -std::log(1.0 - 3.0 * p / 4.0) * 3600.0, 1e-3);
  EXPECT_NEAR(s.chance.criteria_lead_time_s.median, (median_h - 1.0) * 3600.0, 1e-3);
  // The real first alert came at 4.5 h: 0.5 h after onset.
  EXPECT_DOUBLE_EQ(s.lead_time_s.median, 1800.0);
  EXPECT_NEAR(s.lead_time_lift_s, median_h * 3600.0 - 1800.0, 1e-3);
}

TEST(Chance, WindowsAreClippedToTheObservedSpanAndUnobservedPatientsCannotBeDetected) {
  // Patient 0 observed 0..10 h with an episode 8..20 h (window clipped to 8..10 h); patient
  // 1 never observed. Two alerts over 10 patient-hours: 0.2 per hour.
  const std::vector<ph::Episode> episodes = {episode(0, ph::ConditionKind::Sepsis, 8, 20),
                                             episode(1, ph::ConditionKind::Sepsis, 1, 2)};
  const std::vector<PatientSpan> spans = {{0, at_h(0), at_h(10)}};
  const std::vector<AlertRecord> alerts = {alert(0, 1), alert(0, 3)};
  const auto s = score_alerts(episodes, alerts, MatchOptions{}, 10.0 / 24.0, spans).overall;
  EXPECT_NEAR(s.chance.sensitivity, (1.0 - std::exp(-0.2 * 2.0)) / 2.0, 1e-12);
  EXPECT_EQ(s.chance.lead_time_s.n, 1u);
  EXPECT_TRUE(std::isnan(s.chance.criteria_lead_time_s.median));  // no criteria met
  // No alerts at all: chance sensitivity 0, no chance lead time.
  const auto none = score_alerts(episodes, {}, MatchOptions{}, 10.0 / 24.0, spans).overall;
  EXPECT_EQ(none.chance.sensitivity, 0.0);
  EXPECT_TRUE(std::isnan(none.chance.lead_time_s.median));
}

TEST(Chance, AHigherAlertRateRaisesTheChanceLevel) {
  const std::vector<ph::Episode> episodes = {episode(0, ph::ConditionKind::Sepsis, 4, 6)};
  const std::vector<PatientSpan> spans = {{0, at_h(0), at_h(24)}, {1, at_h(0), at_h(24)}};
  double previous = -1.0;
  for (int n : {1, 4, 16, 64}) {
    std::vector<AlertRecord> alerts;
    for (int k = 0; k < n; ++k)
      alerts.push_back(alert(1, 0.1 + 23.0 * k / n));  // the other patient
    const auto s = score_alerts(episodes, alerts, MatchOptions{}, 2.0, spans).overall;
    EXPECT_EQ(s.sensitivity, 0.0);
    EXPECT_GT(s.chance.sensitivity, previous);
    EXPECT_LT(s.sensitivity_lift, 0.0);  // worse than chance: every alert on the wrong patient
    previous = s.chance.sensitivity;
  }
}

TEST(Scores, AlertOrderDoesNotMatter) {
  Case c;
  auto reversed = c.alerts;
  std::reverse(reversed.begin(), reversed.end());
  const auto a = score_alerts(c.episodes, c.alerts, MatchOptions{}, 5.0).overall;
  const auto b = score_alerts(c.episodes, reversed, MatchOptions{}, 5.0).overall;
  EXPECT_EQ(a.duplicate_alerts, b.duplicate_alerts);
  EXPECT_EQ(a.early_alerts, b.early_alerts);
  EXPECT_EQ(a.lead_time_s, b.lead_time_s);
}

TEST(Scores, NoEpisodesNoAlertsGiveNaNNotZero) {
  const auto acc = score_alerts({}, {}, MatchOptions{}, 0.0);
  EXPECT_TRUE(std::isnan(acc.overall.sensitivity));
  EXPECT_TRUE(std::isnan(acc.overall.ppv));
  EXPECT_TRUE(std::isnan(acc.overall.f1));
  EXPECT_TRUE(std::isnan(acc.overall.false_per_patient_day));
  // Patients with no episodes: every alert is false, sensitivity undefined.
  std::vector<AlertRecord> alerts = {alert(0, 1), alert(0, 2)};
  const auto s = score_alerts({}, alerts, MatchOptions{}, 2.0).overall;
  EXPECT_EQ(s.false_alerts, 2u);
  EXPECT_DOUBLE_EQ(s.ppv, 0.0);
  EXPECT_DOUBLE_EQ(s.false_per_patient_day, 1.0);
  EXPECT_TRUE(std::isnan(s.sensitivity));
}

TEST(Scores, SpreadUsesLinearInterpolation) {
  const auto s = spread({4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.q1, 1.75);
  EXPECT_DOUBLE_EQ(s.q3, 3.25);
}
