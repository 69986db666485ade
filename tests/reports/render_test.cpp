#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/render_junit.hpp"
#include "run_fixture.hpp"
#include "iomtsim/reports/svg_plot.hpp"
#include "xml_check.hpp"

using namespace iomtsim::reports;
using namespace iomtsim::test;
namespace ph = iomtsim::physiology;

namespace {

Report report_with_thresholds() {
  Report r = fixture_report();
  r.thresholds = evaluate_thresholds(
      r, {{"ingest_latency.p99 < 10s", "ingest_latency.p99", CompareOp::Less, 10.0, {}},
          {"delivery.acknowledged_fraction >= 0.99", "delivery.acknowledged_fraction",
           CompareOp::GreaterEqual, 0.99, {}},
          {"alerts.sensitivity >= 0.5 & <tag>",
           "alerts.sensitivity",
           CompareOp::GreaterEqual,
           0.5,
           {}}});
  return r;
}

// No resource may come from elsewhere: no src/href to http(s), no scripts at all.
void expect_self_contained(const XmlCheck& x) {
  EXPECT_EQ(x.count("script"), 0u);
  EXPECT_EQ(x.count("link"), 0u);
  EXPECT_EQ(x.count("iframe"), 0u);
  EXPECT_EQ(x.count("img"), 0u);
  for (const auto& e : x.elements)
    for (const auto& [k, v] : e.attributes)
      if (k == "src" || k == "href" || k == "xlink:href") {
        EXPECT_EQ(v.find("http://"), std::string::npos) << e.name;
        EXPECT_EQ(v.find("https://"), std::string::npos) << e.name;
        EXPECT_EQ(v.find("//"), std::string::npos) << e.name;
      }
}

std::set<std::string> section_ids(const XmlCheck& x) {
  std::set<std::string> ids;
  for (const auto& e : x.elements)
    if (e.name == "section") ids.insert(e.attributes.at("id"));
  return ids;
}

}  // namespace

TEST(RenderHtml, WellFormedSelfContainedWithEverySection) {
  const Report r = report_with_thresholds();
  const std::string page = render_html(r, HtmlOptions{"fixture <run> & co", 0u});
  const XmlCheck x = check_xml(page);
  ASSERT_TRUE(x.ok) << x.error;
  expect_self_contained(x);
  EXPECT_EQ(section_ids(x), (std::set<std::string>{"summary", "latency", "over-time", "delivery",
                                                   "accuracy", "timeline"}));
  // Plots: 2 latency, 2 over time, 1 delivery, one per traced vital of patient 0 (2).
  EXPECT_EQ(x.count("svg"), 7u);
  // Every line plot has labelled axes with units.
  EXPECT_NE(page.find("latency (ms)"), std::string::npos);
  EXPECT_NE(page.find("scenario time (min)"), std::string::npos);
  EXPECT_NE(page.find("heart_rate (/min)"), std::string::npos);
  EXPECT_NE(page.find("spo2 (%)"), std::string::npos);
  // The summary comes first and shows pass and fail.
  EXPECT_LT(page.find("id=\"summary\""), page.find("id=\"latency\""));
  EXPECT_NE(page.find("class=\"fail\">FAIL"), std::string::npos);
  EXPECT_NE(page.find("class=\"pass\">PASS"), std::string::npos);
  EXPECT_NE(page.find("&amp; &lt;tag&gt;"), std::string::npos);  // user text escaped
}

TEST(RenderHtml, LargeFiguresAreWrittenWholeNotInExponentForm) {
  Report r = fixture_report();
  r.ingest_latency.record(434'700'000'000);  // a 434.7 s straggler: 434,700 ms
  const std::string page = render_html(r, HtmlOptions{"straggler", 0u});
  ASSERT_TRUE(check_xml(page).ok);
  EXPECT_EQ(page.find("e+0"), std::string::npos);
  EXPECT_NE(page.find(">434,"), std::string::npos);  // the max column, to the histogram's precision
}

TEST(RenderHtml, EmptyReportStillRenders) {
  const XmlCheck x = check_xml(render_html(Report{}));
  ASSERT_TRUE(x.ok) << x.error;
  EXPECT_EQ(section_ids(x).size(), 6u);
}

TEST(RenderHtml, CheckerCatchesBrokenMarkup) {
  EXPECT_FALSE(check_xml("<a><b></a></b>").ok);
  EXPECT_FALSE(check_xml("<a x=1/>").ok);
  EXPECT_FALSE(check_xml("<a>&nbsp;</a>").ok);
  EXPECT_FALSE(check_xml("<a>1 & 2</a>").ok);
  EXPECT_FALSE(check_xml("<a/><b/>").ok);
  EXPECT_TRUE(check_xml("<?xml version=\"1.0\"?><a t='x &amp; y'>&#233;<!-- c --><b/></a>").ok);
}

TEST(RenderJunit, OneTestcasePerThresholdWithMeasuredVsExpected) {
  const Report r = report_with_thresholds();
  const std::string xml = render_junit(r);
  const XmlCheck x = check_xml(xml);
  ASSERT_TRUE(x.ok) << x.error;
  EXPECT_EQ(x.count("testcase"), r.thresholds.size() + 1);  // + the delivery check
  std::size_t failed = 0;
  for (const auto& t : r.thresholds) failed += t.passed ? 0 : 1;
  ASSERT_GT(failed, 0u);
  EXPECT_EQ(x.count("failure"), failed);
  for (const auto& e : x.elements)
    if (e.name == "failure") {
      EXPECT_NE(e.attributes.at("message").find("expected"), std::string::npos);
      EXPECT_EQ(e.parent, "testcase");
    }
  EXPECT_NE(xml.find("failures=\"" + std::to_string(failed) + "\""), std::string::npos);
}

TEST(RenderPreview, PatientTimelinesWithEpisodesInterventionsAndNews2) {
  PatientPreview p;
  p.patient = 3;
  p.label = "patient 3 <sepsis>";
  VitalSeries hr;
  hr.vital = ph::Vital::HeartRate;
  for (int m = 0; m < 600; m += 5) {
    hr.true_values.push_back({ph::at_seconds(60.0 * m), 80.0 + 0.05 * m});
    hr.measured.push_back({ph::at_seconds(60.0 * m), 81.0 + 0.05 * m});
    p.news2.push_back({ph::at_seconds(60.0 * m), m > 300 ? 5.0 : 1.0});
  }
  p.vitals.push_back(hr);
  ph::Episode e;
  e.patient = 3;
  e.onset = ph::at_seconds(3600 * 4.0);
  e.end = ph::at_seconds(3600 * 9.0);
  p.episodes.push_back(e);
  p.interventions.push_back({ph::at_seconds(3600 * 5.0), "fluids 1 L"});
  PatientPreview quiet;
  quiet.patient = 4;
  const std::string page = render_preview_html("Preview", {p, quiet});
  const XmlCheck x = check_xml(page);
  ASSERT_TRUE(x.ok) << x.error;
  expect_self_contained(x);
  EXPECT_EQ(section_ids(x), (std::set<std::string>{"patient-3", "patient-4"}));
  EXPECT_EQ(x.count("svg"), 2u);  // heart rate and NEWS2 for patient 3, nothing for 4
  EXPECT_NE(page.find("NEWS2 (points)"), std::string::npos);
  EXPECT_NE(page.find("fluids 1 L"), std::string::npos);
  EXPECT_NE(page.find("No episodes."), std::string::npos);
}

TEST(WriteReportFolder, WritesTheThreeFilesAndReadsBack) {
  const Report r = report_with_thresholds();
  const auto dir = std::filesystem::path(IOMTSIM_BINARY_DIR) / "test_output" / "reports_folder";
  std::filesystem::remove_all(dir);
  write_report_folder(r, dir);
  for (const char* f : {"report.json", "report.html", "junit.xml"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  const Report back = read_report_file(dir / "report.json");
  EXPECT_EQ(to_json(back), to_json(r));
  EXPECT_THROW(read_report_file(dir / "missing.json"), ReportError);
}

TEST(RenderPreview, LongSeriesAreDecimatedButKeepTheirSpikes) {
  PatientPreview p;
  p.patient = 1;
  VitalSeries hr;
  hr.vital = ph::Vital::HeartRate;
  for (int s = 0; s < 86400; ++s) {  // a day at 1 Hz
    const double v = s == 43210 ? 190.0 : 70.0 + (s % 7);
    hr.true_values.push_back({ph::at_seconds(s), v});
    hr.measured.push_back({ph::at_seconds(s), v});
  }
  p.vitals.push_back(hr);
  const std::string page = render_preview_html("day", {p});
  ASSERT_TRUE(check_xml(page).ok);
  EXPECT_LT(page.size(), 400'000u);  // not 86,400 points per series

  svg::Series line{"hr", "#000", svg::Series::Style::Line, {}};
  for (int s = 0; s < 86400; ++s)
    line.points.emplace_back(s, hr.true_values[static_cast<std::size_t>(s)].value);
  const auto d = svg::decimate(line, 0, 86400, 500);
  EXPECT_LE(d.points.size(), 2000u);
  EXPECT_EQ(d.points.front(), line.points.front());
  EXPECT_EQ(d.points.back(), line.points.back());
  EXPECT_NE(std::find(d.points.begin(), d.points.end(), std::pair<double, double>{43210, 190}),
            d.points.end());
  EXPECT_TRUE(std::is_sorted(d.points.begin(), d.points.end()));
}
