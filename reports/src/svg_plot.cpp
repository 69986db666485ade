#include "svg_plot.hpp"

#include <algorithm>
#include <cmath>

#include "xml_text.hpp"

namespace iomtsim::reports::svg {

namespace {

constexpr int kLeft = 70, kRight = 150, kTop = 28, kBottom = 44;

// "Nice" tick step (1, 2 or 5 times a power of ten) for about `n` ticks.
double nice_step(double span, int n) {
  if (!(span > 0)) return 1.0;
  const double raw = span / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

std::pair<double, double> extent(const Plot& p, bool x) {
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (const auto& s : p.series)
    for (const auto& [px, py] : s.points) {
      const double v = x ? px : py;
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (x) {
    for (const auto& b : p.bands) lo = std::min(lo, b.x0), hi = std::max(hi, b.x1);
    for (const auto& m : p.marks) lo = std::min(lo, m.x), hi = std::max(hi, m.x);
  }
  if (lo > hi) return {0.0, 1.0};
  if (lo == hi) return {lo - 1.0, hi + 1.0};
  return {lo, hi};
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle",
                 const char* extra = "") {
  return "<text x=\"" + xml::num(x, 6) + "\" y=\"" + xml::num(y, 6) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"11\"" + extra + ">" + xml::escape(s) + "</text>";
}

}  // namespace

// A day of 1 Hz readings is 86,400 points: far more than the plot has pixels. Keep, per
// pixel column, the first, lowest, highest and last point (the shape a reader sees is
// unchanged, spikes included); points series keep one point in k.
Series decimate(const Series& s, double x0, double x1, int columns) {
  const std::size_t limit = static_cast<std::size_t>(4 * std::max(columns, 1));
  if (s.points.size() <= limit) return s;
  Series out{s.label, s.color, s.style, {}};
  if (s.style == Series::Style::Points) {
    const std::size_t k = (s.points.size() + limit - 1) / limit;
    for (std::size_t i = 0; i < s.points.size(); i += k) out.points.push_back(s.points[i]);
    return out;
  }
  auto column = [&](double x) {
    return static_cast<long>(std::floor((x - x0) / (x1 - x0) * columns));
  };
  std::size_t i = 0;
  while (i < s.points.size()) {
    const long col = column(s.points[i].first);
    std::size_t j = i, lo = i, hi = i;
    bool gap = false;
    for (; j < s.points.size() && column(s.points[j].first) == col; ++j) {
      if (!std::isfinite(s.points[j].second))
        gap = true;
      else if (s.points[j].second < s.points[lo].second)
        lo = j;
      else if (s.points[j].second > s.points[hi].second)
        hi = j;
    }
    if (gap) {  // keep gaps visible: copy the column as is
      out.points.insert(out.points.end(), s.points.begin() + static_cast<long>(i),
                        s.points.begin() + static_cast<long>(j));
    } else {
      std::vector<std::size_t> keep = {i, std::min(lo, hi), std::max(lo, hi), j - 1};
      keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
      for (std::size_t k : keep) out.points.push_back(s.points[k]);
    }
    i = j;
  }
  return out;
}

std::string render(const Plot& p) {
  const auto [x0, x1] = p.x_range ? *p.x_range : extent(p, true);
  auto [y0, y1] = p.y_range ? *p.y_range : extent(p, false);
  if (!p.y_range) {  // a little headroom, and start at 0 for non-negative data
    if (y0 >= 0 && y0 < 0.5 * y1) y0 = 0;
    y1 += 0.05 * (y1 - y0);
  }
  const double w = p.width - kLeft - kRight, h = p.height - kTop - kBottom;
  // Copies of the bounds: clang 14 does not let a lambda capture structured bindings.
  auto sx = [&, x0 = x0, x1 = x1](double x) { return kLeft + (x - x0) / (x1 - x0) * w; };
  auto sy = [&, y0 = y0, y1 = y1](double y) {
    return kTop + h - (std::clamp(y, y0, y1) - y0) / (y1 - y0) * h;
  };

  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(p.width) +
                  "\" height=\"" + std::to_string(p.height) + "\" viewBox=\"0 0 " +
                  std::to_string(p.width) + " " + std::to_string(p.height) +
                  "\" role=\"img\"><title>" + xml::escape(p.title) + "</title>";
  o += text(kLeft + w / 2, 16, p.title, "middle", " font-weight=\"bold\"");
  for (const auto& b : p.bands) {
    const double a = sx(std::max(b.x0, x0)), c = sx(std::min(b.x1, x1));
    if (c <= a) continue;
    o += "<rect x=\"" + xml::num(a, 6) + "\" y=\"" + std::to_string(kTop) + "\" width=\"" +
         xml::num(c - a, 6) + "\" height=\"" + xml::num(h, 6) + "\" fill=\"" + b.color +
         "\" fill-opacity=\"0.18\"><title>" + xml::escape(b.label) + "</title></rect>";
  }
  // Axes and ticks.
  o += "<g stroke=\"#444\" fill=\"none\"><line x1=\"" + std::to_string(kLeft) + "\" y1=\"" +
       xml::num(kTop + h, 6) + "\" x2=\"" + xml::num(kLeft + w, 6) + "\" y2=\"" +
       xml::num(kTop + h, 6) + "\"/><line x1=\"" + std::to_string(kLeft) + "\" y1=\"" +
       std::to_string(kTop) + "\" x2=\"" + std::to_string(kLeft) + "\" y2=\"" +
       xml::num(kTop + h, 6) + "\"/></g>";
  std::vector<std::pair<double, std::string>> xt = p.x_ticks;
  if (xt.empty()) {
    const double step = nice_step(x1 - x0, 6);
    for (double v = std::ceil(x0 / step) * step; v <= x1 + 1e-9 * step; v += step)
      xt.emplace_back(v, xml::num(std::abs(v) < 1e-12 * step ? 0.0 : v));
  }
  for (const auto& [v, label] : xt) {
    if (v < x0 || v > x1) continue;
    o += "<line x1=\"" + xml::num(sx(v), 6) + "\" y1=\"" + xml::num(kTop + h, 6) + "\" x2=\"" +
         xml::num(sx(v), 6) + "\" y2=\"" + xml::num(kTop + h + 4, 6) + "\" stroke=\"#444\"/>";
    o += text(sx(v), kTop + h + 16, label);
  }
  const double ystep = nice_step(y1 - y0, 5);
  for (double v = std::ceil(y0 / ystep) * ystep; v <= y1 + 1e-9 * ystep; v += ystep) {
    o += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + xml::num(sy(v), 6) + "\" x2=\"" +
         xml::num(kLeft + w, 6) + "\" y2=\"" + xml::num(sy(v), 6) + "\" stroke=\"#ddd\"/>";
    o += text(kLeft - 6, sy(v) + 4, xml::num(std::abs(v) < 1e-12 * ystep ? 0.0 : v), "end");
  }
  o += text(kLeft + w / 2, p.height - 8, p.x_label);
  o += "<text x=\"14\" y=\"" + xml::num(kTop + h / 2, 6) +
       "\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 14 " +
       xml::num(kTop + h / 2, 6) + ")\">" + xml::escape(p.y_label) + "</text>";
  // Series.
  int legend_y = kTop + 4;
  for (const auto& full : p.series) {
    const Series s = decimate(full, x0, x1, static_cast<int>(w));
    if (s.style == Series::Style::Points) {
      o += "<g fill=\"" + s.color + "\">";
      for (const auto& [x, y] : s.points)
        if (std::isfinite(y) && x >= x0 && x <= x1)
          o += "<circle cx=\"" + xml::num(sx(x), 6) + "\" cy=\"" + xml::num(sy(y), 6) +
               "\" r=\"2\"/>";
      o += "</g>";
    } else if (!s.points.empty()) {
      std::string d;
      bool pen_down = false;
      double prev_y = 0;
      for (const auto& [x, y] : s.points) {
        if (!std::isfinite(y)) {
          pen_down = false;
          continue;
        }
        if (pen_down && s.style == Series::Style::Step) {
          d += 'L';
          d += xml::num(sx(x), 6) + " " + xml::num(sy(prev_y), 6) + " ";
        }
        d += pen_down ? 'L' : 'M';
        d += xml::num(sx(x), 6) + " " + xml::num(sy(y), 6) + " ";
        pen_down = true;
        prev_y = y;
      }
      o += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.5\"/>";
    }
    o += "<rect x=\"" + std::to_string(p.width - kRight + 10) + "\" y=\"" +
         std::to_string(legend_y) + "\" width=\"10\" height=\"10\" fill=\"" + s.color + "\"/>";
    o += text(p.width - kRight + 24, legend_y + 9, s.label, "start");
    legend_y += 16;
  }
  for (const auto& m : p.marks) {
    if (m.x < x0 || m.x > x1) continue;
    o += "<line x1=\"" + xml::num(sx(m.x), 6) + "\" y1=\"" + std::to_string(kTop) + "\" x2=\"" +
         xml::num(sx(m.x), 6) + "\" y2=\"" + xml::num(kTop + h, 6) + "\" stroke=\"" + m.color +
         "\" stroke-dasharray=\"3 2\"><title>" + xml::escape(m.label) + "</title></line>";
  }
  o += "</svg>";
  return o;
}

std::string bars(const std::string& title, const std::string& value_label,
                 const std::vector<std::pair<std::string, double>>& values) {
  const int row = 20, left = 150, width = 720, bar_w = 420;
  const int height = 40 + row * static_cast<int>(values.size()) + 24;
  double max = 0;
  for (const auto& [l, v] : values) max = std::max(max, v);
  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) + "\" role=\"img\"><title>" +
                  xml::escape(title) + "</title>";
  o += text(width / 2.0, 16, title, "middle", " font-weight=\"bold\"");
  int y = 30;
  for (const auto& [label, v] : values) {
    const double len = max > 0 ? v / max * bar_w : 0;
    o += text(left - 6, y + 13, label, "end");
    o += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" +
         xml::num(len, 6) + "\" height=\"" + std::to_string(row - 4) + "\" fill=\"#4a7ab5\"/>";
    o += text(left + len + 6, y + 13, xml::num(v, 10), "start");
    y += row;
  }
  o += text(left + bar_w / 2.0, height - 6, value_label);
  o += "</svg>";
  return o;
}

}  // namespace iomtsim::reports::svg
