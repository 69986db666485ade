#include "sorting.hpp"

#include <algorithm>
#include <tuple>

namespace iomtsim::reports {

void sort_report(Report& r) {
  std::sort(r.channels.begin(), r.channels.end(), [](const auto& a, const auto& b) {
    return std::tie(a.protocol, a.profile) < std::tie(b.protocol, b.profile);
  });
  std::sort(r.time_buckets.begin(), r.time_buckets.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  std::sort(r.episodes.begin(), r.episodes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.patient, a.id, a.onset) < std::tie(b.patient, b.id, b.onset);
  });
  std::sort(r.alerts.begin(), r.alerts.end(), [](const AlertRecord& x, const AlertRecord& y) {
    const auto& a = x.alert;
    const auto& b = y.alert;
    return std::tie(a.received_time, a.patient, a.rule, a.trigger_reading_id, a.trigger_time,
                    a.alert_id, a.score,
                    a.severity) < std::tie(b.received_time, b.patient, b.rule, b.trigger_reading_id,
                                           b.trigger_time, b.alert_id, b.score, b.severity);
  });
  std::sort(r.traces.begin(), r.traces.end(),
            [](const auto& a, const auto& b) { return a.reading.id < b.reading.id; });
  std::sort(r.outages.begin(), r.outages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.profile, a.start, a.end) < std::tie(b.profile, b.start, b.end);
  });
  // Spans of one patient (from several shards or threads) become one.
  std::sort(r.patient_spans.begin(), r.patient_spans.end(),
            [](const auto& a, const auto& b) { return a.patient < b.patient; });
  std::vector<PatientSpan> spans;
  for (const auto& s : r.patient_spans) {
    if (!spans.empty() && spans.back().patient == s.patient) {
      spans.back().first = std::min(spans.back().first, s.first);
      spans.back().last = std::max(spans.back().last, s.last);
    } else {
      spans.push_back(s);
    }
  }
  r.patient_spans = std::move(spans);
  std::sort(r.beds.begin(), r.beds.end(),
            [](const auto& a, const auto& b) { return a.patient < b.patient; });
  r.beds.erase(std::unique(r.beds.begin(), r.beds.end(),
                           [](const auto& a, const auto& b) { return a.patient == b.patient; }),
               r.beds.end());
  std::sort(r.timeline_patients.begin(), r.timeline_patients.end());
  r.timeline_patients.erase(std::unique(r.timeline_patients.begin(), r.timeline_patients.end()),
                            r.timeline_patients.end());
}

}  // namespace iomtsim::reports
