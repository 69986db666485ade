#pragma once
// The canonical order of every list in a Report, so that a merged report and a single
// run over the same data serialise to the same bytes whatever the thread interleaving.
#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

void sort_report(Report& r);

}  // namespace iomtsim::reports
