#pragma once
// The alert part of a run's console summary: detection with its chance level and lift,
// lead time from the clinical criteria with its chance level, false alerts per
// patient-day over the observed patient-days, and the sepsis utility. Plain lines, one
// fact each, for `run`, `simulate` and `replay` to print after their delivery line.
//
//   std::cerr << alert_summary(report);
//   // alerts: 41 (1.2 false per patient-day over 10.0 patient-days)
//   // detection: sensitivity 0.83 (5/6 episodes); chance 0.31, lift +0.52
//   // lead from criteria: median 4.5 min; chance median 71.2 min, lift -66.7 min
//   // sepsis utility (PhysioNet 2019, normalised): 0.27 over 20 patients, 6 septic
#include <string>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

// Empty when the run had neither episodes nor alerts; a single INVALID line instead of
// any score when delivery_invalid_reason (validity.hpp) holds.
std::string alert_summary(const Report& report);

// The imaging line of the console summary, empty without imaging results:
//   imaging: 40 results, 38 acknowledged; 38 retrievable from the PACS (p50 1.2 s, p95 2.9 s);
//   36 charted (p50 4.1 s, p95 9.8 s)
std::string imaging_summary(const Report& report);

}  // namespace iomtsim::reports
