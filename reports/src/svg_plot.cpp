#include "iomtsim/reports/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

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

// Data range on one axis: finite values, and for a log axis positive ones only.
struct Extent {
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  double min_positive = HUGE_VAL;
  bool non_positive = false;  // some finite value <= 0
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (v > 0)
      min_positive = std::min(min_positive, v);
    else
      non_positive = true;
  }
  bool empty() const { return lo > hi; }
};

Extent extent(const Plot& p, bool x) {
  Extent e;
  for (const auto& s : p.series)
    for (const auto& [px, py] : s.points) e.add(x ? px : py);
  if (x) {
    for (const auto& b : p.bands) e.add(b.x0), e.add(b.x1);
    for (const auto& m : p.marks) e.add(m.x);
  }
  return e;
}

bool use_log(Scale scale, const Extent& e, const std::optional<std::pair<double, double>>& range) {
  if (scale == Scale::Linear) return false;
  if (range) return range->first > 0 && range->second > range->first;
  if (e.empty() || !(e.min_positive < HUGE_VAL) || e.hi <= 0) return false;
  if (scale == Scale::Log) return true;
  return !e.non_positive && e.hi >= kAutoLogRatio * e.min_positive;
}

// Largest 1, 2 or 5 × 10^k at or below v (down) or smallest at or above it (up): the ends
// of a log axis, so its first and last ticks sit on the frame.
double round_125(double v, bool up) {
  const double mag = std::pow(10.0, std::floor(std::log10(v)));
  const double f = v / mag;
  if (up) return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * mag;
  return (f >= 5 - 1e-9 ? 5 : f >= 2 - 1e-9 ? 2 : 1) * mag;
}

// Data value to pixel along one axis.
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;    // data range shown
  double from = 0, to = 1;  // pixels of lo and hi
  double operator()(double v) const {
    v = std::clamp(v, lo, hi);
    const double f = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                         : (v - lo) / (hi - lo);
    return from + f * (to - from);
  }
  bool shows(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

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

std::string tick_label(double v, double step) {
  if (std::abs(v) < 1e-9 * std::abs(step)) return "0";
  const int decimals =
      step > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 12) : 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  if (decimals > 0) return buf;
  // Whole numbers with thousands separators: "400,000" reads at a glance, "4e+05" does not.
  return xml::grouped(buf);
}

std::vector<std::pair<double, std::string>> linear_ticks(double lo, double hi, int n) {
  std::vector<std::pair<double, std::string>> out;
  const double step = nice_step(hi - lo, n);
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1) {
    const double v = k * step;  // multiples, not repeated sums: no drift to 0.30000000000000004
    out.emplace_back(v, tick_label(v, step));
  }
  return out;
}

std::vector<std::pair<double, std::string>> log_ticks(double lo, double hi) {
  std::vector<std::pair<double, std::string>> out;
  if (!(lo > 0) || !(hi > lo)) return out;
  const bool few_decades = std::log10(hi / lo) <= 3.0 + 1e-9;
  for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); e += 1) {
    const double decade = std::pow(10.0, e);
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !few_decades) continue;
      const double v = m * decade;
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      out.emplace_back(v, tick_label(v, decade));
    }
  }
  return out;
}

std::string render(const Plot& p) {
  const double w = p.width - kLeft - kRight, h = p.height - kTop - kBottom;
  const Extent ex = extent(p, true), ey = extent(p, false);
  Axis sx{use_log(p.x_scale, ex, p.x_range), 0, 1, static_cast<double>(kLeft), kLeft + w};
  Axis sy{use_log(p.y_scale, ey, p.y_range), 0, 1, kTop + h, static_cast<double>(kTop)};
  if (p.x_range) {
    std::tie(sx.lo, sx.hi) = *p.x_range;
  } else if (!ex.empty()) {
    sx.lo = sx.log ? ex.min_positive : ex.lo;
    sx.hi = ex.hi;
  }
  if (p.y_range) {
    std::tie(sy.lo, sy.hi) = *p.y_range;
  } else if (!ey.empty() && sy.log) {  // the frame on round values: 0.5 .. 2,000 ms
    sy.lo = round_125(ey.min_positive, false);
    sy.hi = round_125(ey.hi, true);
  } else if (!ey.empty()) {  // a little headroom, and start at 0 for non-negative data
    sy.lo = ey.lo;
    sy.hi = ey.hi;
    if (sy.lo >= 0 && sy.lo < 0.5 * sy.hi) sy.lo = 0;
    sy.hi += 0.05 * (sy.hi - sy.lo);
  }
  for (Axis* a : {&sx, &sy})
    if (!(a->hi > a->lo)) {  // one value (or none): widen around it
      const double mid = a->lo;
      a->lo = a->log ? mid / 2 : mid == 0.0 ? 0.0 : mid - 1.0;  // all zero: 0 .. 1
      a->hi = a->log ? mid * 2 : mid + 1.0;
    }

  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(p.width) +
                  "\" height=\"" + std::to_string(p.height) + "\" viewBox=\"0 0 " +
                  std::to_string(p.width) + " " + std::to_string(p.height) +
                  "\" role=\"img\"><title>" + xml::escape(p.title) + "</title>";
  o += text(kLeft + w / 2, 16, p.title, "middle", " font-weight=\"bold\"");
  for (const auto& b : p.bands) {
    const double a = sx(std::max(b.x0, sx.lo)), c = sx(std::min(b.x1, sx.hi));
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
  auto xt = p.x_ticks;
  if (xt.empty()) xt = sx.log ? log_ticks(sx.lo, sx.hi) : linear_ticks(sx.lo, sx.hi, 6);
  for (const auto& [v, label] : xt) {
    if (v < sx.lo || v > sx.hi || !sx.shows(v)) continue;
    o += "<line x1=\"" + xml::num(sx(v), 6) + "\" y1=\"" + xml::num(kTop + h, 6) + "\" x2=\"" +
         xml::num(sx(v), 6) + "\" y2=\"" + xml::num(kTop + h + 4, 6) + "\" stroke=\"#444\"/>";
    o += text(sx(v), kTop + h + 16, label);
  }
  const auto yt = sy.log ? log_ticks(sy.lo, sy.hi) : linear_ticks(sy.lo, sy.hi, 5);
  for (const auto& [v, label] : yt) {
    o += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + xml::num(sy(v), 6) + "\" x2=\"" +
         xml::num(kLeft + w, 6) + "\" y2=\"" + xml::num(sy(v), 6) + "\" stroke=\"#ddd\"/>";
    o += text(kLeft - 6, sy(v) + 4, label, "end");
  }
  o += text(kLeft + w / 2, p.height - 8, p.x_label + (sx.log ? " (log scale)" : ""));
  const std::string y_label = p.y_label + (sy.log ? " (log scale)" : "");
  o += "<text x=\"14\" y=\"" + xml::num(kTop + h / 2, 6) +
       "\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 14 " +
       xml::num(kTop + h / 2, 6) + ")\">" + xml::escape(y_label) + "</text>";
  // Series, decimated per pixel column of the axis as drawn (log or not). Values a log
  // axis cannot show (zero, negative) break the line like a gap.
  int legend_y = kTop + 4;
  for (const auto& full : p.series) {
    Series px{full.label, full.color, full.style, {}};
    px.points.reserve(full.points.size());
    for (const auto& [x, y] : full.points) {
      if (!sx.shows(x) || x < sx.lo || x > sx.hi) continue;
      px.points.emplace_back(sx(x), sy.shows(y) ? y : NAN);
    }
    const Series s = decimate(px, kLeft, kLeft + w, static_cast<int>(w));
    const bool dots = s.style == Series::Style::Points || s.style == Series::Style::LinePoints;
    if (s.style != Series::Style::Points && !s.points.empty()) {
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
          d += xml::num(x, 6) + " " + xml::num(sy(prev_y), 6) + " ";
        }
        d += pen_down ? 'L' : 'M';
        d += xml::num(x, 6) + " " + xml::num(sy(y), 6) + " ";
        pen_down = true;
        prev_y = y;
      }
      o += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.5\"/>";
    }
    if (dots) {
      o += "<g fill=\"" + s.color + "\">";
      for (const auto& [x, y] : s.points)
        if (std::isfinite(y))
          o += "<circle cx=\"" + xml::num(x, 6) + "\" cy=\"" + xml::num(sy(y), 6) + "\" r=\"" +
               xml::num(s.point_radius > 0                     ? s.point_radius
                        : s.style == Series::Style::LinePoints ? 3.0
                                                               : 2.0,
                        3) +
               "\"/>";
      o += "</g>";
    }
    o += "<rect x=\"" + std::to_string(p.width - kRight + 10) + "\" y=\"" +
         std::to_string(legend_y) + "\" width=\"10\" height=\"10\" fill=\"" + s.color + "\"/>";
    o += text(p.width - kRight + 24, legend_y + 9, s.label, "start");
    legend_y += 16;
  }
  for (const auto& m : p.marks) {
    if (m.x < sx.lo || m.x > sx.hi || !sx.shows(m.x)) continue;
    o += "<line x1=\"" + xml::num(sx(m.x), 6) + "\" y1=\"" + std::to_string(kTop) + "\" x2=\"" +
         xml::num(sx(m.x), 6) + "\" y2=\"" + xml::num(kTop + h, 6) + "\" stroke=\"" + m.color +
         "\" stroke-dasharray=\"3 2\"><title>" + xml::escape(m.label) + "</title></line>";
    if (m.show_label)
      o += text(sx(m.x) + 4, kTop + 11, m.label, "start",
                (" fill=\"" + m.color + "\" font-weight=\"bold\"").c_str());
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
