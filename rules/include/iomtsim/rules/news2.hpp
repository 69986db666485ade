#pragma once
// NEWS2 (Royal College of Physicians, 2017), exactly as docs/clinical.md gives
// the table. Pure functions, no state.
//
// Inputs are in iomtsim's canonical units (vital.hpp). Charts record whole numbers (and
// temperature to 0.1 °C), while devices send decimals, so each function first rounds its
// input half away from zero to the chart's resolution (RR, SpO2, SBP, pulse to 1;
// temperature to 0.1) and then looks the band up: 20.4 /min scores like 20, 20.5 like 21.
//
//   News2Inputs in;
//   in.resp_rate_per_min = 22; in.spo2_pct = 95; in.systolic_mmhg = 105; ...
//   News2Result r = news2(in);   // r.total, r.band
#include <cstdint>
#include <optional>
#include <string_view>

namespace iomtsim::rules {

// Scale 2 only for hypercapnic respiratory failure with a prescribed 88–92 % target.
enum class SpO2Scale : std::uint8_t { Scale1, Scale2 };

int news2_resp_rate_score(double resp_rate_per_min);
int news2_spo2_score(double spo2_pct, SpO2Scale scale, bool on_oxygen);
int news2_air_or_oxygen_score(bool on_oxygen);  // 2 on oxygen, 0 on air
int news2_systolic_score(double systolic_mmhg);
int news2_pulse_score(double pulse_per_min);
// ACVPU number (0 alert, 1 new confusion, 2 voice, 3 pain, 4 unresponsive): 0 if alert,
// 3 otherwise. Values are rounded to the nearest level first.
int news2_consciousness_score(double acvpu);
int news2_temperature_score(double temperature_cel);

// Response bands, lowest to highest urgency.
enum class News2Band : std::uint8_t {
  Zero,       // total 0
  Low,        // total 1–4, no single 3
  LowMedium,  // total 1–4 with a single parameter scoring 3 (urgent ward review)
  Medium,     // total 5–6 (urgent response)
  High,       // total >= 7 (emergency response)
};
std::string_view band_name(News2Band b);
News2Band news2_band(int total, bool any_single_three);

// The latest known value of each parameter; a missing one contributes no points and
// leaves `complete` false. on_oxygen also scores the air/oxygen parameter.
struct News2Inputs {
  std::optional<double> resp_rate_per_min;
  std::optional<double> spo2_pct;
  bool on_oxygen = false;
  SpO2Scale scale = SpO2Scale::Scale1;
  std::optional<double> systolic_mmhg;
  std::optional<double> pulse_per_min;
  std::optional<double> consciousness_acvpu;
  std::optional<double> temperature_cel;
};

struct News2Result {
  int total = 0;                // 0..20
  int max_single = 0;           // highest score of any one parameter
  bool any_single_three = false;
  int parameters_present = 0;   // of the six measured ones (air/oxygen always counts)
  bool complete = false;        // all six measured parameters present
  News2Band band = News2Band::Zero;
  bool operator==(const News2Result&) const = default;
};

News2Result news2(const News2Inputs& in);

}  // namespace iomtsim::rules
