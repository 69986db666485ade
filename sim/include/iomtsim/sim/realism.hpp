#pragma once
// `iomtsim realism COHORT.csv|SCENARIO --against DIR`: how a generated cohort's hourly
// vital signs compare with a real dataset in the PhysioNet/CinC 2019 format (one
// pipe-separated file per ICU stay, one row per hour).
//
// Both sides are reduced to the same hourly chart: for each patient, each hour
// h = floor(true time / 1 h) from the hour of its first reading to the hour of its last,
// and each of the seven vitals of the challenge data (HR, O2Sat, Temp, SBP, MAP, DBP,
// Resp), the mean of the readings in that hour, or nothing. Readings a device sent without
// a value or marked questionable are left out (a chart holds validated values). Heart rate
// falls back to the pulse rate when an hour has no ECG rate. Hours are labelled as the
// challenge labels them: 1 from six hours before a sepsis episode's clinical onset
// (reports::clinical_sepsis_onset: criteria met, else onset; for an imported stay exactly
// its SepsisLabel column). The challenge data end a septic stay about 3 h after that onset
// (its septic stays hold 6-10 labelled hours), so only the hours from 6 h before to 3 h
// after it count as septic; a septic stay's other hours are in neither set.
//
// The comparison, per vital: two-sample Kolmogorov–Smirnov statistics (D and its
// asymptotic p-value) between generated and real values for stable hours (stays that never
// turn septic), septic hours (label 1) and hour-to-hour changes (consecutive hours that
// both have a value, any stay); the fraction of hours with a value; and, within each
// dataset, the KS D between its septic and its stable hours, which says how separable
// sepsis is: the generated D should be about the real one, not far above it.
//
//   auto gen = hourly_chart_from_scenario(scenario);
//   auto real = hourly_chart_from_physionet_dir("data/physionet2019");
//   std::cout << format_realism(compare_hourly(gen, real));
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

inline constexpr std::size_t kChartVitals = 7;
// PhysioNet 2019 column names, in its column order.
inline constexpr std::array<const char*, kChartVitals> kChartVitalNames = {
    "HR", "O2Sat", "Temp", "SBP", "MAP", "DBP", "Resp"};

struct ChartHour {
  std::array<std::optional<double>, kChartVitals> values;
  bool septic = false;   // the challenge's label
  bool compared = true;  // false for a septic stay's hours outside [t_sepsis - 6, t_sepsis + 3]
};
struct ChartStay {
  physiology::PatientIndex patient = 0;
  bool septic = false;  // any hour labelled
  std::vector<ChartHour> hours;
};
using HourlyChart = std::vector<ChartStay>;

// Streams readings and episodes of any number of patients into hourly charts.
class HourlyChartBuilder {
 public:
  void add(const physiology::Reading& r);
  void add(const physiology::Episode& e);
  HourlyChart finish();

 private:
  struct Cell {
    std::array<double, kChartVitals> sum{};
    std::array<std::uint32_t, kChartVitals> n{};
    double pulse_sum = 0.0;
    std::uint32_t pulse_n = 0;
  };
  struct Patient {
    std::int64_t first_hour = INT64_MAX, last_hour = INT64_MIN;
    std::map<std::int64_t, Cell> cells;       // by hour
    std::optional<std::int64_t> sepsis_hour;  // hour of the earliest clinical onset
  };
  std::map<physiology::PatientIndex, Patient> patients_;
};

// Errors: unreadable input, bad CSV rows (file:line), no stays.
class RealismError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

HourlyChart hourly_chart_from_scenario(const scenarios::Scenario& scenario);
// A CSV written by `iomtsim generate --format csv` (sim::kCsvHeader).
HourlyChart hourly_chart_from_generated_csv(const std::filesystem::path& file);
// A folder of PhysioNet 2019 .psv files (through the importer, import.hpp).
HourlyChart hourly_chart_from_physionet_dir(const std::filesystem::path& dir);

// Two-sample Kolmogorov–Smirnov: D = sup |F_a - F_b| and the asymptotic p-value
// (Numerical Recipes' Q_KS with the small-sample correction). NaN for an empty sample.
struct KsResult {
  double d = 0.0;
  double p = 0.0;
  std::size_t n_a = 0, n_b = 0;
};
KsResult ks_two_sample(std::vector<double> a, std::vector<double> b);

struct RealismRow {
  std::string vital;
  std::string hours;  // "stable", "septic" or "change"
  std::size_t n_generated = 0, n_real = 0;
  double median_generated = 0.0, median_real = 0.0;
  KsResult ks;
};
struct RealismTable {
  std::size_t stays_generated = 0, stays_real = 0;
  std::size_t septic_stays_generated = 0, septic_stays_real = 0;
  std::size_t hours_generated = 0, hours_real = 0;
  std::vector<RealismRow> rows;                          // vital by vital: stable, septic, change
  std::array<double, kChartVitals> present_generated{};  // fraction of hours with a value
  std::array<double, kChartVitals> present_real{};
  std::array<double, kChartVitals> separation_generated{};  // KS D septic vs stable hours
  std::array<double, kChartVitals> separation_real{};
};

RealismTable compare_hourly(const HourlyChart& generated, const HourlyChart& real);
// The table as aligned text, a header line per section.
std::string format_realism(const RealismTable& table);

}  // namespace iomtsim::sim
