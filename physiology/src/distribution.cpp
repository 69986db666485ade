#include <cmath>

#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology {

double Distribution::mean() const {
  switch (kind) {
    case Kind::Constant: return a;
    case Kind::Uniform: return 0.5 * (a + b);
    case Kind::Normal: return a;
    case Kind::LogNormal: return a * std::exp(0.5 * b * b);  // a is the median
    case Kind::Exponential: return a;
    case Kind::Pareto: return b > 1.0 ? a * b / (b - 1.0) : HUGE_VAL;
    case Kind::Empirical: {
      if (values.empty()) return 0.0;
      double s = 0.0;
      for (double v : values) s += v;
      return s / static_cast<double>(values.size());
    }
  }
  return a;
}

}  // namespace iomtsim::physiology
