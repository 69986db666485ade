// The patient timeline section of report.html: what happened to one patient, what the
// devices measured and sent, what the network did and what the target said.
#include <map>
#include <set>

#include "html_page.hpp"
#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/svg_plot.hpp"
#include "timeline_section.hpp"

namespace iomtsim::reports {

namespace {
double minutes(SimTime t) { return physiology::to_seconds(t) / 60.0; }
}  // namespace

std::string timeline_section(const Report& r, std::optional<physiology::PatientIndex> patient) {
  if (!patient)
    return html::section("timeline", "Patient timeline",
                         "<p class=\"note\">No patient selected for the timeline view.</p>\n");
  const auto pid = *patient;
  std::map<physiology::Vital, std::vector<const ReadingTrace*>> by_vital;
  std::set<std::string> profiles;
  for (const auto& t : r.traces)
    if (t.reading.patient == pid) {
      by_vital[t.reading.vital].push_back(&t);
      profiles.insert(t.profile);
    }
  const std::string_view bed = r.bed_of(pid);
  std::string b = "<p>Patient " + std::to_string(pid) +
                  (bed.empty() ? std::string() : " (bed " + xml::escape(std::string(bed)) + ")") +
                  ": " + std::to_string(by_vital.size()) +
                  " vitals traced. Shaded: episodes (orange) and network outages (red); dashed: "
                  "alerts received.</p>\n";
  std::vector<svg::Band> bands;
  for (const auto& e : r.episodes)
    if (e.patient == pid)
      bands.push_back({minutes(e.onset), minutes(e.end), "#ff7f0e",
                       std::string(physiology::name(e.condition)) + " episode"});
  for (const auto& o : r.outages)
    if (profiles.count(o.profile))
      bands.push_back({minutes(o.start), minutes(o.end), "#d62728", "outage: " + o.profile});
  std::vector<svg::Mark> marks;
  for (const auto& a : r.alerts)
    if (a.alert.patient == pid)
      marks.push_back({minutes(a.alert.received_time), "#9467bd", "alert " + a.alert.rule});
  for (const auto& [vital, traces] : by_vital) {
    svg::Series truth{"true", "#2ca02c", svg::Series::Style::Line, {}};
    svg::Series delivered{"sent, acknowledged", "#1f77b4", svg::Series::Style::Points, {}};
    svg::Series undelivered{"sent, not delivered", "#d62728", svg::Series::Style::Points, {}};
    for (const auto* t : traces) {
      const double x = minutes(t->reading.true_time);
      truth.points.emplace_back(x, t->reading.true_value);
      const bool ok = t->has_outcome && t->outcome == Outcome::Acknowledged;
      (ok ? delivered : undelivered).points.emplace_back(x, t->reading.value);
    }
    svg::Plot p = svg::make_plot(std::string(physiology::name(vital)), "scenario time (min)",
                                 std::string(physiology::name(vital)) + " (" +
                                     std::string(physiology::ucum_unit(vital)) + ")",
                                 {truth, delivered, undelivered});
    p.bands = bands;
    p.marks = marks;
    b += svg::render(p);
  }
  return html::section("timeline", "Patient timeline", b);
}

}  // namespace iomtsim::reports
