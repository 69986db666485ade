// The report's plots as a reader sees them: round ticks written plainly, a logarithmic
// axis when the data span decades, labels on the marks that need them, valid XML.
#include "iomtsim/reports/svg_plot.hpp"

#include <gtest/gtest.h>

#include <string>

#include "xml_check.hpp"

namespace svg = iomtsim::reports::svg;
using iomtsim::test::check_xml;

namespace {

std::vector<std::string> labels(const std::vector<std::pair<double, std::string>>& ticks) {
  std::vector<std::string> out;
  for (const auto& [v, l] : ticks) out.push_back(l);
  return out;
}

TEST(SvgPlot, TickLabelsAreRoundAndPlain) {
  EXPECT_EQ(svg::tick_label(0.05, 0.01), "0.05");
  EXPECT_EQ(svg::tick_label(0.3, 0.1), "0.3");
  EXPECT_EQ(svg::tick_label(250, 50), "250");
  EXPECT_EQ(svg::tick_label(400000, 100000), "400,000");
  EXPECT_EQ(svg::tick_label(-1500, 500), "-1,500");
  EXPECT_EQ(svg::tick_label(1e-17, 0.1), "0");
}

TEST(SvgPlot, LinearTicksStepByOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_EQ(labels(svg::linear_ticks(0, 1, 5)),
            (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
  EXPECT_EQ(labels(svg::linear_ticks(0, 434700, 5)),
            (std::vector<std::string>{"0", "100,000", "200,000", "300,000", "400,000"}));
  // No drift: the tenth tick of 0.1 is 1.0, not 0.9999999999999999.
  const auto t = svg::linear_ticks(0, 1, 10);
  EXPECT_EQ(t.back().second, "1.0");
}

TEST(SvgPlot, LogTicksAreDecadesWithTwoAndFiveWhenFew) {
  EXPECT_EQ(labels(svg::log_ticks(1, 1000)),
            (std::vector<std::string>{"1", "2", "5", "10", "20", "50", "100", "200", "500",
                                      "1,000"}));
  EXPECT_EQ(labels(svg::log_ticks(0.01, 100000)),
            (std::vector<std::string>{"0.01", "0.1", "1", "10", "100", "1,000", "10,000",
                                      "100,000"}));
}

TEST(SvgPlot, AutoScaleGoesLogarithmicOnlyWhenTheDataSpanDecades) {
  svg::Series wide{"p99", "#000", svg::Series::Style::Line, {{0, 2.0}, {1, 40.0}, {2, 3000.0}}};
  svg::Plot p = svg::make_plot("latency", "time (s)", "latency (ms)", {wide});
  p.y_scale = svg::Scale::Auto;
  std::string out = svg::render(p);
  ASSERT_TRUE(check_xml(out).ok) << out;
  EXPECT_NE(out.find("latency (ms) (log scale)"), std::string::npos);
  EXPECT_NE(out.find(">1,000<"), std::string::npos);
  EXPECT_EQ(out.find("e+"), std::string::npos);  // no exponent form anywhere

  svg::Series narrow{"p99", "#000", svg::Series::Style::Line, {{0, 20.0}, {1, 40.0}}};
  p.series = {narrow};
  out = svg::render(p);
  EXPECT_EQ(out.find("(log scale)"), std::string::npos);

  svg::Series with_zero{"p99", "#000", svg::Series::Style::Line, {{0, 0.0}, {1, 4000.0}}};
  p.series = {with_zero};  // a zero cannot sit on a log axis: Auto stays linear
  out = svg::render(p);
  EXPECT_EQ(out.find("(log scale)"), std::string::npos);
}

TEST(SvgPlot, AShownMarkCarriesItsLabel) {
  svg::Series s{"p99", "#000", svg::Series::Style::LinePoints, {{10, 1.0}, {100, 2.0}}};
  svg::Plot p = svg::make_plot("sweep", "devices", "latency (s)", {s});
  p.marks.push_back({50, "#2a2", "knee 50", true});
  const std::string out = svg::render(p);
  ASSERT_TRUE(check_xml(out).ok) << out;
  EXPECT_NE(out.find(">knee 50</text>"), std::string::npos);
  EXPECT_NE(out.find("<circle"), std::string::npos);  // line with its points
}

}  // namespace
