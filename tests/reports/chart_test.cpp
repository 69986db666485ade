// The chart read-back's scorer: what the target acknowledged against what its record holds.
// Each mismatch kind lands in its own bucket, duplicates count once per reading (also when
// the copy is found before the acknowledgement), time to chart takes the first finding,
// memory stays within the bound, and shards' sections merge exactly (and survive JSON).
#include <gtest/gtest.h>

#include "iomtsim/reports/chart_matcher.hpp"
#include "iomtsim/reports/merge.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/expectation.hpp"

#include <cmath>

using namespace iomtsim;
using namespace iomtsim::reports;
using physiology::Vital;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kT0 = 1'780'000'000'000 * kMs;  // a wall instant, Unix ns

ChartCodes codes(Vital v) {
  if (v == Vital::HeartRate) return {"8867-4", "/min", 0};
  if (v == Vital::Temperature) return {"8310-5", "Cel", 1};
  return {"59408-5", "%", 0};
}

ChartExpectation sent(std::uint32_t patient, std::uint32_t seq, double value = 72,
                      Vital v = Vital::HeartRate) {
  ChartExpectation e;
  e.reading_id = physiology::make_reading_id(patient, 0, seq);
  e.value = value;
  e.vital = v;
  e.effective_unix_ms = kT0 / kMs + seq * 1000;
  e.measured_unix_ns = kT0 + seq * kS;
  return e;
}

// The resource as a faithful server stores it, searchable `after` the measurement.
ChartFinding stored(const ChartExpectation& e, std::string id, std::int64_t after) {
  const auto c = codes(e.vital);
  ChartFinding f;
  f.resource_id = "Observation/" + id;
  f.reading_id = e.reading_id;
  f.subject = physiology::reading_patient(e.reading_id);
  f.subject_text = "Patient/p" + std::to_string(*f.subject);
  f.code = std::string(c.code);
  f.unit = std::string(c.unit);
  f.value = e.value;
  f.effective_unix_ms = e.effective_unix_ms;
  f.searchable_unix_ns = e.measured_unix_ns + after;
  return f;
}

ChartMatcher matcher(std::size_t bound = 1000) { return ChartMatcher(codes, bound); }

}  // namespace

TEST(ChartMatcher, EveryReadingFoundUnchangedIsChartedWithItsTimeToChart) {
  auto m = matcher();
  for (std::uint32_t i = 0; i < 100; ++i) {
    const auto e = sent(1, i);
    m.expect(e);
    m.found(stored(e, "o" + std::to_string(i), (i + 1) * kS));  // 1 s .. 100 s
  }
  const auto r = m.finish();
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.tracked, 100u);
  EXPECT_EQ(r.charted, 100u);
  EXPECT_EQ(r.missing, 0u);
  EXPECT_EQ(r.duplicated, 0u);
  EXPECT_EQ(r.mismatched, 0u);
  ASSERT_EQ(r.time_to_chart.count(), 100);
  // Percentiles within the histogram's 3 significant digits.
  EXPECT_NEAR(static_cast<double>(r.time_to_chart.value_at_percentile(50)), 50.0 * kS,
              0.001 * 50 * kS);
  EXPECT_NEAR(static_cast<double>(r.time_to_chart.value_at_percentile(99)), 99.0 * kS,
              0.001 * 99 * kS);
  EXPECT_NEAR(static_cast<double>(r.time_to_chart.max()), 100.0 * kS, 0.001 * 100 * kS);
}

TEST(ChartMatcher, EachMismatchKindLandsInItsOwnBucket) {
  auto m = matcher();
  std::vector<ChartExpectation> e;
  for (std::uint32_t i = 0; i < 7; ++i) e.push_back(sent(2, i));
  for (const auto& x : e) m.expect(x);
  auto value = stored(e[0], "a", kS);
  value.value = 82;
  auto unit = stored(e[1], "b", kS);
  unit.unit = "altered";
  auto code = stored(e[2], "c", kS);
  code.code = "00000-0";
  auto subject = stored(e[3], "d", kS);
  subject.subject = std::nullopt;
  subject.subject_text = "Patient/altered-subject";
  auto when = stored(e[4], "e", kS);
  *when.effective_unix_ms += 3'600'000;
  auto two = stored(e[5], "f", kS);  // value and unit both changed: one reading, two fields
  two.value = 1;
  two.unit = "";
  auto rounded = stored(e[6], "g", kS);  // within the sent decimals: no change
  rounded.value = 72.4;
  for (const auto& f : {value, unit, code, subject, when, two, rounded}) m.found(f);
  const auto r = m.finish();
  EXPECT_EQ(r.charted, 7u);
  EXPECT_EQ(r.mismatched, 6u);
  EXPECT_EQ(r.of(ChartField::Value).count, 2u);
  EXPECT_EQ(r.of(ChartField::Unit).count, 2u);
  EXPECT_EQ(r.of(ChartField::Code).count, 1u);
  EXPECT_EQ(r.of(ChartField::Subject).count, 1u);
  EXPECT_EQ(r.of(ChartField::EffectiveTime).count, 1u);
  ASSERT_EQ(r.of(ChartField::Value).examples.size(), 2u);
  EXPECT_NE(r.of(ChartField::Value).examples[0].find("sent 72, found 82"), std::string::npos)
      << r.of(ChartField::Value).examples[0];
  EXPECT_NE(r.of(ChartField::Subject).examples[0].find("Patient/altered-subject"),
            std::string::npos);
}

TEST(ChartMatcher, ValueAbsentAndEffectiveTimeToTheMillisecond) {
  auto m = matcher();
  auto absent = sent(3, 0);
  absent.has_value = false;
  m.expect(absent);
  auto f = stored(absent, "x", kS);
  f.value = std::nullopt;
  f.unit = "";
  m.found(f);  // no value sent, none found: unchanged
  auto t = sent(3, 1, 36.64, Vital::Temperature);
  m.expect(t);
  auto g = stored(t, "y", kS);
  g.value = 36.6;             // printed with 1 decimal
  *g.effective_unix_ms += 1;  // a server keeping less than our milliseconds
  m.found(g);
  const auto r = m.finish();
  EXPECT_EQ(r.charted, 2u);
  EXPECT_EQ(r.mismatched, 0u) << (r.of(ChartField::Value).examples.empty()
                                      ? ""
                                      : r.of(ChartField::Value).examples[0]);
}

TEST(ChartMatcher, ASecondResourceIsADuplicateOnceAndTheSameResourceAgainIsNot) {
  auto m = matcher();
  const auto a = sent(4, 0), b = sent(4, 1), c = sent(4, 2);
  m.expect(a);
  m.expect(b);
  m.found(stored(a, "1", kS));
  m.found(stored(a, "1", 5 * kS));  // the same resource, a later version
  m.found(stored(b, "2", kS));
  m.found(stored(b, "3", 2 * kS));  // a second resource: duplicated
  m.found(stored(b, "4", 3 * kS));  // a third: still one duplicated reading
  // Found (twice) before its acknowledgement came: scored when it comes.
  m.found(stored(c, "5", kS));
  m.found(stored(c, "6", kS));
  m.expect(c);
  m.expect(a);  // acknowledged again (a retry answered late): one reading
  const auto r = m.finish();
  EXPECT_EQ(r.tracked, 3u);
  EXPECT_EQ(r.charted, 3u);
  EXPECT_EQ(r.duplicated, 2u);
  EXPECT_EQ(r.duplicated_examples.size(), 2u);
  EXPECT_EQ(r.time_to_chart.count(), 3);  // the first finding of each
  EXPECT_EQ(r.unacknowledged_found, 0u);
}

TEST(ChartMatcher, MissingAndUnacknowledgedAndTheMemoryBound) {
  auto m = matcher(10);
  for (std::uint32_t i = 0; i < 15; ++i) m.expect(sent(5, i));
  EXPECT_EQ(m.pending(), 10u);
  m.found(stored(sent(5, 3), "a", kS));
  m.found(stored(sent(6, 0), "b", kS));  // never acknowledged
  const auto ids = m.pending_ids(physiology::make_reading_id(5, 0, 5), 3);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], physiology::make_reading_id(5, 0, 5));
  EXPECT_EQ(ids[2], physiology::make_reading_id(5, 0, 7));
  const auto r = m.finish();
  EXPECT_EQ(r.tracked, 10u);
  EXPECT_EQ(r.untracked, 5u);
  EXPECT_EQ(r.charted, 1u);
  EXPECT_EQ(r.missing, 9u);
  EXPECT_EQ(r.charted + r.missing, r.tracked);
  EXPECT_EQ(r.unacknowledged_found, 1u);
  ASSERT_EQ(r.missing_examples.size(), ChartReport::kMaxExamples);
  EXPECT_EQ(r.missing_examples[0], "reading " +
                                       std::to_string(physiology::make_reading_id(5, 0, 0)) +
                                       " (heart_rate, patient 5)");
}

TEST(ChartReport, ShardsMergeExactlyAndSurviveJson) {
  // Two shards' read-backs, and the same readings scored in one: the merge is the whole.
  auto whole = matcher(), s0 = matcher(), s1 = matcher();
  for (std::uint32_t p = 0; p < 4; ++p)
    for (std::uint32_t i = 0; i < 50; ++i) {
      const auto e = sent(p, i, 70 + i % 7);
      auto f = stored(e, std::to_string(p) + "-" + std::to_string(i), (1 + (p * 50 + i) % 37) * kS);
      if (i % 10 == 3) f.value = 0;
      const bool drop = i % 17 == 5;
      for (auto* m : {&whole, p % 2 ? &s1 : &s0}) {
        m->expect(e);
        if (!drop) m->found(f);
        if (i % 13 == 1)
          m->found(stored(e, "dup-" + std::to_string(p) + "-" + std::to_string(i), kS));
      }
    }
  Report a, b;
  a.run.scenario = b.run.scenario = "chart";
  a.chart = s0.finish();
  b.chart = s1.finish();
  const std::vector<Report> parts = {a, b};
  const Report merged = merge_reports(parts);
  const auto w = whole.finish();
  EXPECT_EQ(merged.chart.tracked, w.tracked);
  EXPECT_EQ(merged.chart.charted, w.charted);
  EXPECT_EQ(merged.chart.missing, w.missing);
  EXPECT_EQ(merged.chart.duplicated, w.duplicated);
  EXPECT_EQ(merged.chart.mismatched, w.mismatched);
  EXPECT_EQ(merged.chart.of(ChartField::Value).count, w.of(ChartField::Value).count);
  EXPECT_EQ(merged.chart.time_to_chart, w.time_to_chart);
  EXPECT_GT(w.missing, 0u);
  EXPECT_GT(w.duplicated, 0u);
  EXPECT_GT(w.of(ChartField::Value).count, 0u);
  // report.json round trip keeps the section whole; a report without one has none.
  const Report back = from_json(to_json(merged));
  EXPECT_EQ(back.chart, merged.chart);
  EXPECT_TRUE(from_json(to_json(Report{})).chart.empty());
  // A report of one shard merged with one that read nothing back keeps its section.
  Report none;
  none.run = a.run;
  const std::vector<Report> with_empty = {none, a};
  EXPECT_EQ(merge_reports(with_empty).chart, a.chart);
}

TEST(ChartReport, ThresholdsReadTheSectionAndHaveNoDataWithoutIt) {
  Report r;
  auto m = matcher();
  for (std::uint32_t i = 0; i < 10; ++i) {
    const auto e = sent(1, i);
    m.expect(e);
    if (i != 4) m.found(stored(e, std::to_string(i), 2 * kS));
  }
  r.chart = m.finish();
  EXPECT_EQ(metric_value(r, "chart.missing"), 1.0);
  EXPECT_EQ(metric_value(r, "chart.charted"), 9.0);
  EXPECT_EQ(metric_value(r, "chart.mismatched.value"), 0.0);
  EXPECT_NEAR(metric_value(r, "chart.time_to_chart.p99"), 2.0, 0.01);
  const auto results = evaluate_thresholds(
      r, scenarios::parse_expect_options({"chart.missing == 0", "chart.time_to_chart.p99 < 60s"}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_TRUE(results[1].passed);
  EXPECT_TRUE(std::isnan(metric_value(Report{}, "chart.missing")));
  EXPECT_TRUE(std::isnan(metric_value(Report{}, "chart.time_to_chart.count")));
  EXPECT_TRUE(scenarios::resolve_metric("chart.mismatched.effective_time").has_value());
}
