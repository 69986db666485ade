// Which charted values are present (cohort_spec.hpp, Charting). The ICU fractions are the
// share of hours with a value in the PhysioNet/CinC 2019 sample the project ships
// (data/physionet2019: 300 stays, 12,408 hours); see docs/clinical.md, "Charting".
#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::physiology {

double charted_presence(Charting c, Vital v) {
  switch (c) {
    case Charting::None:
      return 1.0;
    case Charting::IcuHourly:
      switch (v) {
        case Vital::HeartRate:
        case Vital::PulseRate:
          return 0.89;
        case Vital::SpO2:
          return 0.87;
        case Vital::Temperature:
          return 0.34;
        case Vital::SystolicBP:
        case Vital::DiastolicBP:
        case Vital::MeanBP:
          return 0.88;
        case Vital::RespRate:
          return 0.80;
        default:
          return 0.9;
      }
    case Charting::WardSpotChecks:
      return 0.95;
  }
  return 1.0;
}

}  // namespace iomtsim::physiology
