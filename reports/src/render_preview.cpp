// The scenario preview page: what a clinician checks before running a scenario.
#include <algorithm>

#include "html_page.hpp"
#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/svg_plot.hpp"

namespace iomtsim::reports {

namespace {

double hours(SimTime t) { return physiology::to_seconds(t) / 3600.0; }

svg::Series series(const std::string& label, const std::string& color, svg::Series::Style style,
                   const std::vector<SeriesPoint>& pts) {
  svg::Series s{label, color, style, {}};
  s.points.reserve(pts.size());
  for (const auto& p : pts) s.points.emplace_back(hours(p.t), p.value);
  return s;
}

// Units as a clinician writes them on a chart, not as UCUM codes ("mm[Hg]", "Cel").
std::string shown_unit(physiology::Vital v) {
  const std::string_view ucum = physiology::ucum_unit(v);
  if (ucum == "mm[Hg]") return "mmHg";
  if (ucum == "Cel") return "\u00B0C";
  if (ucum == "{ACVPU}") return "ACVPU";
  return std::string(ucum);
}

std::string patient_section(const PatientPreview& p) {
  std::vector<svg::Band> bands;
  for (const auto& e : p.episodes)
    bands.push_back({hours(e.onset), hours(e.end), "#ff7f0e",
                     std::string(physiology::name(e.condition)) + " episode, severity " +
                         xml::num(e.severity, 2)});
  std::vector<svg::Mark> marks;
  for (const auto& i : p.interventions) marks.push_back({hours(i.t), "#9467bd", i.label});

  std::string b = "<p>";
  if (p.episodes.empty()) b += "No episodes.";
  for (const auto& e : p.episodes)
    b += xml::escape(std::string(physiology::name(e.condition))) + " from " +
         xml::num(hours(e.onset)) + " h to " + xml::num(hours(e.end)) + " h" +
         (e.criteria_met ? " (criteria met at " + xml::num(hours(*e.criteria_met)) + " h)" : "") +
         ". ";
  for (const auto& i : p.interventions)
    b += xml::escape(i.label) + " at " + xml::num(hours(i.t)) + " h. ";
  b += "</p>\n";
  for (const auto& v : p.vitals) {
    svg::Plot plot =
        svg::make_plot(std::string(physiology::name(v.vital)), "scenario time (h)",
                       std::string(physiology::name(v.vital)) + " (" + shown_unit(v.vital) + ")",
                       {series("true", "#2ca02c", svg::Series::Style::Line, v.true_values),
                        series("measured", "#1f77b4", svg::Series::Style::Points, v.measured)});
    plot.bands = bands;
    plot.marks = marks;
    b += svg::render(plot);
  }
  if (!p.news2.empty()) {
    svg::Plot plot =
        svg::make_plot("NEWS2 of the true vitals", "scenario time (h)", "NEWS2 (points)",
                       {series("NEWS2", "#d62728", svg::Series::Style::Step, p.news2)});
    plot.y_range = {{0.0, 20.0}};
    plot.bands = bands;
    plot.marks = marks;
    b += svg::render(plot);
  }
  const std::string label = p.label.empty() ? "Patient " + std::to_string(p.patient) : p.label;
  return html::section("patient-" + std::to_string(p.patient), label, b);
}

}  // namespace

std::string render_preview_html(const std::string& title,
                                const std::vector<PatientPreview>& patients) {
  std::string o = html::page_begin(title);
  o += "<p class=\"note\">Shaded bands: ground-truth episodes; dashed lines: interventions. "
       "Green lines are the noise-free vitals, blue points what the devices would send.</p>\n";
  for (const auto& p : patients) o += patient_section(p);
  o += html::page_end();
  return o;
}

}  // namespace iomtsim::reports
