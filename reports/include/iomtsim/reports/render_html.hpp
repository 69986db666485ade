#pragma once
// Self-contained HTML renderers: one file, no network, no scripts, inline SVG plots with
// labelled axes and units. Output is XHTML-clean (every element closed, attributes
// quoted, text escaped) so it can be checked by an XML parser.
//
// render_html: the run report. Sections, in order, each a <section id="…">:
//   summary (pass/fail per threshold, delivery check), latency (percentile table and
//   CDF plot), over-time (throughput, errors and p50/p99 latency per time bucket),
//   delivery (bucket bars; table per protocol, per network profile and per channel),
//   accuracy (overall, per condition, per rule), timeline (one patient: true and measured
//   vitals, readings sent, outages, episode bands, alerts).
//
// render_preview_html: a scenario preview from series the caller computed (the
// physiology runs elsewhere): per patient, true and measured vitals, episode bands,
// interventions and the NEWS2 of the true vitals.
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/vital.hpp"
#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

struct HtmlOptions {
  std::string title = "iomtsim report";
  std::optional<physiology::PatientIndex> timeline_patient;  // none: no timeline plots
};

std::string render_html(const Report& report, const HtmlOptions& options = {});

// A time series: (scenario time, value) points, ascending in time.
struct SeriesPoint {
  SimTime t{};
  double value = 0.0;
};
struct VitalSeries {
  physiology::Vital vital = physiology::Vital::HeartRate;
  std::vector<SeriesPoint> true_values;
  std::vector<SeriesPoint> measured;
};
struct InterventionMark {
  SimTime t{};
  std::string label;  // e.g. "fluids 1 L"
};
struct PatientPreview {
  physiology::PatientIndex patient = 0;
  std::string label;  // e.g. "patient 3 (sepsis cohort)"
  std::vector<VitalSeries> vitals;
  std::vector<physiology::Episode> episodes;
  std::vector<InterventionMark> interventions;
  std::vector<SeriesPoint> news2;  // NEWS2 total of the true vitals, 0..20
};

std::string render_preview_html(const std::string& title,
                                const std::vector<PatientPreview>& patients);

}  // namespace iomtsim::reports
