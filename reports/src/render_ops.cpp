// The "Operations" section of report.html: pump alarms, asset tracking and imaging, each
// as a small table of the scores thresholds use (same names, same units).
#include <cmath>

#include "html_page.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "ops_section.hpp"
#include "xml_text.hpp"

namespace iomtsim::reports {

namespace {

std::string scaled(const Histogram& h, double p, double unit_ns) {
  return h.empty() ? "–" : xml::num(static_cast<double>(h.value_at_percentile(p)) / unit_ns, 4);
}
std::string value(double v, int digits = 4) { return std::isnan(v) ? "–" : xml::num(v, digits); }

std::string row(const std::string& name, const std::string& v, const std::string& what) {
  return "<tr>" + html::cell(name, true) + html::cell(v) + html::cell(what, true) + "</tr>\n";
}

// Milliseconds for latencies, seconds for staleness (minutes old is normal there).
std::string latency_rows(const std::string& name, const Histogram& h, const std::string& what,
                         bool seconds = false) {
  const double unit = seconds ? 1e9 : 1e6;
  const std::string u = seconds ? " (s)" : " (ms)";
  return row(name + ".p50" + u, scaled(h, 50, unit), what) +
         row(name + ".p99" + u, scaled(h, 99, unit), what);
}

}  // namespace

std::string ops_section(const Report& r) {
  const OpsReport& o = r.ops;
  if (o.empty()) return {};
  const OpsScores& s = o.scores;
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  std::string b =
      "<table><tr><th class=\"l\">metric</th><th>value</th><th class=\"l\">meaning</th></tr>\n";
  b += row("pump_alarms.count", n(s.pump_alarms), "pump alarms generated (ground truth)");
  b +=
      row("pump_alarms.delivered", n(s.pump_alarms_delivered), "alarms that came back as an alert");
  b += row("pump_alarms.delivery_fraction", value(s.pump_delivery_fraction),
           "delivered / generated");
  b += latency_rows("pump_alarms.latency", s.pump_alarm_latency, "alarm sent to alert received");
  b += row("assets.queries", n(s.asset_queries), "GET /assets/{id} asked");
  b += row("assets.correct_fraction", value(s.asset_correct_fraction),
           "answer in the asset's true zone");
  b += row("assets.unanswered", n(s.asset_unanswered), "target knew no location");
  b += latency_rows("assets.staleness", s.asset_staleness, "time since the target was last right",
                    true);
  b += latency_rows("assets.locate_time", s.asset_locate_time, "request to answer");
  b += row("imaging.count", n(s.imaging_results), "results generated");
  b += row("imaging.acknowledged", n(s.imaging_acked), "results acknowledged");
  b += row("imaging.throughput_mib_s", value(s.imaging_throughput_mib_s),
           "MiB acknowledged per second");
  b += latency_rows("imaging.result_latency", s.imaging_latency, "acquisition to acknowledged");
  b += latency_rows("imaging.vitals_latency_during", o.vitals_latency_during_imaging,
                    "vital signs sent while their link carried imaging");
  b += latency_rows("imaging.vitals_latency_outside", o.vitals_latency_outside_imaging,
                    "vital signs sent otherwise");
  b += "</table>\n";
  return html::section("operations", "Operations: pumps, assets, imaging", b);
}

}  // namespace iomtsim::reports
