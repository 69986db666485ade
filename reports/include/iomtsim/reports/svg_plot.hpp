#pragma once
// Minimal inline-SVG plotting for the HTML reports (run, preview, sweep): line/step/point
// series, shaded bands (episodes, outages), vertical marks (alerts, interventions, the
// capacity knee) and bar charts. Axes always carry labels with units; output is
// well-formed XML. The legend sits right of the plotting area, never over the data.
//
// Latency plots read like HdrHistogram's and Gatling's: an axis is logarithmic when its
// data spans decades (Scale::Auto), ticks sit on round values (1, 2, 5 × 10^k on a linear
// axis; decades, with 2 and 5 between when there are three or fewer, on a log axis) and are written
// plainly ("0.05", "250", "400,000"), never in exponent form.
//
//   svg::Plot p = svg::make_plot("Ingest latency over time", "scenario time (min)",
//                                "latency (ms)", {p50, p99});
//   p.y_scale = svg::Scale::Auto;
//   html += svg::render(p);
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iomtsim::reports::svg {

struct Series {
  enum class Style { Line, Step, Points, LinePoints };
  std::string label;
  std::string color;
  Style style = Style::Line;
  std::vector<std::pair<double, double>> points;  // (x, y), ascending x
  double point_radius = 0;                        // px; 0: the style's (2, or 3 on a line)
};

struct Band {
  double x0 = 0, x1 = 0;
  std::string color;
  std::string label;
};

struct Mark {
  double x = 0;
  std::string color;
  std::string label;
  bool show_label = false;  // written at the top of the line (else only a tooltip)
};

// Linear; Log (non-positive values are left out); Auto: Log when every finite value is
// positive and the largest is at least kAutoLogRatio times the smallest.
enum class Scale { Linear, Log, Auto };
inline constexpr double kAutoLogRatio = 100.0;

struct Plot {
  std::string title;
  std::string x_label;  // with unit, e.g. "scenario time (min)"
  std::string y_label;
  std::vector<Series> series;
  std::vector<Band> bands;
  std::vector<Mark> marks;
  std::vector<std::pair<double, std::string>> x_ticks;  // overrides automatic ticks
  std::optional<std::pair<double, double>> y_range;
  std::optional<std::pair<double, double>> x_range;
  Scale x_scale = Scale::Linear;
  Scale y_scale = Scale::Linear;
  int width = 720;
  int height = 260;
};

inline Plot make_plot(std::string title, std::string x_label, std::string y_label,
                      std::vector<Series> series) {
  Plot p;
  p.title = std::move(title);
  p.x_label = std::move(x_label);
  p.y_label = std::move(y_label);
  p.series = std::move(series);
  return p;
}

std::string render(const Plot& plot);

// At most about 4 points per pixel column for line/step series: per column the first,
// lowest, highest and last point (spikes survive); columns with gaps (NaN) are kept as
// they are. Points series keep one point in k. render() applies it to every series.
Series decimate(const Series& s, double x0, double x1, int columns);

// Axis ticks over [lo, hi]: (value, label). Linear: about `n` steps of 1, 2 or 5 × 10^k.
// Log (lo > 0): every decade, with 2 and 5 between them when the range spans three
// decades or fewer.
std::vector<std::pair<double, std::string>> linear_ticks(double lo, double hi, int n);
std::vector<std::pair<double, std::string>> log_ticks(double lo, double hi);
// A tick value written plainly with the decimals `step` needs: "0.05", "250", "400,000".
std::string tick_label(double v, double step);

// Horizontal bars, one per (label, value), with the value written next to each.
std::string bars(const std::string& title, const std::string& value_label,
                 const std::vector<std::pair<std::string, double>>& values);

}  // namespace iomtsim::reports::svg
