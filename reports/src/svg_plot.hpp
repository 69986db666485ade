#pragma once
// Minimal inline-SVG plotting for the HTML renderers: line/step/point series, shaded
// bands (episodes, outages), vertical marks (alerts, interventions) and bar charts.
// Axes always carry labels with units; output is well-formed XML.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iomtsim::reports::svg {

struct Series {
  enum class Style { Line, Step, Points };
  std::string label;
  std::string color;
  Style style = Style::Line;
  std::vector<std::pair<double, double>> points;  // (x, y), ascending x
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
};

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

// Horizontal bars, one per (label, value), with the value written next to each.
std::string bars(const std::string& title, const std::string& value_label,
                 const std::vector<std::pair<std::string, double>>& values);

}  // namespace iomtsim::reports::svg
