// Time to chart against a FHIR server written by others: Medplum's router stores what the
// ward sends, iomtsim reads its record back (target.read_back: search by _lastUpdated, then
// by identifier) and scores it. With no faults every acknowledged reading is charted once,
// unchanged, with its time to chart; with the wrapper dropping, duplicating and altering a
// deterministic fraction of Observations after acknowledging them (server.js --chart-*),
// each fault lands in its own bucket with the count the server reports it made.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "pipeline_support.hpp"
#include "support/medplum_server.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
using reports::ChartField;
using reports::Outcome;

namespace {

scenarios::ReadBackSpec quick_read_back() {
  scenarios::ReadBackSpec b;
  b.every = std::chrono::milliseconds(500);
  b.page_size = 200;
  b.max_rate_per_s = 50;
  b.settle = std::chrono::seconds(30);
  return b;
}

std::string chart_text(const reports::ChartReport& c) {
  std::string s = "tracked " + std::to_string(c.tracked) + " charted " + std::to_string(c.charted) +
                  " missing " + std::to_string(c.missing) + " duplicated " +
                  std::to_string(c.duplicated) + " mismatched " + std::to_string(c.mismatched) +
                  " unacknowledged_found " + std::to_string(c.unacknowledged_found) + " requests " +
                  std::to_string(c.requests);
  for (std::size_t i = 0; i < reports::kChartFieldCount; ++i)
    for (const auto& e : c.mismatches[i].examples) s += "\n  " + e;
  for (const auto& e : c.missing_examples) s += "\n  missing " + e;
  return s;
}

}  // namespace

TEST(ChartReadBack, NoFaultsEveryAcknowledgedReadingChartedOnceUnchanged) {
  MedplumServer fhir({});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 6, 2, "chart-no-faults");
  s.target.read_back = quick_read_back();
  // 600x: scenario time runs ten minutes ahead of the wall clock within a second; dated with
  // wall-clock time the readings are never in the future, and the scorer expects just that.
  s.time.wall_clock_stamps = true;
  s.expectations =
      scenarios::parse_expect_options({"chart.missing == 0", "chart.duplicated == 0",
                                       "chart.mismatched == 0", "chart.time_to_chart.p99 < 60s"});
  TempDir out;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log, out.path));
  const auto& d = r.report.delivery;
  const auto& c = r.report.chart;
  ASSERT_GT(d[Outcome::Acknowledged], 500u) << log.str();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.tracked, d[Outcome::Acknowledged]) << chart_text(c);
  EXPECT_EQ(c.charted, c.tracked) << chart_text(c) << log.str();
  EXPECT_EQ(c.missing, 0u) << chart_text(c);
  EXPECT_EQ(c.duplicated, 0u) << chart_text(c);
  EXPECT_EQ(c.mismatched, 0u) << chart_text(c);
  EXPECT_EQ(c.untracked, 0u);
  EXPECT_EQ(c.time_to_chart.count(), static_cast<std::int64_t>(c.charted));
  EXPECT_GT(c.time_to_chart.value_at_percentile(50), 0);
  EXPECT_EQ(r.exit_code, 0) << log.str();
  // Reading back is not the load: a few requests per second of the run.
  EXPECT_LT(c.requests, d[Outcome::Acknowledged] / 10) << chart_text(c);
  // The section in every output.
  EXPECT_NE(read_text(out / "report.json").find("\"time_to_chart\""), std::string::npos);
  EXPECT_NE(read_text(out / "report.html").find("id=\"chart\""), std::string::npos);
  EXPECT_NE(read_text(out / "junit.xml").find("chart.missing"), std::string::npos);
}

TEST(ChartReadBack, DroppedDuplicatedAndAlteredAfterTheAcknowledgementEachInItsBucket) {
  MedplumServer fhir(
      {"--chart-drop", "0.05", "--chart-duplicate", "0.05", "--chart-alter", "0.15"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 8, 2, "chart-faults");
  s.target.read_back = quick_read_back();
  s.target.read_back->settle = std::chrono::seconds(8);  // the dropped ones never come
  s.expectations = scenarios::parse_expect_options({"chart.missing == 0"});
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  const auto& d = r.report.delivery;
  const auto& c = r.report.chart;
  ASSERT_GT(d[Outcome::Acknowledged], 500u) << log.str();
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << log.str();
  const auto stats = fhir.stats();
  const auto& f = stats["chart_faults"];
  const auto dropped = f["dropped"].get<std::uint64_t>();
  const auto duplicated = f["duplicated"].get<std::uint64_t>();
  ASSERT_GT(dropped, 0u);
  ASSERT_GT(duplicated, 0u);
  EXPECT_EQ(c.tracked, d[Outcome::Acknowledged]);
  EXPECT_EQ(c.missing, dropped) << chart_text(c);
  // Copies the server made of its own accord (a retried request stored twice) count too.
  EXPECT_EQ(c.duplicated, duplicated + stats["duplicates"].get<std::uint64_t>()) << chart_text(c);
  std::uint64_t altered = 0;
  for (std::size_t i = 0; i < reports::kChartFieldCount; ++i) {
    const auto name = std::string(reports::chart_field_name(static_cast<ChartField>(i)));
    const auto n = f["altered"][name].get<std::uint64_t>();
    altered += n;
    EXPECT_EQ(c.mismatches[i].count, n) << name << "\n" << chart_text(c);
    EXPECT_GT(n, 0u) << name;
    if (n) {
      EXPECT_FALSE(c.mismatches[i].examples.empty()) << name;
    }
  }
  EXPECT_EQ(c.mismatched, altered) << chart_text(c);
  EXPECT_EQ(c.charted + c.missing, c.tracked);
  EXPECT_EQ(c.unacknowledged_found, 0u);
  // The threshold on the section fails the run.
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed.front().threshold.metric, "chart.missing");
  EXPECT_EQ(r.exit_code, 1);
}
