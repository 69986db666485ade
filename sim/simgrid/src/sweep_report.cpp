// sweep.json and a self-contained sweep.html: latency, delivery and alert sensitivity
// against the swept parameter, with the capacity knee marked.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

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

struct Series {
  std::string label;
  std::string color;
  double SweepPoint::*field;
};

// One SVG line chart; x on a log scale when the axis spans a decade or more.
std::string chart(const SweepResult& r, const std::string& title, const std::string& unit,
                  const std::vector<Series>& series) {
  constexpr double W = 640, H = 300, L = 70, R = 20, T = 30, B = 45;
  std::vector<const SweepPoint*> pts;
  for (const auto& p : r.points)
    if (p.ok) pts.push_back(&p);
  std::ostringstream s;
  s << "<h2>" << esc(title) << "</h2>\n";
  if (pts.empty()) return s.str() + "<p>no data</p>\n";
  const double x0 = pts.front()->x, x1 = pts.back()->x;
  const bool logx = x0 > 0 && x1 / x0 >= 10;
  double ymax = 0;
  for (const auto* p : pts)
    for (const auto& se : series) ymax = std::max(ymax, p->*se.field);
  if (ymax <= 0) ymax = 1;
  ymax *= 1.1;
  auto fx = [&](double x) {
    if (x1 == x0) return L + (W - L - R) / 2;
    const double f = logx ? std::log(x / x0) / std::log(x1 / x0) : (x - x0) / (x1 - x0);
    return L + f * (W - L - R);
  };
  auto fy = [&](double y) { return T + (1 - y / ymax) * (H - T - B); };
  s << std::setprecision(4) << "<svg width='" << W << "' height='" << H
    << "' xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>\n"
    << "<rect x='" << L << "' y='" << T << "' width='" << W - L - R << "' height='" << H - T - B
    << "' fill='none' stroke='#999'/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double y = ymax * i / 4;
    s << "<text x='" << L - 5 << "' y='" << fy(y) + 4 << "' text-anchor='end'>" << y << "</text>\n";
  }
  for (const auto* p : pts)
    s << "<text x='" << fx(p->x) << "' y='" << H - B + 15 << "' text-anchor='middle'>" << p->x
      << "</text>\n";
  s << "<text x='" << (L + W - R) / 2 << "' y='" << H - 8 << "' text-anchor='middle'>"
    << esc(r.axis.key) << (logx ? " (log scale)" : "") << "</text>\n"
    << "<text x='12' y='" << T - 10 << "'>" << esc(unit) << "</text>\n";
  if (r.knee) {
    const double kx = fx(r.points[*r.knee].x);
    s << "<line x1='" << kx << "' x2='" << kx << "' y1='" << T << "' y2='" << H - B
      << "' stroke='#2a2' stroke-dasharray='4 3'/><text x='" << kx + 4 << "' y='" << T + 12
      << "' fill='#2a2'>knee " << esc(r.points[*r.knee].value) << "</text>\n";
  }
  double ly = T + 12;
  for (const auto& se : series) {
    s << "<polyline fill='none' stroke='" << se.color << "' stroke-width='2' points='";
    for (const auto* p : pts) s << fx(p->x) << ',' << fy(p->*se.field) << ' ';
    s << "'/>\n";
    for (const auto* p : pts)
      s << "<circle cx='" << fx(p->x) << "' cy='" << fy(p->*se.field) << "' r='3' fill='"
        << (p->meets ? se.color : "#d22") << "'/>\n";
    s << "<text x='" << W - R - 150 << "' y='" << ly << "' fill='" << se.color << "'>"
      << esc(se.label) << "</text>\n";
    ly += 14;
  }
  s << "</svg>\n";
  return s.str();
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
                   {"alert_p50_s", p.alert_p50_s},
                   {"alert_p99_s", p.alert_p99_s},
                   {"delivered_fraction", p.delivered_fraction},
                   {"alert_sensitivity", p.alert_sensitivity},
                   {"throughput_per_s", p.throughput_per_s},
                   {"meets", p.meets},
                   {"failed", p.failed}});
  nlohmann::json j = {{"scenario", r.scenario},
                      {"parameter", r.axis.key},
                      {"load_grows_with_parameter", r.axis.load_grows},
                      {"points", pts}};
  j["knee"] = r.knee ? nlohmann::json{{"index", *r.knee},
                                      {"value", r.points[*r.knee].value},
                                      {"x", r.points[*r.knee].x}}
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
      << " value meeting every threshold (scanning from the lightest load).";
  else
    s << "No point meets the thresholds.";
  s << " Red dots: thresholds fail.</p>\n";
  s << chart(
      r, "Ingest latency", "seconds",
      {{"p50", "#36c", &SweepPoint::ingest_p50_s}, {"p99", "#c63", &SweepPoint::ingest_p99_s}});
  s << chart(
      r, "Alert latency", "seconds",
      {{"p50", "#36c", &SweepPoint::alert_p50_s}, {"p99", "#c63", &SweepPoint::alert_p99_s}});
  s << chart(r, "Delivery and alert sensitivity", "fraction",
             {{"acknowledged", "#36c", &SweepPoint::delivered_fraction},
              {"alert sensitivity", "#693", &SweepPoint::alert_sensitivity}});
  s << "<h2>Points</h2><table><tr><th>" << esc(r.axis.key)
    << "</th><th>generated</th><th>p50 ingest s</th><th>p99 ingest s</th><th>p99 alert s</th>"
       "<th>acknowledged</th><th>sensitivity</th><th>meets</th></tr>\n";
  for (const auto& p : r.points)
    s << "<tr><td>" << esc(p.value) << "</td><td>" << p.generated << "</td><td>" << p.ingest_p50_s
      << "</td><td>" << p.ingest_p99_s << "</td><td>" << p.alert_p99_s << "</td><td>"
      << p.delivered_fraction << "</td><td>" << p.alert_sensitivity << "</td><td>"
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
    out << std::left << std::setw(14) << p.value << std::right << std::fixed << std::setprecision(4)
        << std::setw(12) << p.ingest_p50_s << std::setw(12) << p.ingest_p99_s << std::setw(12)
        << p.alert_p99_s << std::setw(10) << std::setprecision(4) << p.delivered_fraction
        << std::setw(12) << p.alert_sensitivity << "  "
        << (!p.ok     ? "no report"
            : p.meets ? "yes"
                      : "no")
        << (r.knee == i ? "   <- knee" : "") << '\n';
  }
  out.unsetf(std::ios::fixed);
  if (r.knee)
    out << "capacity knee: " << r.axis.key << " = " << r.points[*r.knee].value << '\n';
  else
    out << "capacity knee: none (the lightest point "
        << (!r.points.empty() && !r.points.front().ok ? "produced no report"
                                                      : "already fails the thresholds")
        << ")\n";
}

}  // namespace iomtsim::sim::simgrid
