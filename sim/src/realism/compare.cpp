// Kolmogorov–Smirnov comparison of two hourly charts and its text table (realism.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "iomtsim/sim/realism.hpp"

namespace iomtsim::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2), the Kolmogorov
// distribution's tail.
double q_ks(double lambda) {
  if (lambda < 0.2) return 1.0;
  double sum = 0.0, sign = 1.0, previous = 0.0;
  for (int j = 1; j <= 100; ++j) {
    const double term = sign * std::exp(-2.0 * j * j * lambda * lambda);
    sum += term;
    if (std::abs(term) <= 1e-12 * std::abs(previous) || std::abs(term) < 1e-300) break;
    previous = term;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Samples {
  std::array<std::vector<double>, kChartVitals> stable, septic, change;
  std::array<std::size_t, kChartVitals> present{};
  std::size_t hours = 0, stays = 0, septic_stays = 0;
};

Samples collect(const HourlyChart& chart) {
  Samples s;
  for (const auto& stay : chart) {
    ++s.stays;
    s.septic_stays += stay.septic ? 1 : 0;
    for (std::size_t i = 0; i < stay.hours.size(); ++i) {
      const ChartHour& h = stay.hours[i];
      ++s.hours;
      for (std::size_t k = 0; k < kChartVitals; ++k) {
        if (!h.values[k]) continue;
        ++s.present[k];
        if (h.compared && h.septic)
          s.septic[k].push_back(*h.values[k]);
        else if (h.compared && !stay.septic)
          s.stable[k].push_back(*h.values[k]);
        if (i > 0 && stay.hours[i - 1].values[k])
          s.change[k].push_back(*h.values[k] - *stay.hours[i - 1].values[k]);
      }
    }
  }
  return s;
}

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.insert(0, w - s.size(), ' ');
  return s;
}

}  // namespace

KsResult ks_two_sample(std::vector<double> a, std::vector<double> b) {
  KsResult r;
  r.n_a = a.size();
  r.n_b = b.size();
  if (a.empty() || b.empty()) {
    r.d = r.p = kNaN;
    return r;
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0.0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() && j < b.size()) {
    // Step past every copy of the smaller value in both samples (ties move together).
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  r.d = d;
  const double ne = std::sqrt(na * nb / (na + nb));
  r.p = q_ks((ne + 0.12 + 0.11 / ne) * d);
  return r;
}

RealismTable compare_hourly(const HourlyChart& generated, const HourlyChart& real) {
  const Samples g = collect(generated), r = collect(real);
  RealismTable t;
  t.stays_generated = g.stays;
  t.stays_real = r.stays;
  t.septic_stays_generated = g.septic_stays;
  t.septic_stays_real = r.septic_stays;
  t.hours_generated = g.hours;
  t.hours_real = r.hours;
  for (std::size_t k = 0; k < kChartVitals; ++k) {
    auto row = [&](const char* hours, const std::vector<double>& a, const std::vector<double>& b) {
      RealismRow x;
      x.vital = kChartVitalNames[k];
      x.hours = hours;
      x.n_generated = a.size();
      x.n_real = b.size();
      x.median_generated = median(a);
      x.median_real = median(b);
      x.ks = ks_two_sample(a, b);
      t.rows.push_back(std::move(x));
    };
    row("stable", g.stable[k], r.stable[k]);
    row("septic", g.septic[k], r.septic[k]);
    row("change", g.change[k], r.change[k]);
    t.present_generated[k] =
        g.hours ? static_cast<double>(g.present[k]) / static_cast<double>(g.hours) : kNaN;
    t.present_real[k] =
        r.hours ? static_cast<double>(r.present[k]) / static_cast<double>(r.hours) : kNaN;
    t.separation_generated[k] = ks_two_sample(g.septic[k], g.stable[k]).d;
    t.separation_real[k] = ks_two_sample(r.septic[k], r.stable[k]).d;
  }
  return t;
}

std::string format_realism(const RealismTable& t) {
  std::string o;
  o += "stays: generated " + std::to_string(t.stays_generated) + " (" +
       std::to_string(t.septic_stays_generated) + " septic, " + std::to_string(t.hours_generated) +
       " hours), real " + std::to_string(t.stays_real) + " (" +
       std::to_string(t.septic_stays_real) + " septic, " + std::to_string(t.hours_real) +
       " hours)\n\n";
  o += "hourly values, generated vs real (two-sample Kolmogorov-Smirnov)\n";
  o += "vital  hours      n gen   n real  median gen  median real   KS D   p\n";
  for (const auto& r : t.rows) {
    std::string line = r.vital;
    line.resize(7, ' ');
    std::string hours = r.hours;
    hours.resize(7, ' ');
    o += line + hours + pad(std::to_string(r.n_generated), 9) + pad(std::to_string(r.n_real), 9) +
         pad(fmt("%.1f", r.median_generated), 12) + pad(fmt("%.1f", r.median_real), 13) +
         pad(fmt("%.3f", r.ks.d), 8) + pad(fmt("%.2g", r.ks.p), 9) + "\n";
  }
  o += "\nhours with a value (missingness), and how separable septic hours are from stable ones\n";
  o += "(KS D septic vs stable hours, within each dataset)\n";
  o += "vital  present gen  present real  separation gen  separation real\n";
  for (std::size_t k = 0; k < kChartVitals; ++k) {
    std::string line = kChartVitalNames[k];
    line.resize(7, ' ');
    o += line + pad(fmt("%.2f", t.present_generated[k]), 11) +
         pad(fmt("%.2f", t.present_real[k]), 14) + pad(fmt("%.3f", t.separation_generated[k]), 16) +
         pad(fmt("%.3f", t.separation_real[k]), 17) + "\n";
  }
  return o;
}

}  // namespace iomtsim::sim
