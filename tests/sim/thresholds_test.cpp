// One metric catalogue (scenarios/metrics.hpp) that the scenario language parses against
// and reports evaluate (reports/thresholds.hpp): these tests keep the validator accepting
// exactly what a report can evaluate, in the same unit, and the catalogue's enumerations in
// step with the report's.
#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/scenarios/metrics.hpp"

using namespace iomtsim;

namespace {

std::vector<std::string> family_examples() {
  return {"alerts.sepsis.sensitivity",        "alerts.hypoglycemia.median_lead_time",
          "alerts.rule.news2.ppv",            "alerts.rule.spo2_low_sustained.count",
          "alerts.atrial_fibrillation.challenge2015_score",
          "ingest_latency.protocol.fhir_r4.p99", "ingest_latency.profile.hospital_wifi.p50",
          "ingest_latency.protocol.hl7v2.count"};
}

// A value in the metric's unit, as a scenario file writes it.
std::string sample_value(const scenarios::Metric& m) {
  switch (m.kind) {
    case scenarios::QuantityKind::TimeSpan:
      return "2s";
    case scenarios::QuantityKind::Fraction:
      return "50 %";
    default:
      return "1";
  }
}

}  // namespace

TEST(MetricGrammar, EveryNameTheValidatorAcceptsIsOneReportsEvaluate) {
  std::vector<std::string> names;
  for (const auto& m : scenarios::known_metrics()) names.push_back(m.name);
  for (const auto& n : family_examples()) names.push_back(n);
  EXPECT_GT(names.size(), 110u);
  const reports::Report empty;
  for (const auto& name : names) {
    const auto m = scenarios::resolve_metric(name);
    ASSERT_TRUE(m) << name;
    // The validator takes it with a value in its unit …
    const auto parsed = scenarios::parse_expectation(name + " < " + sample_value(*m));
    EXPECT_TRUE(std::holds_alternative<scenarios::Expectation>(parsed)) << name;
    // … and a report evaluates it (NaN: no data in an empty report, never an error).
    EXPECT_NO_THROW(reports::metric_value(empty, name)) << name;
  }
  EXPECT_EQ(
      reports::unknown_metrics(scenarios::parse_expect_options({"alerts.rule.news2.ppv >= 0.5"})),
      std::vector<std::string>{});
}

TEST(MetricGrammar, NamesTheCatalogueRejectsAreRejectedEverywhere) {
  for (const std::string name :
       {"ingest_latency.p42", "delivery.buffer_dropped", "alerts.nonsense",
        "alerts.not_a_condition.sensitivity", "throughput.bananas", "errors.count",
        "assets.staleness.p42", "imaging.bananas", "pump_alarms.latency"}) {
    EXPECT_FALSE(scenarios::resolve_metric(name).has_value()) << name;
    EXPECT_TRUE(std::holds_alternative<scenarios::ExpectationError>(
        scenarios::parse_expectation(name + " < 1")))
        << name;
    EXPECT_THROW(reports::metric_value(reports::Report{}, name), reports::UnknownMetricError)
        << name;
    EXPECT_EQ(reports::unknown_metrics({{name, name, scenarios::CompareOp::Less, 1.0}}),
              std::vector<std::string>{name});
  }
}

TEST(MetricGrammar, DeliveryBucketsAreNamedInTheReportsOrder) {
  const auto names = scenarios::delivery_outcome_names();
  ASSERT_EQ(names.size(), reports::kOutcomeCount);
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(names[i], reports::name(static_cast<reports::Outcome>(i)));
}

TEST(MetricGrammar, OperationsMetricsParseInTheirUnits) {
  const auto t = scenarios::parse_expect_options({"assets.staleness.p90 < 2 min",
                                                  "pump_alarms.delivery_fraction >= 99 %",
                                                  "imaging.throughput_mib_s > 1"});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_DOUBLE_EQ(t[0].value, 120.0);
  EXPECT_DOUBLE_EQ(t[1].value, 0.99);
  EXPECT_DOUBLE_EQ(t[2].value, 1.0);
}

TEST(MetricGrammar, HeadlinesHaveAGoodDirection) {
  const std::vector<std::string> conditions = {"sepsis"};
  const auto h = scenarios::headline_metrics(conditions);
  EXPECT_GE(h.size(), 21u);
  for (const auto& m : h) EXPECT_NE(m.better, scenarios::Better::Neither) << m.name;
  EXPECT_EQ(h.back().name, "alerts.sepsis.median_lead_time");
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
  const auto t = scenarios::parse_expect_options({"ingest_latency.p99 < 2s",
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
  EXPECT_THROW(scenarios::parse_expect_options({"ingest_latency.p99 < 2"}), std::invalid_argument);
  EXPECT_THROW(scenarios::parse_expect_options({"nonsense"}), std::invalid_argument);
  const auto t = scenarios::parse_expect_options({"alerts.sensitivity >= 0.9"});
  EXPECT_EQ(t.at(0).op, scenarios::CompareOp::GreaterEqual);
}
