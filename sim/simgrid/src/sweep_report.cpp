// sweep.json and a self-contained sweep.html: latency, delivery and alert sensitivity
// against the swept parameter, with the capacity knee marked.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "iomtsim/reports/svg_plot.hpp"
#include "iomtsim/sim/simgrid/sweep.hpp"

namespace iomtsim::sim::simgrid {
namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

// A figure for the tables: a point without the data (no episode to detect, no alert to
// time) says "n/a" rather than "nan", and a percentile that falls among readings never
// answered says "unmet" (reports/src/thresholds.cpp).
struct Cell {
  double v;
  int precision;
};
std::ostream& operator<<(std::ostream& o, Cell c) {
  if (std::isnan(c.v)) return o << "n/a";
  if (std::isinf(c.v)) return o << "unmet";  // a percentile among unanswered readings
  const auto flags = o.flags();
  const auto prec = o.precision();
  o << std::fixed << std::setprecision(c.precision) << c.v;
  o.flags(flags);
  o.precision(prec);
  return o;
}

std::string pct(double fraction) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << fraction * 100 << " %";
  return s.str();
}

struct Field {
  std::string label;
  std::string color;
  double SweepPoint::*field;
};

// One chart over the swept parameter (reports' SVG plots: a log axis when the values span
// decades, round ticks), the points that fail a threshold in red, the knee marked.
std::string chart(const SweepResult& r, const std::string& title, const std::string& y_label,
                  const std::vector<Field>& fields, reports::svg::Scale y_scale) {
  namespace svg = reports::svg;
  std::string html = "<h2>" + esc(title) + "</h2>\n";
  svg::Plot plot = svg::make_plot(title, r.axis.key, y_label, {});
  plot.x_scale = svg::Scale::Auto;
  plot.y_scale = y_scale;
  svg::Series failing{"thresholds fail", "#d22", svg::Series::Style::Points, {}};
  failing.point_radius = 4.5;  // over the lines' own points
  bool any = false;            // a chart of zeros (no alerts in any run) says so instead
  for (const auto& f : fields) {
    svg::Series s{f.label, f.color, svg::Series::Style::LinePoints, {}};
    for (const auto& p : r.points) {
      if (!p.ok) continue;
      s.points.emplace_back(p.x, p.*f.field);
      any = any || (std::isfinite(p.*f.field) && p.*f.field != 0.0);
      if (!p.meets) failing.points.emplace_back(p.x, p.*f.field);
    }
    if (s.points.empty()) return html + "<p>no data</p>\n";
    plot.series.push_back(std::move(s));
  }
  if (!any) return html + "<p>none measured in any run</p>\n";
  if (!failing.points.empty()) {
    std::sort(failing.points.begin(), failing.points.end());
    plot.series.push_back(std::move(failing));
  }
  if (r.knee)
    plot.marks.push_back({r.points[*r.knee].x, "#2a2", "knee " + r.points[*r.knee].value, true});
  return html + svg::render(plot) + "\n";
}

}  // namespace

std::string sweep_to_json(const SweepResult& r) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto& p : r.points)
    pts.push_back({{"x", p.x},
                   {"value", p.value},
                   {"ok", p.ok},
                   {"exit_code", p.exit_code},
                   {"generated", p.generated},
                   {"ingest_p50_s", p.ingest_p50_s},
                   {"ingest_p99_s", p.ingest_p99_s},
                   {"ingest_p99_unmet", p.ingest_p99_unmet},
                   {"alert_p50_s", p.alert_p50_s},
                   {"alert_p99_s", p.alert_p99_s},
                   {"delivered_fraction", p.delivered_fraction},
                   {"alert_sensitivity", p.alert_sensitivity},
                   {"throughput_per_s", p.throughput_per_s},
                   {"bottleneck", p.bottleneck},
                   {"bottleneck_utilisation", p.bottleneck_utilisation},
                   {"meets", p.meets},
                   {"failed", p.failed},
                   {"dir", p.dir},
                   {"refined", p.refined}});
  nlohmann::json j = {{"scenario", r.scenario},
                      {"parameter", r.axis.key},
                      {"load_grows_with_parameter", r.axis.load_grows},
                      {"points", pts}};
  j["knee"] =
      r.knee ? nlohmann::json{{"index", *r.knee},
                              {"value", r.points[*r.knee].value},
                              {"x", r.points[*r.knee].x},
                              {"within_fraction", r.knee_within ? nlohmann::json(*r.knee_within)
                                                                : nlohmann::json(nullptr)}}
             : nlohmann::json(nullptr);
  return j.dump(2) + "\n";
}

std::string render_sweep_html(const SweepResult& r) {
  std::ostringstream s;
  s << "<!doctype html><html><head><meta charset='utf-8'><title>iomtsim sweep: " << esc(r.scenario)
    << "</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
    << "td,th{padding:2px 8px;text-align:right}</style></head><body>\n<h1>Sweep of "
    << esc(r.axis.key) << ": " << esc(r.scenario) << "</h1>\n<p>Simulated time (SimGrid). ";
  if (r.knee)
    s << "Capacity knee: <b>" << esc(r.axis.key) << " = " << esc(r.points[*r.knee].value)
      << "</b>, the " << (r.axis.load_grows ? "largest" : "smallest")
      << " value meeting every threshold (scanning from the lightest load)"
      << (r.knee_within ? "; the next " + std::string(r.axis.load_grows ? "larger" : "smaller") +
                              " value tried fails, " + pct(*r.knee_within) + " away."
                        : "; every point passes, so the knee may lie beyond the range.");
  else
    s << "No point meets the thresholds.";
  s << " Red dots: thresholds fail.</p>\n";
  using reports::svg::Scale;
  s << chart(
      r, "Ingest latency (answered readings)", "latency (s)",
      {{"p50", "#36c", &SweepPoint::ingest_p50_s}, {"p99", "#c63", &SweepPoint::ingest_p99_s}},
      Scale::Auto);
  s << chart(r, "Alert latency", "latency (s)",
             {{"p50", "#36c", &SweepPoint::alert_p50_s}, {"p99", "#c63", &SweepPoint::alert_p99_s}},
             Scale::Auto);
  s << chart(r, "Delivery and alert sensitivity", "fraction",
             {{"acknowledged", "#36c", &SweepPoint::delivered_fraction},
              {"alert sensitivity", "#693", &SweepPoint::alert_sensitivity}},
             Scale::Linear);
  s << "<h2>Points</h2><table><tr><th>" << esc(r.axis.key)
    << "</th><th>generated</th><th>p50 ingest s</th><th>p99 ingest s</th><th>p99 alert s</th>"
       "<th>acknowledged</th><th>sensitivity</th><th>meets</th></tr>\n";
  for (const auto& p : r.points)
    s << "<tr><td>" << esc(p.value) << "</td><td>" << p.generated << "</td><td>"
      << Cell{p.ingest_p50_s, 4} << "</td><td>" << Cell{p.ingest_p99_unmet ? HUGE_VAL : p.ingest_p99_s, 4} << "</td><td>"
      << Cell{p.alert_p99_s, 4} << "</td><td>" << Cell{p.delivered_fraction, 4} << "</td><td>"
      << Cell{p.alert_sensitivity, 3} << "</td><td>"
      << (!p.ok     ? "no report"
          : p.meets ? "yes"
                    : "no")
      << "</td></tr>\n";
  s << "</table></body></html>\n";
  return s.str();
}

void write_sweep_report(const SweepResult& r, const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  for (auto [name, text] :
       {std::pair{"sweep.json", sweep_to_json(r)}, std::pair{"sweep.html", render_sweep_html(r)}}) {
    std::ofstream out(folder / name, std::ios::trunc);
    out << text;
    if (!out) throw SweepError("cannot write " + (folder / name).string());
  }
}

void print_sweep(const SweepResult& r, std::ostream& out) {
  out << std::left << std::setw(14) << r.axis.key << std::right << std::setw(12) << "p50 ingest"
      << std::setw(12) << "p99 ingest" << std::setw(12) << "p99 alert" << std::setw(10) << "acked"
      << std::setw(12) << "sensitivity"
      << "  meets\n";
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    const auto& p = r.points[i];
    // setw applies to the next insertion; a Cell is formatted whole first so it pads.
    const auto w = [](int width, Cell c) {
      std::ostringstream o;
      o << c;
      return std::string(std::max(0, width - static_cast<int>(o.str().size())), ' ') + o.str();
    };
    out << std::left << std::setw(14) << p.value << std::right << w(12, {p.ingest_p50_s, 4})
        << w(12, {p.ingest_p99_unmet ? HUGE_VAL : p.ingest_p99_s, 4}) << w(12, {p.alert_p99_s, 4})
        << w(10, {p.delivered_fraction, 4}) << w(12, {p.alert_sensitivity, 4}) << "  "
        << (!p.ok     ? "no report"
            : p.meets ? "yes"
                      : "no")
        << (r.knee == i ? "   <- knee" : "") << '\n';
  }
  out.unsetf(std::ios::fixed);
  if (r.knee && r.knee_within) {
    out << "capacity knee: " << r.axis.key << " = " << r.points[*r.knee].value << " (known within "
        << std::setprecision(2) << std::fixed << *r.knee_within * 100 << " %)\n";
    out.unsetf(std::ios::fixed);
  } else if (r.knee) {
    out << "capacity knee: " << r.axis.key << " = " << r.points[*r.knee].value
        << " (every point passes: the knee may lie beyond the range)\n";
  } else {
    const SweepPoint* light = r.points.empty()    ? nullptr
                              : r.axis.load_grows ? &r.points.front()
                                                  : &r.points.back();
    out << "capacity knee: none (the lightest point tried, " << r.axis.key << " = "
        << (light ? light->value : "?") << ", "
        << (light && !light->ok ? "produced no report" : "already fails the thresholds") << ")\n";
  }
}

}  // namespace iomtsim::sim::simgrid
