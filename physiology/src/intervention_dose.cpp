// The dose table of cohort_spec.hpp and the SpO2 target's NEWS2 scale. Ranges are usual
// adult doses (docs/clinical.md, "Interventions", gives the sources): the loader accepts
// up to `max`, several times the usual dose, so that an overdose can still be written on
// purpose but a unit slip (400 mg of naloxone) is refused.
//
// Fluids, oxygen, naloxone, antibiotics, insulin, glucose and rate control keep the
// default of 1 they always had, so files written without a dose keep their meaning. The
// diuretic's default is the 40 mg its effect is scaled to (condition_dynamics.cpp): a file
// without a dose gets the same effect as before, and one that writes "40 mg" now gets one
// such dose, not forty.
#include <array>

#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::physiology {
namespace {

constexpr std::array<DoseInfo, kInterventionCount> kDoses = {{
    {"L", 1.0, 0.25, 2.0, 10.0, "crystalloid fluid IV"},
    {"L/min", 1.0, 1.0, 15.0, 60.0, "supplemental oxygen"},
    {"mg", 1.0, 0.04, 0.4, 10.0, "naloxone IV/IM"},
    {"g", 1.0, 1.0, 2.0, 5.0, "IV antibiotics"},
    {"units", 1.0, 2.0, 10.0, 100.0, "rapid-acting insulin"},
    {"g", 1.0, 15.0, 20.0, 100.0, "glucose (oral or IV)"},
    {"mg", 40.0, 40.0, 80.0, 1000.0, "furosemide IV"},
    {"mg", 1.0, 2.5, 10.0, 1000.0, "rate control (e.g. metoprolol IV)"},
    {"mg", 1.0, 0.5, 1.0, 2.0, "glucagon IM/SC"},
    {"mg", 2.5, 2.5, 5.0, 20.0, "nebulised salbutamol"},
    {"mg", 30.0, 30.0, 40.0, 1000.0, "prednisolone-equivalent corticosteroid"},
    {"cmH2O", 20.0, 15.0, 25.0, 30.0, "non-invasive ventilation (inspiratory pressure)"},
}};

}  // namespace

const DoseInfo& dose_info(InterventionKind k) { return kDoses[static_cast<std::size_t>(k)]; }

bool spo2_scale2(const CohortSpec& cohort) {
  // RCP NEWS2 (2017): Scale 2 only with a prescribed 88-92 % target; the loader accepts
  // that range and the usual 94-98 %, nothing else.
  return cohort.spo2_target && cohort.spo2_target->high_pct <= 92.0;
}

}  // namespace iomtsim::physiology
