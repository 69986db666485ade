#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "iomtsim/reports/diff.hpp"
#include "iomtsim/reports/summary_text.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/reports/validity.hpp"
#include "run_fixture.hpp"

using namespace iomtsim::reports;
using namespace iomtsim::test;

namespace {
// The fixture with its rejected and timed-out readings moved to "lost on the network":
// latency percentiles then read the acknowledged readings alone (the unmet ones are
// tested on their own below).
void move_unmet(DeliveryCounts& d) {
  for (Outcome o : {Outcome::Rejected, Outcome::TimedOut}) {
    d.add(Outcome::LostNetwork, d[o]);
    d.by_outcome[static_cast<std::size_t>(o)] = 0;
  }
}
Report answered_fixture() {
  Report r = fixture_report();
  move_unmet(r.delivery);
  for (auto& c : r.channels) move_unmet(c.delivery);
  return r;
}
}  // namespace

TEST(Thresholds, MetricsReadTheReportInCanonicalUnits) {
  const Report r = answered_fixture();
  EXPECT_DOUBLE_EQ(metric_value(r, "ingest_latency.p99"),
                   static_cast<double>(r.ingest_latency.value_at_percentile(99)) * 1e-9);
  EXPECT_DOUBLE_EQ(metric_value(r, "delivery.acknowledged_fraction"),
                   static_cast<double>(r.delivery[Outcome::Acknowledged]) /
                       static_cast<double>(r.delivery.generated));
  EXPECT_DOUBLE_EQ(metric_value(r, "delivery.lost_fraction"),
                   metric_value(r, "delivery.lost_network_fraction"));
  EXPECT_DOUBLE_EQ(metric_value(r, "throughput.readings_per_s"),
                   static_cast<double>(r.delivery[Outcome::Acknowledged]) / 7200.0);
  EXPECT_DOUBLE_EQ(metric_value(r, "alerts.sensitivity"), r.accuracy.overall.sensitivity);
  EXPECT_DOUBLE_EQ(metric_value(r, "alerts.sepsis.sensitivity"),
                   r.accuracy.by_condition.at("sepsis").sensitivity);
  EXPECT_DOUBLE_EQ(metric_value(r, "alerts.rule.news2.ppv"), r.accuracy.by_rule.at("news2").ppv);
  EXPECT_DOUBLE_EQ(metric_value(r, "alerts.median_lead_time"),
                   r.accuracy.overall.lead_time_s.median);
  // A rule that never fired detected nothing; a condition without episodes has no data.
  EXPECT_DOUBLE_EQ(metric_value(r, "alerts.rule.never_fired.sensitivity"), 0.0);
  EXPECT_TRUE(std::isnan(metric_value(r, "alerts.hypoglycemia.sensitivity")));
  // Per protocol and per network profile: the channel histograms merged.
  Histogram cellular(r.ingest_latency.config());
  for (const auto& c : r.channels)
    if (c.profile == "cellular") cellular.merge(c.ingest_latency);
  ASSERT_GT(cellular.count(), 0);
  EXPECT_DOUBLE_EQ(metric_value(r, "ingest_latency.profile.cellular.p99"),
                   static_cast<double>(cellular.value_at_percentile(99)) * 1e-9);
  EXPECT_DOUBLE_EQ(metric_value(r, "ingest_latency.protocol.mqtt_json.p99"),
                   metric_value(r, "ingest_latency.profile.cellular.p99"));
  EXPECT_TRUE(std::isnan(metric_value(r, "ingest_latency.protocol.hl7v2.p99")));
  for (const auto& name : r.metric_names()) EXPECT_NO_THROW(metric_value(r, name)) << name;
}

TEST(Thresholds, UnknownMetricErrorListsKnownNames) {
  const Report r = fixture_report({3, 10});
  try {
    metric_value(r, "ingest_latency.p98");
    FAIL() << "no error";
  } catch (const UnknownMetricError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("\"ingest_latency.p98\""), std::string::npos);
    EXPECT_NE(what.find("ingest_latency.p99"), std::string::npos);
    EXPECT_NE(what.find("alerts.sensitivity"), std::string::npos);
  }
  EXPECT_THROW(metric_value(r, "alerts.flu.sensitivity"), UnknownMetricError);
  EXPECT_THROW(metric_value(r, "alerts.sepsis.bogus"), UnknownMetricError);
  EXPECT_EQ(unknown_metrics({{"", "ingest_latency.p99", CompareOp::Less, 1, {}},
                             {"", "latency.p99", CompareOp::Less, 1, {}},
                             {"", "alerts.copd_exacerbation.ppv", CompareOp::Less, 1, {}}}),
            std::vector<std::string>{"latency.p99"});
}

TEST(Thresholds, EvaluationPassesFailsAndTreatsNoDataAsFailure) {
  const Report r = answered_fixture();
  const double p99 = metric_value(r, "ingest_latency.p99");
  const auto res = evaluate_thresholds(
      r, {{"a", "ingest_latency.p99", CompareOp::Less, p99 * 1.01, {}},
          {"b", "ingest_latency.p99", CompareOp::Less, p99, {}},
          {"c", "ingest_latency.p99", CompareOp::LessEqual, p99, {}},
          {"d", "alerts.hypoglycemia.sensitivity", CompareOp::GreaterEqual, 0.0, {}},
          {"e", "delivery.generated", CompareOp::Equal, 2880, {}}});
  ASSERT_EQ(res.size(), 5u);
  EXPECT_TRUE(res[0].passed);
  EXPECT_FALSE(res[1].passed);
  EXPECT_TRUE(res[2].passed);
  EXPECT_FALSE(res[3].passed);
  EXPECT_NE(res[3].message.find("no data"), std::string::npos);
  EXPECT_TRUE(res[4].passed);
  EXPECT_NE(res[1].message.find("expected < "), std::string::npos);
}

TEST(Diff, IdenticalReportsHaveNoRegressions) {
  const Report r = fixture_report();
  const auto d = diff_reports(r, r);
  EXPECT_FALSE(d.empty());
  EXPECT_TRUE(regressions(d).empty());
}

TEST(Diff, SlowerAndLessSensitiveCandidateRegresses) {
  const Report base = answered_fixture();  // its p99 is met, so doubling it shows
  Report cand = base;
  // Every latency doubled: p99 and friends regress by about 100 %.
  Histogram slower(cand.ingest_latency.config());
  for (const auto& [i, c] : base.ingest_latency.nonzero_buckets())
    slower.record(2 * base.ingest_latency.value_at_index(i), c);
  cand.ingest_latency = slower;
  // Drop every alert: sensitivity falls to 0, false alerts per day improve.
  cand.alerts.clear();
  cand.rescore();
  const auto d = diff_reports(base, cand);
  const auto regs = regressions(d);
  auto has = [&](const std::string& m) {
    return std::any_of(regs.begin(), regs.end(),
                       [&](const MetricDiff& x) { return x.metric == m; });
  };
  EXPECT_TRUE(has("ingest_latency.p99"));
  EXPECT_TRUE(has("alerts.sensitivity"));
  EXPECT_TRUE(has("alert_latency.p99"));  // had data, has none now
  EXPECT_FALSE(has("delivery.acknowledged_fraction"));
  for (const auto& x : d) {
    if (x.metric == "ingest_latency.p99") {
      EXPECT_NEAR(x.relative_change, 1.0, 0.01);
    }
    if (x.metric == "alerts.false_per_patient_day") {
      EXPECT_TRUE(x.improvement);
    }
  }
  const std::string text = format_diff(d);
  EXPECT_NE(text.find("REGRESSION ingest_latency.p99"), std::string::npos);
}

TEST(Diff, APercentileThatBecomesUnmetRegressesAndTheReverseImproves) {
  const Report met = answered_fixture();
  Report shed = met;
  // The candidate sheds 5 % of its readings: p99 now falls among the unanswered ones.
  const std::uint64_t n = shed.delivery[Outcome::Acknowledged] / 20;
  shed.delivery.add(Outcome::Rejected, n);
  shed.delivery.by_outcome[static_cast<std::size_t>(Outcome::Acknowledged)] -= n;
  auto p99 = [](const std::vector<MetricDiff>& d) {
    return *std::find_if(d.begin(), d.end(),
                         [](const MetricDiff& x) { return x.metric == "ingest_latency.p99"; });
  };
  const auto worse = p99(diff_reports(met, shed));
  EXPECT_TRUE(std::isinf(worse.candidate));
  EXPECT_TRUE(worse.regression);
  EXPECT_FALSE(worse.improvement);
  const auto better = p99(diff_reports(shed, met));
  EXPECT_TRUE(better.improvement);
  EXPECT_FALSE(better.regression);
  const auto same = p99(diff_reports(shed, shed));
  EXPECT_FALSE(same.regression || same.improvement);
  EXPECT_NE(format_diff({worse}).find("-> unmet"), std::string::npos) << format_diff({worse});
}

// Issue 22: report diff covers every section a report has, not only the headline: the
// operations' imaging, the waveforms and the capacity model's bottleneck.
TEST(Diff, EverySectionEitherReportHasIsCompared) {
  Report base = answered_fixture();
  auto names = [](const std::vector<MetricDiff>& d) {
    std::set<std::string> out;
    for (const auto& x : d) out.insert(x.metric);
    return out;
  };
  // Sections neither report has add nothing.
  const auto plain = names(diff_reports(base, base));
  EXPECT_FALSE(plain.count("imaging.result_latency.p99"));
  EXPECT_FALSE(plain.count("waveforms.acknowledged_fraction"));
  EXPECT_FALSE(plain.count("capacity.bottleneck_utilisation"));

  Histogram imaging(base.ingest_latency.config());
  for (int i = 1; i <= 100; ++i) imaging.record(std::int64_t{i} * 10'000'000);  // 10 ms .. 1 s
  base.ops.scores.imaging_results = 100;
  base.ops.scores.imaging_acked = 100;
  base.ops.scores.imaging_latency = imaging;
  base.waveforms.delivery.generated = 100;
  base.waveforms.delivery.add(Outcome::Acknowledged, 100);
  base.capacity.resources = {{"api", "stage", 0.4, 0.001, 0.01, 3},
                             {"wan", "link", 0.2, std::nullopt, std::nullopt, 0}};
  base.capacity.bottleneck = "api";

  Report cand = base;
  Histogram slower(imaging.config());
  for (int i = 1; i <= 100; ++i) slower.record(std::int64_t{i} * 30'000'000);  // three times
  cand.ops.scores.imaging_latency = slower;
  cand.waveforms.delivery = {};
  cand.waveforms.delivery.generated = 100;
  cand.waveforms.delivery.add(Outcome::Acknowledged, 80);
  cand.waveforms.delivery.add(Outcome::LostNetwork, 20);
  cand.capacity.resources[0].utilisation = 0.9;

  const auto d = diff_reports(base, cand);
  const auto all = names(d);
  for (const char* m : {"imaging.result_latency.p50", "imaging.result_latency.p99",
                        "waveforms.acknowledged_fraction", "capacity.bottleneck_utilisation"})
    EXPECT_TRUE(all.count(m)) << m;
  EXPECT_FALSE(all.count("imaging.result_latency.p90"));  // a section's p50 and p99 only
  const auto regs = names(regressions(d));
  for (const char* m : {"imaging.result_latency.p99", "waveforms.acknowledged_fraction",
                        "capacity.bottleneck_utilisation"})
    EXPECT_TRUE(regs.count(m)) << m << "\n" << format_diff(d);
  EXPECT_TRUE(regressions(diff_reports(base, base)).empty());
}

// A run whose readings mostly never reached the target is invalid; the summary then
// prints no score.
TEST(Validity, MostlyUnsentRunsAreInvalidAndPrintNoScore) {
  using iomtsim::reports::Outcome;
  iomtsim::reports::Report r;
  EXPECT_EQ(iomtsim::reports::delivery_invalid_reason(r),
            std::optional<std::string>("no reading was generated"));
  r.delivery.generated = 1000;
  r.delivery.add(Outcome::Acknowledged, 60);
  r.delivery.add(Outcome::TimedOut, 940);  // 94 % timed out unsent, as at ×36,000
  const auto why = iomtsim::reports::delivery_invalid_reason(r);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("6.0 % of 1000 readings reached the target"), std::string::npos) << *why;
  EXPECT_NE(why->find("94.0 % timed_out"), std::string::npos) << *why;
  const std::string summary = iomtsim::reports::alert_summary(r);
  EXPECT_EQ(summary.rfind("INVALID: ", 0), 0u);
  EXPECT_EQ(summary.find("detection: sensitivity"), std::string::npos);
  EXPECT_EQ(summary.find("sepsis utility (PhysioNet"), std::string::npos);
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 1);  // that one line only
  // Half reached (acknowledged or rejected: the target saw them): valid.
  r.delivery = {};
  r.delivery.generated = 1000;
  r.delivery.add(Outcome::Acknowledged, 300);
  r.delivery.add(Outcome::Rejected, 200);
  r.delivery.add(Outcome::LostNetwork, 500);
  EXPECT_FALSE(iomtsim::reports::delivery_invalid_reason(r).has_value());
}

// Readings the target rejected or never answered in time are unmet, not left out: an
// overloaded run that shed 63 % of its readings and answered the rest in about 1 s fails
// `ingest_latency.p99 < 2s`.
TEST(Thresholds, RejectedAndTimedOutReadingsCountAgainstLatencyPercentiles) {
  Report r;
  r.ingest_latency = Histogram(r.ingest_latency.config());
  for (int i = 1; i <= 1000; ++i)
    r.ingest_latency.record(std::int64_t{1'000'000} * i);  // 1..1000 ms
  r.delivery.generated = 1000;
  r.delivery.add(Outcome::Acknowledged, 1000);
  const double p99_all_answered = metric_value(r, "ingest_latency.p99");
  EXPECT_NEAR(p99_all_answered, 0.99, 0.01);

  // 10 timed out out of 1010: p99 is the 999.9th reading, still among the answered.
  r.delivery.generated += 10;
  r.delivery.add(Outcome::TimedOut, 10);
  EXPECT_NEAR(metric_value(r, "ingest_latency.p99"), 1.0, 0.01);
  EXPECT_NEAR(metric_value(r, "ingest_latency.p50"), 0.505, 0.01);
  EXPECT_TRUE(std::isinf(metric_value(r, "ingest_latency.max")));
  // Mean and count stay over the acknowledged readings.
  EXPECT_DOUBLE_EQ(metric_value(r, "ingest_latency.count"), 1000.0);

  // Shedding load: 1,700 rejected of 2,710 (63 %): p50 and p99 fall among the unmet.
  r.delivery.generated += 1700;
  r.delivery.add(Outcome::Rejected, 1700);
  EXPECT_TRUE(std::isinf(metric_value(r, "ingest_latency.p99")));
  EXPECT_TRUE(std::isinf(metric_value(r, "ingest_latency.p50")));

  const Threshold t{"ingest_latency.p99 < 2s",
                    "ingest_latency.p99",
                    iomtsim::scenarios::CompareOp::Less,
                    2.0,
                    {}};
  const auto results = evaluate_thresholds(r, {t});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_NE(results[0].message.find("unmet"), std::string::npos) << results[0].message;
  // Network loss is not the target's doing: it leaves the percentiles alone.
  Report lossy;
  lossy.ingest_latency = r.ingest_latency;
  lossy.delivery.generated = 1100;
  lossy.delivery.add(Outcome::Acknowledged, 1000);
  lossy.delivery.add(Outcome::LostNetwork, 100);
  EXPECT_DOUBLE_EQ(metric_value(lossy, "ingest_latency.p99"), p99_all_answered);
}
