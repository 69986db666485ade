// Which charted values are present (cohort_spec.hpp, Charting). The ICU fractions are the
// share of charted hours (from a stay's first hour with a vital sign to its last) with a
// value in the PhysioNet/CinC 2019 sample the project ships (data/physionet2019: 300 stays,
// 11,993 such hours); see docs/clinical.md, "Charting".
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
          return 0.92;
        case Vital::SpO2:
          return 0.90;
        case Vital::Temperature:
          return 0.36;
        case Vital::SystolicBP:
        case Vital::DiastolicBP:
        case Vital::MeanBP:
          return 0.91;
        case Vital::RespRate:
          return 0.83;
        default:
          return 0.9;
      }
    case Charting::WardSpotChecks:
      return 0.95;
  }
  return 1.0;
}

}  // namespace iomtsim::physiology
