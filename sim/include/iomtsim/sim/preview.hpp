#pragma once
// What a scenario produces, straight from the physiology, with no target and no network:
// for `iomtsim preview`, so a clinician authoring a scenario sees true and measured
// vitals, episodes and the NEWS2 the true vitals would score before anyone runs it.
#include <cstdint>
#include <vector>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

struct PreviewOptions {
  std::uint32_t patients = 4;                                // how many; those with episodes first
  physiology::Duration true_step = std::chrono::minutes(5);  // sampling of true vitals
};

// Series for the chosen patients. Patients with an episode come first (searched among the
// first 500); the rest are picked one per cohort in turn (cohort 0's first patient, cohort
// 1's first, …, then each cohort's second), so a preview of a mixed scenario shows every
// cohort. Each patient carries the interventions the scenario gives it, and a NEWS2 series
// only when its devices measure a NEWS2 vital sign.
std::vector<reports::PatientPreview> build_preview(const scenarios::Scenario& scenario,
                                                   const PreviewOptions& options);

}  // namespace iomtsim::sim
