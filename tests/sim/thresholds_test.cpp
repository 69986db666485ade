// The scenario language and the reports module name metrics independently (neither may
// depend on the other); these tests keep the two grammars the same, so a threshold that
// validates is one a report can evaluate, in the same unit.
#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/sim/thresholds.hpp"

using namespace iomtsim;

namespace {

std::vector<std::string> family_examples() {
  return {"alerts.sepsis.sensitivity",        "alerts.hypoglycemia.median_lead_time",
          "alerts.rule.news2.ppv",            "alerts.rule.spo2_low_sustained.count",
          "alerts.atrial_fibrillation.challenge2015_score",
          "ingest_latency.protocol.fhir_r4.p99", "ingest_latency.profile.hospital_wifi.p50",
          "ingest_latency.protocol.hl7v2.count"};
}

}  // namespace

TEST(MetricGrammar, EveryScenarioMetricIsOneReportsEvaluates) {
  std::vector<reports::Threshold> all;
  for (const auto& m : scenarios::known_metrics())
    all.push_back({std::string(m.name), std::string(m.name), reports::CompareOp::Less, 1.0});
  for (const auto& name : family_examples())
    all.push_back({name, name, reports::CompareOp::Less, 1.0});
  EXPECT_EQ(reports::unknown_metrics(all), std::vector<std::string>{});
  EXPECT_GT(all.size(), 60u);
}

TEST(MetricGrammar, NamesReportsRejectsAreRejectedByTheScenarioLanguage) {
  for (const std::string name :
       {"ingest_latency.p42", "delivery.buffer_dropped", "alerts.nonsense",
        "alerts.not_a_condition.sensitivity", "throughput.bananas", "errors.count"}) {
    EXPECT_FALSE(scenarios::metric_info(name).has_value()) << name;
    EXPECT_EQ(reports::unknown_metrics({{name, name, reports::CompareOp::Less, 1.0}}),
              std::vector<std::string>{name});
  }
}

TEST(MetricGrammar, OperationsMetricsAreKnownToBothGrammarsInTheSameUnits) {
  // Every operations name a report lists is one the scenario language accepts, and back.
  std::vector<reports::Threshold> all;
  for (const auto& name : reports::ops_metric_names()) {
    EXPECT_TRUE(scenarios::metric_info(name).has_value()) << name;
    all.push_back({name, name, reports::CompareOp::Less, 1.0});
  }
  EXPECT_EQ(reports::unknown_metrics(all), std::vector<std::string>{});
  EXPECT_GT(all.size(), 50u);
  for (const std::string bad : {"assets.staleness.p42", "imaging.bananas", "pump_alarms.latency"}) {
    EXPECT_FALSE(scenarios::metric_info(bad).has_value()) << bad;
    EXPECT_EQ(reports::unknown_metrics({{bad, bad, reports::CompareOp::Less, 1.0}}).size(), 1u) << bad;
  }
  const auto t = sim::parse_thresholds({"assets.staleness.p90 < 2 min", "pump_alarms.delivery_fraction >= 99 %",
                                        "imaging.throughput_mib_s > 1"});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_DOUBLE_EQ(t[0].value, 120.0);
  EXPECT_DOUBLE_EQ(t[1].value, 0.99);
  EXPECT_DOUBLE_EQ(t[2].value, 1.0);
}

TEST(MetricGrammar, UnitsAgreeOnARealReport) {
  // 10 readings acknowledged after 100 ms .. 1 s; `ingest_latency.p99 < 2s` parses to 2.0
  // seconds and the report measures seconds too.
  reports::Recorder rec;
  auto& shard = rec.make_shard();
  const auto ch = rec.channel("fhir_r4", "hospital_wifi");
  for (int i = 1; i <= 10; ++i) {
    physiology::Reading r;
    r.id = physiology::make_reading_id(0, 0, static_cast<std::uint32_t>(i));
    r.true_time = physiology::SimTime{} + std::chrono::seconds(i);
    shard.on_generated(r, ch);
    shard.on_outcome(r.id, reports::Outcome::Acknowledged, r.true_time, r.true_time,
                     r.true_time + std::chrono::milliseconds(100 * i));
  }
  const auto report = rec.merge();
  const auto t = sim::parse_thresholds({"ingest_latency.p99 < 2s",
                                        "delivery.acknowledged_fraction >= 99 %",
                                        "delivery.acknowledged >= 10"});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_DOUBLE_EQ(t[0].value, 2.0);
  EXPECT_DOUBLE_EQ(t[1].value, 0.99);
  const auto results = reports::evaluate_thresholds(report, t);
  for (const auto& r : results) EXPECT_TRUE(r.passed) << r.message;
  EXPECT_NEAR(results[0].measured, 1.0, 0.01);
  EXPECT_DOUBLE_EQ(results[1].measured, 1.0);
}

TEST(MetricGrammar, CountComparedWithAPercentageGetsAHint) {
  auto r = scenarios::parse_expectation("delivery.acknowledged >= 99 %");
  ASSERT_TRUE(std::holds_alternative<scenarios::ExpectationError>(r));
  EXPECT_EQ(std::get<scenarios::ExpectationError>(r).message,
            "delivery.acknowledged is a count; for a fraction use 'delivery.acknowledged_fraction'");
}

TEST(MetricGrammar, LeadTimesMayBeNegative) {
  auto r = scenarios::parse_expectation("alerts.median_lead_time <= -30 min");
  ASSERT_TRUE(std::holds_alternative<scenarios::Expectation>(r));
  EXPECT_DOUBLE_EQ(std::get<scenarios::Expectation>(r).value, -1800.0);
  EXPECT_TRUE(std::holds_alternative<scenarios::ExpectationError>(
      scenarios::parse_expectation("ingest_latency.p99 < -2s")));
}

TEST(MetricGrammar, CommandLineExpectationsAreParsedOrRefused) {
  EXPECT_THROW(sim::parse_thresholds({"ingest_latency.p99 < 2"}), std::invalid_argument);
  EXPECT_THROW(sim::parse_thresholds({"nonsense"}), std::invalid_argument);
  const auto t = sim::parse_thresholds({"alerts.sensitivity >= 0.9"});
  EXPECT_EQ(t.at(0).op, reports::CompareOp::GreaterEqual);
}
