// Every band edge of docs/clinical.md's NEWS2 table, both sides.
#include "iomtsim/rules/news2.hpp"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace iomtsim::rules {
namespace {

struct Edge {
  double value;
  int score;
};

TEST(News2, RespiratoryRateEdges) {
  for (auto [v, s] : std::vector<Edge>{{8, 3}, {9, 1}, {11, 1}, {12, 0}, {20, 0}, {21, 2},
                                       {24, 2}, {25, 3}, {4, 3}, {40, 3}}) {
    EXPECT_EQ(news2_resp_rate_score(v), s) << "RR " << v;
  }
}

TEST(News2, RoundsToChartResolutionFirst) {
  EXPECT_EQ(news2_resp_rate_score(20.4), 0);
  EXPECT_EQ(news2_resp_rate_score(20.5), 2);
  EXPECT_EQ(news2_temperature_score(38.04), 0);
  EXPECT_EQ(news2_temperature_score(38.06), 1);
  EXPECT_EQ(news2_pulse_score(90.49), 0);
  EXPECT_EQ(news2_pulse_score(90.5), 1);
}

TEST(News2, SpO2Scale1Edges) {
  for (bool o2 : {false, true}) {
    for (auto [v, s] : std::vector<Edge>{{91, 3}, {92, 2}, {93, 2}, {94, 1}, {95, 1}, {96, 0}, {100, 0}}) {
      EXPECT_EQ(news2_spo2_score(v, SpO2Scale::Scale1, o2), s) << "SpO2 " << v << " o2 " << o2;
    }
  }
}

TEST(News2, SpO2Scale2OnAir) {
  for (auto [v, s] : std::vector<Edge>{{83, 3}, {84, 2}, {85, 2}, {86, 1}, {87, 1}, {88, 0},
                                       {92, 0}, {93, 0}, {97, 0}, {100, 0}}) {
    EXPECT_EQ(news2_spo2_score(v, SpO2Scale::Scale2, false), s) << "SpO2 " << v;
  }
}

TEST(News2, SpO2Scale2OnOxygen) {
  for (auto [v, s] : std::vector<Edge>{{83, 3}, {84, 2}, {86, 1}, {88, 0}, {92, 0}, {93, 1},
                                       {94, 1}, {95, 2}, {96, 2}, {97, 3}, {100, 3}}) {
    EXPECT_EQ(news2_spo2_score(v, SpO2Scale::Scale2, true), s) << "SpO2 " << v;
  }
}

TEST(News2, AirOrOxygen) {
  EXPECT_EQ(news2_air_or_oxygen_score(false), 0);
  EXPECT_EQ(news2_air_or_oxygen_score(true), 2);
}

TEST(News2, SystolicEdges) {
  for (auto [v, s] : std::vector<Edge>{{90, 3}, {91, 2}, {100, 2}, {101, 1}, {110, 1}, {111, 0},
                                       {219, 0}, {220, 3}}) {
    EXPECT_EQ(news2_systolic_score(v), s) << "SBP " << v;
  }
}

TEST(News2, PulseEdges) {
  for (auto [v, s] : std::vector<Edge>{{40, 3}, {41, 1}, {50, 1}, {51, 0}, {90, 0}, {91, 1},
                                       {110, 1}, {111, 2}, {130, 2}, {131, 3}}) {
    EXPECT_EQ(news2_pulse_score(v), s) << "pulse " << v;
  }
}

TEST(News2, TemperatureEdges) {
  for (auto [v, s] : std::vector<Edge>{{35.0, 3}, {35.1, 1}, {36.0, 1}, {36.1, 0}, {38.0, 0},
                                       {38.1, 1}, {39.0, 1}, {39.1, 2}, {41.0, 2}}) {
    EXPECT_EQ(news2_temperature_score(v), s) << "temp " << v;
  }
}

TEST(News2, Consciousness) {
  EXPECT_EQ(news2_consciousness_score(0), 0);
  for (double level : {1.0, 2.0, 3.0, 4.0}) EXPECT_EQ(news2_consciousness_score(level), 3);
}

News2Inputs normal_inputs() {
  News2Inputs in;
  in.resp_rate_per_min = 16;
  in.spo2_pct = 97;
  in.systolic_mmhg = 125;
  in.pulse_per_min = 75;
  in.consciousness_acvpu = 0;
  in.temperature_cel = 37.0;
  return in;
}

TEST(News2, NormalPatientScoresZero) {
  const auto r = news2(normal_inputs());
  EXPECT_EQ(r.total, 0);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.parameters_present, 6);
  EXPECT_EQ(r.band, News2Band::Zero);
}

TEST(News2, SingleParameterThreeIsLowMedium) {
  auto in = normal_inputs();
  in.consciousness_acvpu = 2;  // voice: 3 points alone
  const auto r = news2(in);
  EXPECT_EQ(r.total, 3);
  EXPECT_TRUE(r.any_single_three);
  EXPECT_EQ(r.band, News2Band::LowMedium);
  in.consciousness_acvpu = 0;
  in.resp_rate_per_min = 22;  // 2 points, no single 3
  EXPECT_EQ(news2(in).band, News2Band::Low);
}

TEST(News2, TotalsAndBands) {
  auto in = normal_inputs();
  in.resp_rate_per_min = 22;  // 2
  in.pulse_per_min = 115;     // 2
  in.temperature_cel = 38.5;  // 1
  auto r = news2(in);
  EXPECT_EQ(r.total, 5);
  EXPECT_EQ(r.band, News2Band::Medium);
  in.on_oxygen = true;  // +2
  r = news2(in);
  EXPECT_EQ(r.total, 7);
  EXPECT_EQ(r.band, News2Band::High);
}

TEST(News2, MaximumIsTwenty) {
  News2Inputs in;
  in.resp_rate_per_min = 30;
  in.spo2_pct = 80;
  in.on_oxygen = true;
  in.systolic_mmhg = 80;
  in.pulse_per_min = 150;
  in.consciousness_acvpu = 4;
  in.temperature_cel = 34.0;
  const auto r = news2(in);
  EXPECT_EQ(r.total, 3 + 3 + 2 + 3 + 3 + 3 + 3);
  EXPECT_LE(r.total, 20);
}

TEST(News2, MissingParametersCountNothing) {
  News2Inputs in;
  in.pulse_per_min = 135;
  const auto r = news2(in);
  EXPECT_EQ(r.total, 3);
  EXPECT_EQ(r.parameters_present, 1);
  EXPECT_FALSE(r.complete);
}

TEST(News2, BandFunction) {
  EXPECT_EQ(news2_band(0, false), News2Band::Zero);
  EXPECT_EQ(news2_band(4, false), News2Band::Low);
  EXPECT_EQ(news2_band(3, true), News2Band::LowMedium);
  EXPECT_EQ(news2_band(5, true), News2Band::Medium);
  EXPECT_EQ(news2_band(6, false), News2Band::Medium);
  EXPECT_EQ(news2_band(7, false), News2Band::High);
  EXPECT_EQ(band_name(News2Band::LowMedium), "low_medium");
}

}  // namespace
}  // namespace iomtsim::rules
