#pragma once
// Reproducible random numbers: our own engine and distributions, because the standard
// library's distributions (std::normal_distribution, …) differ between implementations
// and would break "same seed, same bytes on every machine".
//
// Streams are derived, never shared: stream_seed(seed, kind, id…) mixes the scenario
// seed with a stable identity (patient index, device index), so adding a device never
// changes another patient's numbers, and shard K of N draws what the whole run draws.
//
//   Rng rng(stream_seed(scenario_seed, StreamKind::Patient, patient_index));
//   double hr_offset = rng.normal(0.0, 5.0);
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace iomtsim::physiology {

// SplitMix64 finaliser: a bijective mixer with good avalanche.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

enum class StreamKind : std::uint64_t {
  Patient = 1,      // baseline, demographics, variability
  Condition = 2,    // whether and when conditions happen
  Device = 3,       // noise, artifacts, drift, battery
  Network = 4,      // loss, latency, outages for one device or link
  Waveform = 5,     // ECG/PPG morphology and beat jitter
  Target = 6,
  Operations = 7,   // infusion pumps, asset tags, point-of-care imaging (ops/)
};

constexpr std::uint64_t stream_seed(std::uint64_t seed, StreamKind kind, std::uint64_t a,
                                    std::uint64_t b = 0, std::uint64_t c = 0) {
  std::uint64_t h = splitmix64(seed ^ 0x6A09E667F3BCC909ull);
  h = splitmix64(h ^ static_cast<std::uint64_t>(kind));
  h = splitmix64(h ^ a);
  h = splitmix64(h ^ (b + 0x3C6EF372FE94F82Bull));
  return splitmix64(h ^ (c + 0xA54FF53A5F1D36F1ull));
}

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, seeded through SplitMix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      word = splitmix64(seed);
    }
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) (n > 0), by Lemire's multiply-shift, unbiased enough for
  // simulation (bias < n / 2^64).
  std::uint64_t below(std::uint64_t n) {
    __extension__ typedef unsigned __int128 U128;  // __extension__: no -Wpedantic noise
    return static_cast<std::uint64_t>((static_cast<U128>(next_u64()) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by the Marsaglia polar method; the spare value is cached, and is
  // part of the state, so the sequence is reproducible.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }
  // Pareto type I with scale x_m > 0 and shape alpha > 0.
  double pareto(double x_m, double alpha) { return x_m / std::pow(1.0 - uniform(), 1.0 / alpha); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// A distribution as a scenario describes it. Units are the caller's (seconds for times,
// years for ages, …): the scenario loader converts to those before building one.
struct Distribution {
  enum class Kind { Constant, Uniform, Normal, LogNormal, Exponential, Pareto, Empirical };
  Kind kind = Kind::Constant;
  // Constant: a. Uniform: [a, b). Normal: mean a, sd b. LogNormal: median a, sigma b
  // (of the log). Exponential: mean a. Pareto: scale a, shape b. Empirical: values,
  // drawn uniformly (a bootstrap of observed values).
  double a = 0.0;
  double b = 0.0;
  // Optional truncation (applied by clamping) so a normal age never goes negative.
  double min = -HUGE_VAL;
  double max = HUGE_VAL;
  std::vector<double> values;

  static Distribution make(Kind k, double a_, double b_ = 0.0) {
    Distribution d;
    d.kind = k;
    d.a = a_;
    d.b = b_;
    return d;
  }
  static Distribution constant(double v) { return make(Kind::Constant, v); }
  static Distribution uniform(double lo, double hi) { return make(Kind::Uniform, lo, hi); }
  static Distribution normal(double mean, double sd) { return make(Kind::Normal, mean, sd); }

  double sample(Rng& rng) const {
    double x = a;
    switch (kind) {
      case Kind::Constant: x = a; break;
      case Kind::Uniform: x = rng.uniform(a, b); break;
      case Kind::Normal: x = rng.normal(a, b); break;
      case Kind::LogNormal: x = a * std::exp(rng.normal(0.0, b)); break;
      case Kind::Exponential: x = rng.exponential(a); break;
      case Kind::Pareto: x = rng.pareto(a, b); break;
      case Kind::Empirical: x = values.empty() ? 0.0 : values[rng.below(values.size())]; break;
    }
    return x < min ? min : (x > max ? max : x);
  }
  // The mean, for explain/preview texts (ignores truncation).
  double mean() const;
  bool operator==(const Distribution&) const = default;
};

}  // namespace iomtsim::physiology
