#include "iomtsim/rules/qsofa.hpp"

#include <cmath>

namespace iomtsim::rules {

QsofaResult qsofa(const QsofaInputs& in) {
  QsofaResult r;
  if (in.systolic_mmhg) {
    ++r.parameters_present;
    if (std::lround(*in.systolic_mmhg) <= 100) ++r.points;
  }
  if (in.resp_rate_per_min) {
    ++r.parameters_present;
    if (std::lround(*in.resp_rate_per_min) >= 22) ++r.points;
  }
  if (in.consciousness_acvpu) {
    ++r.parameters_present;
    if (std::lround(*in.consciousness_acvpu) > 0) ++r.points;
  }
  r.positive = r.points >= 2;
  return r;
}

}  // namespace iomtsim::rules
