#pragma once
// Smooth pseudo-random functions of time ("value noise"): a hashed random value at every
// lattice point, joined by a smoothstep. A pure function of (key, t), so a patient's
// variability is the same whoever asks and in whatever order, and costs two hashes
// instead of a random draw per query (the reason: true_vitals() must never perturb the
// generated stream, and the numerics budget is ~50 ns per value).
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <cstdint>

#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology::detail {

// Uniform in [-1, 1) for lattice point i of stream `key`.
inline double lattice_value(std::uint64_t key, std::int64_t i) {
  const std::uint64_t h = splitmix64(key ^ (static_cast<std::uint64_t>(i) * 0xD1B54A32D192ED03ull));
  return static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0;
}

// Value noise with lattice spacing `spacing_s`, amplitude about ±1 (sd ≈ 0.45).
inline double value_noise(std::uint64_t key, double t_s, double spacing_s) {
  const double x = t_s / spacing_s;
  const double f = std::floor(x);
  const auto i = static_cast<std::int64_t>(f);
  double u = x - f;
  u = u * u * (3.0 - 2.0 * u);
  const double a = lattice_value(key, i);
  const double b = lattice_value(key, i + 1);
  return a + (b - a) * u;
}

// value_noise() for N channels whose queries move slowly through their lattices (1 Hz
// numerics on 4-20 s lattices): keeps each channel's current cell and its two lattice
// values, so a query inside that cell skips the floor and both hashes. Bit-identical to
// value_noise() for any query order (a miss recomputes); a pure memo, so it never
// changes what is generated. Cells are int32 (20 bytes a channel, the 4 KiB patient
// budget is tight); lattice indices outside [0, 2^31) are evaluated uncached.
template <std::size_t N>
class ValueNoiseCells {
 public:
  ValueNoiseCells() { cell_.fill(INT32_MIN); }  // no query is ever in cell INT32_MIN

  double eval(std::size_t c, std::uint64_t key, double t_s, double spacing_s) {
    const double x = t_s / spacing_s;
    double lo = static_cast<double>(cell_[c]);
    if (!(x >= lo && x < lo + 1.0)) {
      lo = std::floor(x);
      if (!(lo >= 0.0 && lo < 2147483647.0)) return value_noise(key, t_s, spacing_s);
      const auto i = static_cast<std::int64_t>(lo);
      cell_[c] = static_cast<std::int32_t>(i);
      a_[c] = lattice_value(key, i);
      b_minus_a_[c] = lattice_value(key, i + 1) - a_[c];
    }
    double u = x - lo;  // lo == floor(x) exactly: the same u as value_noise()
    u = u * u * (3.0 - 2.0 * u);
    return a_[c] + b_minus_a_[c] * u;
  }

 private:
  std::array<std::int32_t, N> cell_;
  std::array<double, N> a_{};
  std::array<double, N> b_minus_a_{};
};

// Four independent value noises on one lattice from one hash per lattice point (16 bits
// each): slow wander of several vitals for the price of one.
inline void value_noise4(std::uint64_t key, double t_s, double spacing_s, double (&out)[4]) {
  const double x = t_s / spacing_s;
  const double f = std::floor(x);
  const auto i = static_cast<std::int64_t>(f);
  double u = x - f;
  u = u * u * (3.0 - 2.0 * u);
  const std::uint64_t ha = splitmix64(key ^ (static_cast<std::uint64_t>(i) * 0xD1B54A32D192ED03ull));
  const std::uint64_t hb = splitmix64(key ^ (static_cast<std::uint64_t>(i + 1) * 0xD1B54A32D192ED03ull));
  for (int j = 0; j < 4; ++j) {
    const double a = static_cast<double>((ha >> (16 * j)) & 0xFFFF) * (1.0 / 32768.0) - 1.0;
    const double b = static_cast<double>((hb >> (16 * j)) & 0xFFFF) * (1.0 / 32768.0) - 1.0;
    out[j] = a + (b - a) * u;
  }
}

// value_noise4() memoised like ValueNoiseCells: per channel the current cell and its two
// lattice hashes (the four 16-bit values are cheap to unpack again). Bit-identical to
// value_noise4() for any query order.
template <std::size_t N>
class ValueNoise4Cells {
 public:
  ValueNoise4Cells() { cell_.fill(INT32_MIN); }

  void eval(std::size_t c, std::uint64_t key, double t_s, double spacing_s, double (&out)[4]) {
    const double x = t_s / spacing_s;
    double lo = static_cast<double>(cell_[c]);
    if (!(x >= lo && x < lo + 1.0)) {
      lo = std::floor(x);
      if (!(lo >= 0.0 && lo < 2147483647.0)) return value_noise4(key, t_s, spacing_s, out);
      const auto i = static_cast<std::int64_t>(lo);
      cell_[c] = static_cast<std::int32_t>(i);
      ha_[c] = splitmix64(key ^ (static_cast<std::uint64_t>(i) * 0xD1B54A32D192ED03ull));
      hb_[c] = splitmix64(key ^ (static_cast<std::uint64_t>(i + 1) * 0xD1B54A32D192ED03ull));
    }
    double u = x - lo;
    u = u * u * (3.0 - 2.0 * u);
    for (int j = 0; j < 4; ++j) {
      const double a = static_cast<double>((ha_[c] >> (16 * j)) & 0xFFFF) * (1.0 / 32768.0) - 1.0;
      const double b = static_cast<double>((hb_[c] >> (16 * j)) & 0xFFFF) * (1.0 / 32768.0) - 1.0;
      out[j] = a + (b - a) * u;
    }
  }

 private:
  std::array<std::int32_t, N> cell_;
  std::array<std::uint64_t, N> ha_{};
  std::array<std::uint64_t, N> hb_{};
};

// Round to nearest (ties away from zero) without a libm call: the cast truncates.
// copysign rather than `x >= 0 ? 0.5 : -0.5`: the same sum for every non-NaN x (for -0.0
// both give 0), but no branch, which mispredicted on noisy inputs.
inline double round_nearest(double x) {
  return static_cast<double>(static_cast<std::int64_t>(x + std::copysign(0.5, x)));
}

// `cond ? a : b` for doubles as a bit mask, so the compiler cannot emit a branch (the
// conditions in fast_sin are data-dependent and unpredictable).
inline double select(bool cond, double a, double b) {
  const std::uint64_t m = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(cond);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & m) | (std::bit_cast<std::uint64_t>(b) & ~m));
}

// sin(x) by range reduction to [-pi, pi] and an odd Taylor/minimax polynomial (abs error
// < 1e-6, ample for physiological variability). Our own so that outputs do not depend
// on the platform's libm, and cheaper than a libm call in the numerics hot path.
inline double fast_sin(double x) {
  constexpr double kTwoPi = 6.283185307179586;
  constexpr double kPi = 3.141592653589793;
  x -= kTwoPi * round_nearest(x * (1.0 / kTwoPi));  // now in [-pi, pi]
  // Fold into [-pi/2, pi/2] where the polynomial is accurate: sin(pi - x) = sin(x) and
  // sin(-pi - x) = sin(x). Branch-free: the quadrant of a breathing-rate phase sampled
  // every second is close to random, so branches here mispredicted about half the time.
  x = select(std::fabs(x) > 0.5 * kPi, std::copysign(kPi, x) - x, x);
  const double x2 = x * x;
  return x * (1.0 + x2 * (-1.6666666666666666e-01 +
                          x2 * (8.3333333333333332e-03 +
                                x2 * (-1.9841269841269841e-04 + x2 * (2.7557319223985893e-06 + x2 * -2.505210838544172e-08)))));
}

// sin(x) from a 1024-point table with linear interpolation (abs error < 6e-6). For the
// per-value heart-rate HF term: a multiply, a floor, two loads and a lerp, where
// fast_sin() is a chain of ~25 dependent operations whose latency the out-of-order core
// could not hide (7 ns of a 45 ns value). The table is built with fast_sin(), not libm,
// so it is the same on every platform. |x| must stay below ~5e15 (the floor's cast).
inline double table_sin(double x) {
  constexpr double kTwoPi = 6.283185307179586;
  constexpr std::size_t kN = 1024;
  static const std::array<double, kN + 1> table = [] {
    std::array<double, kN + 1> t{};
    for (std::size_t i = 0; i <= kN; ++i) t[i] = fast_sin(kTwoPi * static_cast<double>(i) / static_cast<double>(kN));
    return t;
  }();
  const double p = x * (static_cast<double>(kN) / kTwoPi);
  const double f = std::floor(p);
  const auto i = static_cast<std::size_t>(static_cast<std::int64_t>(f) & static_cast<std::int64_t>(kN - 1));
  const double u = p - f;
  return table[i] + (table[i + 1] - table[i]) * u;
}

// An approximately standard normal variate from one 64-bit draw: the sum of four 16-bit
// uniforms (Irwin-Hall), rescaled to unit variance. Bounded at ±3.46 sd, which suits
// measurement noise, and ~5x cheaper than the polar method's log and sqrt.
inline double fast_normal(std::uint64_t bits) {
  const double s = static_cast<double>((bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48));
  return (s * (1.0 / 65536.0) - 2.0) * 1.7320508075688772;
}

// Hour of the day (scenario time 0 is midnight), in [0, 24).
inline double hour_of_day(double t_s) {
  const double days = t_s * (1.0 / 86400.0);
  return (days - std::floor(days)) * 24.0;
}

// Uniform in [0, 1) from a key and an integer (stateless, for decisions that several
// measures of one device must share, such as the jitter of one spot check).
inline double hash_uniform(std::uint64_t key, std::int64_t i) {
  return 0.5 * (lattice_value(key, i) + 1.0);
}

}  // namespace iomtsim::physiology::detail
