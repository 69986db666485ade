#include "chart_section.hpp"
#include "html_page.hpp"

namespace iomtsim::reports {
namespace {

using html::cell;
using xml::num;

double seconds(std::int64_t ns) { return static_cast<double>(ns) * 1e-9; }

std::string count_row(const std::string& what, std::uint64_t n, bool bad_when_nonzero,
                      const std::vector<std::string>& examples) {
  std::string ex;
  for (const auto& e : examples) ex += (ex.empty() ? "" : "\n") + e;
  const bool bad = bad_when_nonzero && n > 0;
  return "<tr>" + cell(what, true) + "<td class=\"" + (bad ? "fail" : "") + "\">" +
         std::to_string(n) +
         "</td><td class=\"l\"><pre style=\"margin:0;white-space:pre-wrap;font-size:85%\">" +
         xml::escape(ex) + "</pre></td></tr>\n";
}

}  // namespace

std::string chart_section(const Report& r) {
  const auto& c = r.chart;
  if (c.empty()) return {};
  std::string b =
      "<p class=\"note\">The acknowledged readings read back from the target's record by FHIR "
      "search (identifier and _lastUpdated). Charted: found at least once; missing: never found "
      "by the end of the settle time; duplicated: found as more than one resource; mismatched: "
      "found with a field other than sent (each field also counted on its own). Time to chart "
      "runs from the device's measurement to the first time the reading was searchable (the "
      "resource's meta.lastUpdated, else when it was found).</p>\n";
  b += "<table><tr><th class=\"l\">readings</th><th>count</th><th class=\"l\">first "
       "examples</th></tr>\n";
  b += count_row("acknowledged and looked for", c.tracked, false, {});
  b += count_row("charted", c.charted, false, {});
  b += count_row("missing", c.missing, true, c.missing_examples);
  b += count_row("duplicated", c.duplicated, true, c.duplicated_examples);
  b += count_row("mismatched", c.mismatched, true, {});
  for (std::size_t i = 0; i < kChartFieldCount; ++i)
    b += count_row("  mismatched " + std::string(chart_field_name(static_cast<ChartField>(i))),
                   c.mismatches[i].count, true, c.mismatches[i].examples);
  if (c.unacknowledged_found)
    b += count_row("found though never acknowledged", c.unacknowledged_found, false, {});
  if (c.untracked) b += count_row("not looked for (memory bound)", c.untracked, false, {});
  b += "</table>\n";
  const auto& h = c.time_to_chart;
  b += "<table><tr><th class=\"l\">time to chart</th><th>count</th><th>p50 (s)</th><th>p90 "
       "(s)</th><th>p99 (s)</th><th>max (s)</th></tr>\n<tr>" +
       cell("measurement → searchable", true) + cell(std::to_string(h.count()));
  for (double p : {50.0, 90.0, 99.0})
    b += cell(h.empty() ? "n/a" : num(seconds(h.value_at_percentile(p)), 4));
  b += cell(h.empty() ? "n/a" : num(seconds(h.max()), 4)) + "</tr>\n</table>\n";
  b += "<p class=\"note\">" + std::to_string(c.requests) + " search requests.</p>\n";
  return html::section("chart", "Time to chart", b);
}

std::string chart_junit_properties(const Report& r) {
  const auto& c = r.chart;
  if (c.empty()) return {};
  auto prop = [](const std::string& name, const std::string& value) {
    return "      <property name=\"" + name + "\" value=\"" + xml::escape(value) + "\"/>\n";
  };
  std::string o = prop("chart.charted", std::to_string(c.charted)) +
                  prop("chart.missing", std::to_string(c.missing)) +
                  prop("chart.duplicated", std::to_string(c.duplicated)) +
                  prop("chart.mismatched", std::to_string(c.mismatched));
  for (std::size_t i = 0; i < kChartFieldCount; ++i)
    o += prop("chart.mismatched." + std::string(chart_field_name(static_cast<ChartField>(i))),
              std::to_string(c.mismatches[i].count));
  if (!c.time_to_chart.empty())
    o += prop("chart.time_to_chart.p99",
              xml::num(seconds(c.time_to_chart.value_at_percentile(99)), 6) + " s");
  return o;
}

}  // namespace iomtsim::reports
