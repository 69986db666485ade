// The "Operations" section of report.html: pump alarms, asset tracking and imaging, each
// row a metric of the catalogue (scenarios/metrics.hpp) with its value, unit and meaning:
// the names and units thresholds use, read by the same accessor.
#include <cmath>

#include "html_page.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "ops_section.hpp"
#include "xml_text.hpp"

namespace iomtsim::reports {

namespace {

// The operations figures shown, in order; latency families show p50 and p99.
constexpr std::string_view kRows[] = {
    "pump_alarms.count",
    "pump_alarms.delivered",
    "pump_alarms.delivery_fraction",
    "pump_alarms.latency.p50",
    "pump_alarms.latency.p99",
    "assets.queries",
    "assets.correct_fraction",
    "assets.unanswered",
    "assets.staleness.p50",
    "assets.staleness.p99",
    "assets.locate_time.p50",
    "assets.locate_time.p99",
    "imaging.count",
    "imaging.acknowledged",
    "imaging.throughput_mib_s",
    "imaging.result_latency.p50",
    "imaging.result_latency.p99",
    "imaging.retrievable",
    "imaging.result_to_pacs.p50",
    "imaging.result_to_pacs.p95",
    "imaging.charted",
    "imaging.result_to_chart.p50",
    "imaging.result_to_chart.p95",
    "imaging.vitals_latency_during.p50",
    "imaging.vitals_latency_during.p99",
    "imaging.vitals_latency_outside.p50",
    "imaging.vitals_latency_outside.p99",
};

}  // namespace

std::string ops_section(const Report& r) {
  if (r.ops.empty()) return {};
  std::string b =
      "<table><tr><th class=\"l\">metric</th><th>value</th><th class=\"l\">meaning</th></tr>\n";
  for (const auto name : kRows) {
    const auto m = scenarios::resolve_metric(name);
    if (!m) continue;  // a catalogue test keeps every row a catalogue name
    const double v = metric_value(r, *m);
    b += "<tr>" + html::cell(m->name, true) +
         html::cell(std::isnan(v) ? std::string("–") : format_metric_value(*m, v)) +
         html::cell(std::string(m->description), true) + "</tr>\n";
  }
  b += "</table>\n";
  return html::section("operations", "Operations: pumps, assets, imaging", b);
}

}  // namespace iomtsim::reports
