#include "iomtsim/rules/rules_engine.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "rules/rules_test_support.hpp"

namespace iomtsim::rules {
namespace {

using physiology::AlertSeverity;
using physiology::Duration;
using physiology::Vital;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::reading;

// An engine with only the given custom rules (built-ins off).
RuleSet only(std::vector<RuleConfig> rules) {
  RuleSet s;
  s.news2.enabled = false;
  s.qsofa.enabled = false;
  s.rules = std::move(rules);
  return s;
}

TEST(RulesEngine, SpO2SustainedFiveMinutes) {
  RulesEngine e(only(RuleSet::defaults().rules));
  std::uint32_t seq = 0;
  std::vector<physiology::Alert> all;
  // SpO2 84 % every 30 s from t=0: the rule fires at t=300 s, not before.
  for (int t = 0; t <= 360; t += 30) {
    auto alerts = e.ingest(reading(3, ++seq, Vital::SpO2, 84, t));
    if (t < 300) {
      EXPECT_TRUE(alerts.empty()) << t;
    }
    if (t == 300) {
      ASSERT_EQ(alerts.size(), 1u);
      EXPECT_EQ(alerts[0].rule, "spo2_low_sustained");
      EXPECT_EQ(alerts[0].patient, 3u);
      EXPECT_EQ(alerts[0].severity, AlertSeverity::High);
      EXPECT_EQ(alerts[0].trigger_time, physiology::at_seconds(300));
      EXPECT_EQ(alerts[0].trigger_reading_id, physiology::make_reading_id(3, 0, seq));
    }
    all.insert(all.end(), alerts.begin(), alerts.end());
  }
  EXPECT_EQ(all.size(), 1u);  // 330 s and 360 s are suppressed repeats
  EXPECT_EQ(e.counters().suppressed, 2u);
}

TEST(RulesEngine, SustainedClockRestartsWhenConditionBreaks) {
  RulesEngine e(only(RuleSet::defaults().rules));
  std::uint32_t seq = 0;
  EXPECT_TRUE(e.ingest(reading(1, ++seq, Vital::SpO2, 84, 0)).empty());
  EXPECT_TRUE(e.ingest(reading(1, ++seq, Vital::SpO2, 84, 200)).empty());
  EXPECT_TRUE(e.ingest(reading(1, ++seq, Vital::SpO2, 92, 250)).empty());  // recovers
  EXPECT_TRUE(e.ingest(reading(1, ++seq, Vital::SpO2, 84, 300)).empty());  // clock restarts
  EXPECT_TRUE(e.ingest(reading(1, ++seq, Vital::SpO2, 84, 500)).empty());
  EXPECT_EQ(e.ingest(reading(1, ++seq, Vital::SpO2, 84, 600)).size(), 1u);
}

TEST(RulesEngine, SustainedClockRestartsAfterLongGap) {
  RulesEngine e(only(RuleSet::defaults().rules));
  EXPECT_TRUE(e.ingest(reading(1, 1, Vital::SpO2, 84, 0)).empty());
  // 10 min with no reading (max_gap 5 min): no evidence it held in between.
  EXPECT_TRUE(e.ingest(reading(1, 2, Vital::SpO2, 84, 600)).empty());
  EXPECT_TRUE(e.ingest(reading(1, 3, Vital::SpO2, 84, 720)).empty());
  EXPECT_EQ(e.ingest(reading(1, 4, Vital::SpO2, 84, 900)).size(), 1u);
}

TEST(RulesEngine, DefaultThresholdRules) {
  struct Case {
    Vital vital;
    double value;
    int every_s;
    int fires_at_s;
    const char* rule;
  };
  for (const Case& c : {Case{Vital::Glucose, 50, 300, 900, "glucose_low_sustained"},
                        Case{Vital::HeartRate, 135, 60, 600, "hr_high_sustained"},
                        Case{Vital::RespRate, 8, 30, 120, "rr_low_sustained"}}) {
    RulesEngine e(only(RuleSet::defaults().rules));
    int fired_at = -1;
    std::uint32_t seq = 0;
    for (int t = 0; t <= 1800 && fired_at < 0; t += c.every_s) {
      const auto alerts = e.ingest(reading(9, ++seq, c.vital, c.value, t));
      if (!alerts.empty()) {
        fired_at = t;
        EXPECT_EQ(alerts[0].rule, c.rule);
      }
    }
    EXPECT_EQ(fired_at, c.fires_at_s) << c.rule;
  }
  // Just outside each threshold: nothing in 30 min.
  RulesEngine e(only(RuleSet::defaults().rules));
  std::uint32_t seq = 0;
  for (int t = 0; t <= 1800; t += 30) {
    EXPECT_TRUE(e.ingest(reading(9, ++seq, Vital::Glucose, 54, t)).empty());
    EXPECT_TRUE(e.ingest(reading(9, ++seq, Vital::HeartRate, 130, t)).empty());
    EXPECT_TRUE(e.ingest(reading(9, ++seq, Vital::RespRate, 9, t)).empty());
    EXPECT_TRUE(e.ingest(reading(9, ++seq, Vital::SpO2, 85, t)).empty());
  }
}

TEST(RulesEngine, RateOfChange) {
  RuleConfig drop;
  drop.name = "sbp_drop";
  drop.conditions.push_back(RateCondition{Vital::SystolicBP, minutes(30), CompareOp::LessEqual, -20.0});
  RulesEngine e(only({drop}));
  EXPECT_TRUE(e.ingest(reading(2, 1, Vital::SystolicBP, 130, 0)).empty());
  EXPECT_TRUE(e.ingest(reading(2, 2, Vital::SystolicBP, 120, 600)).empty());   // -10
  const auto a = e.ingest(reading(2, 3, Vital::SystolicBP, 109, 1200));        // -21 in 20 min
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "sbp_drop");
  // A slow drift over more than the window does not fire: -25 over 50 min, at most
  // -15 within any 30 min.
  RulesEngine slow(only({drop}));
  double sbp = 130;
  std::uint32_t seq = 0;
  for (int t = 0; t <= 3000; t += 600, sbp -= 5) {
    EXPECT_TRUE(slow.ingest(reading(2, ++seq, Vital::SystolicBP, sbp, t)).empty()) << t;
  }
}

TEST(RulesEngine, AllCombinationNeedsEveryConditionFresh) {
  RuleConfig shock;
  shock.name = "shock_index";
  shock.severity = AlertSeverity::High;
  shock.combine = Combine::All;
  shock.freshness = minutes(10);
  shock.conditions.push_back(ThresholdCondition{Vital::HeartRate, CompareOp::Greater, 110.0});
  shock.conditions.push_back(ThresholdCondition{Vital::SystolicBP, CompareOp::Less, 95.0});
  RulesEngine e(only({shock}));
  EXPECT_TRUE(e.ingest(reading(4, 1, Vital::HeartRate, 120, 0)).empty());
  EXPECT_EQ(e.ingest(reading(4, 2, Vital::SystolicBP, 90, 60)).size(), 1u);

  // The HR evidence is 20 min old when the SBP arrives: stale, no alert.
  RulesEngine stale(only({shock}));
  EXPECT_TRUE(stale.ingest(reading(4, 1, Vital::HeartRate, 120, 0)).empty());
  EXPECT_TRUE(stale.ingest(reading(4, 2, Vital::SystolicBP, 90, 1200)).empty());
}

TEST(RulesEngine, AnyCombination) {
  RuleConfig any;
  any.name = "any_low";
  any.combine = Combine::Any;
  any.conditions.push_back(ThresholdCondition{Vital::SpO2, CompareOp::Less, 90.0});
  any.conditions.push_back(ThresholdCondition{Vital::RespRate, CompareOp::Less, 8.0});
  RulesEngine e(only({any}));
  EXPECT_TRUE(e.ingest(reading(5, 1, Vital::SpO2, 95, 0)).empty());
  EXPECT_EQ(e.ingest(reading(5, 2, Vital::RespRate, 6, 10)).size(), 1u);
}

// Vital signs at given times for NEWS2 tests.
void feed_normal(RulesEngine& e, physiology::PatientIndex p, double t, std::uint32_t& seq) {
  e.ingest(reading(p, ++seq, Vital::RespRate, 16, t));
  e.ingest(reading(p, ++seq, Vital::SpO2, 97, t));
  e.ingest(reading(p, ++seq, Vital::SystolicBP, 125, t));
  e.ingest(reading(p, ++seq, Vital::HeartRate, 75, t));
  e.ingest(reading(p, ++seq, Vital::Consciousness, 0, t));
  e.ingest(reading(p, ++seq, Vital::Temperature, 37.0, t));
}

RuleSet news2_only() {
  RuleSet rs;
  rs.rules.clear();
  rs.qsofa.enabled = false;
  return rs;
}

// One spot-check set, in the order a nurse charts it; returns the alerts it raised.
std::vector<physiology::Alert> spot_set(RulesEngine& e, physiology::PatientIndex p, double t,
                                        std::uint32_t& seq, double rr, double spo2, bool o2,
                                        double sbp, double hr, double acvpu, double temp) {
  std::vector<physiology::Alert> out;
  e.ingest(reading(p, ++seq, Vital::RespRate, rr, t), out);
  e.ingest(reading(p, ++seq, Vital::SpO2, spo2, t, o2 ? physiology::kFlagOnOxygen : 0), out);
  e.ingest(reading(p, ++seq, Vital::SystolicBP, sbp, t), out);
  e.ingest(reading(p, ++seq, Vital::HeartRate, hr, t), out);
  e.ingest(reading(p, ++seq, Vital::Consciousness, acvpu, t), out);
  e.ingest(reading(p, ++seq, Vital::Temperature, temp, t), out);
  return out;
}

// Spot checks (a full set every few hours): NEWS2 alerts on the set that scores, with the
// RCP's bands; no persistence to wait for, since nothing is measured in between.
TEST(RulesEngine, News2SpotCheckAlertsOnTheSetThatScoresAndEscalates) {
  RulesEngine e(news2_only());
  std::uint32_t seq = 0;
  EXPECT_TRUE(spot_set(e, 7, 0, seq, 16, 97, false, 125, 75, 0, 37.0).empty());
  // RR 22 (2) + HR 115 (2) + 38.5 °C (1) = 5: urgent response.
  auto a = spot_set(e, 7, 4 * 3600, seq, 22, 97, false, 125, 115, 0, 38.5);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "news2");
  EXPECT_EQ(a[0].score, 5.0);
  EXPECT_EQ(a[0].severity, AlertSeverity::Medium);
  EXPECT_EQ(a[0].trigger_time, physiology::at_seconds(4 * 3600));
  // Two hours later still 5: within the repeat interval, quiet.
  EXPECT_TRUE(spot_set(e, 7, 6 * 3600, seq, 22, 97, false, 125, 115, 0, 38.6).empty());
  // An hour later on oxygen: 7, emergency response; escalation re-alerts at once.
  a = spot_set(e, 7, 7 * 3600, seq, 22, 97, true, 125, 115, 0, 38.6);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].score, 7.0);
  EXPECT_EQ(a[0].severity, AlertSeverity::High);
  EXPECT_EQ(e.news2_for(7, physiology::at_seconds(7 * 3600)).total, 7);
}

TEST(RulesEngine, News2SingleThreeIsItsOwnLowRule) {
  RulesEngine e(news2_only());
  std::uint32_t seq = 0;
  spot_set(e, 1, 0, seq, 16, 97, false, 125, 75, 0, 37.0);
  // New confusion alone: a single parameter scoring 3, total 3.
  auto a = spot_set(e, 1, 4 * 3600, seq, 16, 97, false, 125, 75, 2, 37.0);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "news2_single_3");  // not "news2": that name means total >= 5
  EXPECT_EQ(a[0].severity, AlertSeverity::Low);
  EXPECT_EQ(a[0].score, 3.0);
  // The next set reaches 5: "news2" alerts on its own schedule, whatever the other did.
  a = spot_set(e, 1, 5 * 3600, seq, 22, 97, false, 125, 75, 2, 37.0);  // 3 + 2 = 5
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "news2");
  EXPECT_EQ(a[0].severity, AlertSeverity::Medium);
  // Without the option, a single 3 raises nothing.
  RuleSet rs = news2_only();
  rs.news2.alert_on_single_three = false;
  RulesEngine quiet(rs);
  seq = 0;
  spot_set(quiet, 1, 0, seq, 16, 97, false, 125, 75, 0, 37.0);
  EXPECT_TRUE(spot_set(quiet, 1, 4 * 3600, seq, 16, 97, false, 125, 75, 2, 37.0).empty());
}

// Continuous monitoring: every parameter each 30 s. The band must hold for the
// persistence (3 min) before "news2" alerts.
TEST(RulesEngine, News2OnContinuousDataPersistsThreeMinutes) {
  RulesEngine e(news2_only());
  std::uint32_t seq = 0;
  std::vector<physiology::Alert> out;
  for (int t = 0; t <= 900 && out.empty(); t += 30) {
    const bool sick = t >= 120;  // RR 22 (2) + HR 115 (2) + temp 38.5 (1) = 5 from 2 min
    e.ingest(reading(2, ++seq, Vital::RespRate, sick ? 22 : 16, t), out);
    e.ingest(reading(2, ++seq, Vital::SpO2, 97, t), out);
    e.ingest(reading(2, ++seq, Vital::SystolicBP, 125, t), out);
    e.ingest(reading(2, ++seq, Vital::HeartRate, sick ? 115 : 75, t), out);
    e.ingest(reading(2, ++seq, Vital::Consciousness, 0, t), out);
    e.ingest(reading(2, ++seq, Vital::Temperature, sick ? 38.5 : 37.0, t), out);
  }
  // Each parameter is the median of its newest readings in the last 5 min (at most 8):
  // the sick values are the majority from t = 240 s, and the band then has to hold 3 min.
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule, "news2");
  EXPECT_EQ(out[0].trigger_time, physiology::at_seconds(240 + 180));
}

TEST(RulesEngine, News2AggregatesRecentReadingsSoOneSpikeChangesNothing) {
  RulesEngine e(news2_only());
  std::uint32_t seq = 0;
  for (int t = 0; t <= 600; t += 15) {
    e.ingest(reading(4, ++seq, Vital::RespRate, 18, t));
    e.ingest(reading(4, ++seq, Vital::HeartRate, 80, t));
    e.ingest(reading(4, ++seq, Vital::SystolicBP, 120, t));
    e.ingest(reading(4, ++seq, Vital::Temperature, 37.0, t));
    // One 15-second SpO2 of 86 % in a run of 97 %: on its own a NEWS2 of 3.
    const double spo2 = t == 300 ? 86 : 97;
    EXPECT_TRUE(e.ingest(reading(4, ++seq, Vital::SpO2, spo2, t)).empty()) << t;
    if (t == 300) {
      EXPECT_EQ(e.news2_for(4, physiology::at_seconds(t)).total, 0);
    }
  }
  // With aggregation off, the same spike is the latest value and scores 3.
  RuleSet raw = news2_only();
  raw.news2.aggregation = Duration{0};
  RulesEngine r(raw);
  r.ingest(reading(4, 1, Vital::RespRate, 18, 0));
  r.ingest(reading(4, 2, Vital::SpO2, 86, 0));
  EXPECT_EQ(r.news2_for(4, physiology::at_seconds(0)).total, 3);
}

TEST(RulesEngine, News2TransientDipDoesNotAlertButASustainedOneDoes) {
  RuleSet rs = news2_only();
  rs.news2.alert_on_single_three = true;
  RulesEngine e(rs);
  std::uint32_t seq = 0;
  std::vector<physiology::Alert> out;
  // A 3-minute desaturation to 84 % on continuous monitoring: NEWS2 3 (single 3) for 3
  // min, under the single-3 persistence of 15 min.
  for (int t = 0; t <= 1800; t += 30) {
    e.ingest(reading(5, ++seq, Vital::RespRate, 16, t), out);
    e.ingest(reading(5, ++seq, Vital::HeartRate, 75, t), out);
    e.ingest(reading(5, ++seq, Vital::SpO2, t >= 600 && t < 780 ? 84 : 96, t), out);
  }
  EXPECT_TRUE(out.empty());
  // Twenty minutes at 84 %: the single-3 rule alerts once it has held 15 min.
  for (int t = 1830; t <= 3600; t += 30) {
    e.ingest(reading(5, ++seq, Vital::RespRate, 16, t), out);
    e.ingest(reading(5, ++seq, Vital::HeartRate, 75, t), out);
    e.ingest(reading(5, ++seq, Vital::SpO2, 84, t), out);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule, "news2_single_3");
}

TEST(RulesEngine, QuestionableAndAbsentReadingsAreIgnored) {
  RulesEngine e(only(RuleSet::defaults().rules));
  std::uint32_t seq = 0;
  // Ten minutes of motion-corrupted SpO2 the device marked questionable, and probe-off
  // readings without a value: no alert, no stored value.
  for (int t = 0; t <= 600; t += 30) {
    EXPECT_TRUE(
        e.ingest(reading(6, ++seq, Vital::SpO2, 70, t, physiology::kFlagQuestionable)).empty());
    EXPECT_TRUE(
        e.ingest(reading(6, ++seq, Vital::SpO2, 0, t + 1, physiology::kFlagValueAbsent)).empty());
  }
  EXPECT_EQ(e.counters().flagged, 42u);
  EXPECT_EQ(e.patient_state(6), nullptr);
  // A pipeline that trusts questionable values would alert on the same readings.
  RuleSet trusting = only(RuleSet::defaults().rules);
  trusting.ignore_questionable = false;
  RulesEngine t(trusting);
  std::size_t alerts = 0;
  for (int k = 0; k <= 20; ++k)
    alerts += t.ingest(reading(6, static_cast<std::uint32_t>(k + 1), Vital::SpO2, 70, 30.0 * k,
                               physiology::kFlagQuestionable))
                  .size();
  EXPECT_EQ(alerts, 1u);
}

TEST(RulesEngine, RepeatIntervalsPerRule) {
  RuleSet rs = only(RuleSet::defaults().rules);
  rs.suppression.repeat_interval = std::chrono::hours(1);
  rs.rules[0].repeat_interval = minutes(10);  // spo2_low_sustained
  RulesEngine e(rs);
  std::size_t spo2 = 0, hr = 0;
  std::uint32_t seq = 0;
  for (int t = 0; t <= 1800; t += 30) {
    spo2 += e.ingest(reading(1, ++seq, Vital::SpO2, 80, t)).size();
    hr += e.ingest(reading(1, ++seq, Vital::HeartRate, 140, t)).size();
  }
  EXPECT_EQ(spo2, 3u);  // 300 s, 900 s, 1500 s
  EXPECT_EQ(hr, 1u);    // 600 s, then quiet for the hour
}

TEST(RulesEngine, News2IgnoresStaleValues) {
  RuleSet rs;
  rs.rules.clear();
  rs.qsofa.enabled = false;
  rs.news2.freshness = minutes(15);
  RulesEngine e(rs);
  std::uint32_t seq = 0;
  e.ingest(reading(1, ++seq, Vital::RespRate, 26, 0));      // 3
  e.ingest(reading(1, ++seq, Vital::SystolicBP, 85, 0));    // 3
  // An hour later the old RR and SBP no longer count: only the pulse (0) and air.
  e.ingest(reading(1, ++seq, Vital::HeartRate, 70, 3600));
  e.ingest(reading(1, ++seq, Vital::Temperature, 37, 3600));
  const auto n = e.news2_for(1, physiology::at_seconds(3600));
  EXPECT_EQ(n.total, 0);
  EXPECT_EQ(n.parameters_present, 2);
}

TEST(RulesEngine, News2Scale2PerPatient) {
  RuleSet rs;
  rs.rules.clear();
  rs.qsofa.enabled = false;
  rs.news2.aggregation = Duration{0};  // the latest value, so one reading decides
  RulesEngine e(rs);
  e.set_spo2_scale(2, SpO2Scale::Scale2);
  std::uint32_t s1 = 0, s2 = 0;
  feed_normal(e, 1, 0, s1);
  feed_normal(e, 2, 0, s2);
  e.ingest(reading(1, ++s1, Vital::SpO2, 89, 10));
  e.ingest(reading(2, ++s2, Vital::SpO2, 89, 10));
  EXPECT_EQ(e.news2_for(1, physiology::at_seconds(10)).total, 3);  // scale 1: <= 91
  EXPECT_EQ(e.news2_for(2, physiology::at_seconds(10)).total, 0);  // scale 2: 88–92
}

TEST(RulesEngine, QsofaAtTwo) {
  RuleSet rs;
  rs.rules.clear();
  rs.news2.enabled = false;
  RulesEngine e(rs);
  EXPECT_TRUE(e.ingest(reading(8, 1, Vital::SystolicBP, 98, 0)).empty());
  const auto a = e.ingest(reading(8, 2, Vital::RespRate, 24, 30));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "qsofa");
  EXPECT_EQ(a[0].score, 2.0);
  EXPECT_EQ(e.qsofa_for(8, physiology::at_seconds(30)).points, 2);
}

TEST(RulesEngine, RepeatAfterInterval) {
  RuleSet rs = only(RuleSet::defaults().rules);
  rs.suppression.repeat_interval = minutes(10);
  RulesEngine e(rs);
  std::size_t alerts = 0;
  std::uint32_t seq = 0;
  for (int t = 0; t <= 1500; t += 30) alerts += e.ingest(reading(1, ++seq, Vital::SpO2, 80, t)).size();
  // Fires at 300 s, then again at 900 s and 1500 s.
  EXPECT_EQ(alerts, 3u);
}

TEST(RulesEngine, DuplicatesAndLateReadingsDoNotAlert) {
  RulesEngine e(only(RuleSet::defaults().rules));
  e.ingest(reading(1, 1, Vital::SpO2, 84, 0));
  e.ingest(reading(1, 3, Vital::SpO2, 84, 400));  // seq 2 still in flight
  // The delayed seq 2 (t=300) is late: no alert though 84 % has "held" 5 min by then.
  EXPECT_TRUE(e.ingest(reading(1, 2, Vital::SpO2, 84, 300)).empty());
  EXPECT_EQ(e.counters().late, 1u);
  // A retry of seq 3 is a duplicate.
  EXPECT_TRUE(e.ingest(reading(1, 3, Vital::SpO2, 84, 400)).empty());
  EXPECT_EQ(e.counters().duplicates, 1u);
  EXPECT_EQ(e.counters().readings, 4u);
}

TEST(RulesEngine, PatientsAreIndependentAndAlertIdsUnique) {
  RulesEngine e(only(RuleSet::defaults().rules));
  std::vector<physiology::Alert> out;
  for (physiology::PatientIndex p = 0; p < 50; ++p) {
    for (int t = 0; t <= 300; t += 30)
      e.ingest(reading(p, static_cast<std::uint32_t>(t + 1), Vital::SpO2, p % 2 ? 80 : 97, t), out);
  }
  EXPECT_EQ(out.size(), 25u);
  EXPECT_EQ(e.patients(), 50u);
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_NE(out[i].alert_id, out[i - 1].alert_id);
  for (const auto& a : out) EXPECT_EQ(a.patient % 2, 1u);
}

TEST(RulesEngine, DefaultsMatchTheBrief) {
  const RuleSet d = RuleSet::defaults();
  EXPECT_TRUE(d.news2.enabled);
  EXPECT_TRUE(d.qsofa.enabled);
  ASSERT_EQ(d.rules.size(), 4u);
  const auto& spo2 = std::get<ThresholdCondition>(d.rules[0].conditions[0]);
  EXPECT_EQ(spo2.vital, Vital::SpO2);
  EXPECT_EQ(spo2.threshold, 85.0);
  EXPECT_EQ(spo2.sustained_for, minutes(5));
  EXPECT_EQ(d.news2.aggregation, minutes(5));
  EXPECT_EQ(d.news2.persistence, minutes(3));
  EXPECT_TRUE(d.ignore_questionable);
}

}  // namespace
}  // namespace iomtsim::rules

namespace iomtsim::rules {
namespace {

using physiology::Vital;
using testing::reading;

// Patient ids are only numbers on the wire: past max_patients the least recently heard
// patient is forgotten, and a returning one starts afresh.
TEST(RulesEngine, PatientStateIsBoundedWithLeastRecentlyHeardEvicted) {
  RulesEngine e(RuleSet::defaults(), 3);
  std::uint32_t seq = 0;
  for (physiology::PatientIndex p = 1; p <= 3; ++p) e.ingest(reading(p, ++seq, Vital::HeartRate, 70, 10));
  e.ingest(reading(1, ++seq, Vital::HeartRate, 71, 20));  // 1 is now the most recent
  e.ingest(reading(4, ++seq, Vital::HeartRate, 72, 20));  // evicts 2, the least recent
  EXPECT_EQ(e.patients(), 3u);
  EXPECT_EQ(e.counters().evicted, 1u);
  EXPECT_EQ(e.patient_state(2), nullptr);
  ASSERT_NE(e.patient_state(1), nullptr);
  EXPECT_DOUBLE_EQ(e.patient_state(1)->latest(Vital::HeartRate).value, 71);
  // 2 comes back with an older reading: it has no history, so it is the newest again.
  e.ingest(reading(2, ++seq, Vital::HeartRate, 69, 5));
  ASSERT_NE(e.patient_state(2), nullptr);
  EXPECT_DOUBLE_EQ(e.patient_state(2)->latest(Vital::HeartRate).value, 69);
  EXPECT_EQ(e.counters().evicted, 2u);  // 3 went
  EXPECT_EQ(e.patient_state(3), nullptr);
  // A hundred thousand ids later, still three.
  for (physiology::PatientIndex p = 100; p < 100100; ++p)
    e.ingest(reading(p, 1, Vital::SpO2, 97, 30));
  EXPECT_EQ(e.patients(), 3u);
  EXPECT_EQ(e.counters().evicted, 100002u);
}

TEST(RulesEngine, UnboundedByDefault) {
  RulesEngine e;
  for (physiology::PatientIndex p = 0; p < 5000; ++p) e.ingest(reading(p, 1, Vital::SpO2, 97, 30));
  EXPECT_EQ(e.patients(), 5000u);
  EXPECT_EQ(e.counters().evicted, 0u);
}

}  // namespace
}  // namespace iomtsim::rules
