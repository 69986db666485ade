#include "iomtsim/reports/report.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/render_junit.hpp"

namespace iomtsim::reports {

std::uint64_t observed_patient_seconds(std::span<const PatientSpan> spans) {
  // Spans are one per patient after sort_report; a patient listed twice still counts once,
  // over the union of its spans.
  std::map<physiology::PatientIndex, std::pair<SimTime, SimTime>> stay;
  for (const auto& s : spans) {
    auto [it, fresh] =
        stay.try_emplace(s.patient, std::min(s.first, s.last), std::max(s.first, s.last));
    if (!fresh)
      it->second = {std::min(it->second.first, s.first), std::max(it->second.second, s.last)};
  }
  std::int64_t ns = 0;
  for (const auto& [p, fl] : stay) ns += (fl.second - fl.first).count();
  return static_cast<std::uint64_t>(ns / 1'000'000'000);
}

std::string_view Report::bed_of(physiology::PatientIndex patient) const {
  auto it = std::lower_bound(
      beds.begin(), beds.end(), patient,
      [](const PatientBed& b, physiology::PatientIndex p) { return b.patient < p; });
  return it != beds.end() && it->patient == patient ? std::string_view(it->bed)
                                                    : std::string_view{};
}

void Report::rescore() {
  // Exposure is what was observed: each patient from its first to its last reading (an
  // imported stay for its own span, not the whole scenario). Derived from the spans, so it
  // merges exactly; reports without spans keep the exposure they were written with.
  if (!patient_spans.empty()) run.patient_seconds = observed_patient_seconds(patient_spans);
  alert_latency = Histogram(alert_latency.config());
  for (const auto& a : alerts)
    if (a.trigger_known)
      alert_latency.record((a.alert.received_time - a.trigger_intended_send).count());
  accuracy = score_alerts(episodes, alerts, matching, run.patient_days(), patient_spans);
  sepsis_utility = hourly_sepsis_utility(patient_spans, episodes, alerts, matching.utility_rules);
  ops.rescore();
}

double Report::duration_s() const {
  if (run.end > run.start) return physiology::to_seconds(run.end - run.start);
  if (time_buckets.empty()) return 0.0;
  const auto n = time_buckets.back().index - time_buckets.front().index + 1;
  return physiology::to_seconds(time_bucket_width) * static_cast<double>(n);
}

namespace {
void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw ReportError("cannot open " + p.string() + " for writing");
  out << text;
  out.close();
  if (!out) throw ReportError("failed writing " + p.string());
}
}  // namespace

void write_report_folder(const Report& report, const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw ReportError("cannot create " + folder.string() + ": " + ec.message());
  write_file(folder / "report.json", to_json(report));
  HtmlOptions html;
  if (!report.timeline_patients.empty()) html.timeline_patient = report.timeline_patients.front();
  write_file(folder / "report.html", render_html(report, html));
  write_file(folder / "junit.xml", render_junit(report));
}

Report read_report_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ReportError("cannot open " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return from_json(text.str());
  } catch (const ReportError& e) {
    throw ReportError(file.string() + ": " + e.what());
  }
}

}  // namespace iomtsim::reports
