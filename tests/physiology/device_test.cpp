// Device behaviour within configured bounds: noise and quantization, missing data,
// clock drift, phase offsets, spot-check jitter, battery, artifacts, NIBP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <variant>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

std::vector<Reading> readings(const CohortSpec& c, PatientIndex p, Duration run, std::uint64_t seed = 17) {
  PatientGenerator g(c, p, seed, run);
  std::vector<Reading> out;
  while (!g.done()) {
    DeviceOutput o = g.next();
    if (auto* r = std::get_if<Reading>(&o)) out.push_back(*r);
  }
  return out;
}

DeviceModelSpec device(DeviceType t, std::vector<MeasureSpec> m) {
  DeviceModelSpec d;
  d.name = std::string(name(t));
  d.type = t;
  d.measures = std::move(m);
  return d;
}

}  // namespace

TEST(Devices, Spo2IsWholePercentWithinTwoPercentAndTemperatureTenths) {
  const CohortSpec c = cohort(Archetype::HealthyAdult, {monitor(10s)});
  int n = 0, within2 = 0, within4 = 0;
  for (PatientIndex p = 0; p < 5; ++p) {
    for (const Reading& r : readings(c, p, 2h)) {
      if (r.vital == Vital::SpO2) {
        EXPECT_EQ(r.value, std::round(r.value));
        EXPECT_LE(r.value, 100.0);
        ++n;
        within2 += std::abs(r.value - r.true_value) <= 2.0;
        within4 += std::abs(r.value - r.true_value) <= 4.0;
      }
      if (r.vital == Vital::Temperature) {
        EXPECT_NEAR(r.value * 10.0, std::round(r.value * 10.0), 1e-6);
        EXPECT_NEAR(r.value, r.true_value, 0.5);
      }
      if (r.vital == Vital::HeartRate) {
        EXPECT_NEAR(r.value, r.true_value, 5.0);
      }
    }
  }
  ASSERT_GT(n, 3000);
  EXPECT_GT(static_cast<double>(within2) / n, 0.85);
  EXPECT_GT(static_cast<double>(within4) / n, 0.995);
}

TEST(Devices, MissingFractionMatchesTheConfiguredRate) {
  // 10 % configured on a mains-powered monitor without artifacts.
  const CohortSpec c = cohort(Archetype::HealthyAdult, {monitor(60s, false, 0.10)});
  std::size_t got = 0, expected = 0;
  for (PatientIndex p = 0; p < 40; ++p) {
    got += readings(c, p, 24h).size();
    expected += 5 * 1440;
  }
  const double completeness = static_cast<double>(got) / static_cast<double>(expected);
  EXPECT_NEAR(completeness, 0.90, 0.03);
}

TEST(Devices, WearableOximeterDefaultsGiveClinicalCompleteness) {
  // docs/clinical.md: wearable SpO2 completeness 69 % in hospital.
  const CohortSpec c = cohort(Archetype::PostOperativeAdult, {device(DeviceType::PulseOximeter, {{Vital::SpO2, 60s}})});
  std::size_t got = 0;
  for (PatientIndex p = 0; p < 40; ++p) got += readings(c, p, 24h).size();
  const double completeness = static_cast<double>(got) / (40.0 * 1440.0);
  EXPECT_GT(completeness, 0.62);
  EXPECT_LT(completeness, 0.76);
}

TEST(Devices, ClockDriftIsAsConfiguredOrWithinTwentyToOneHundredPpm) {
  DeviceModelSpec fixed = monitor(60s);
  fixed.clock_drift_ppm = 50.0;
  const auto rs = readings(cohort(Archetype::HealthyAdult, {fixed}), 0, 24h);
  ASSERT_GT(rs.size(), 1000u);
  const Reading& a = rs.front();
  const Reading& b = rs.back();
  const double slope = static_cast<double>((b.device_time - a.device_time).count()) /
                       static_cast<double>((b.true_time - a.true_time).count());
  EXPECT_NEAR((slope - 1.0) * 1e6, 50.0, 0.05);
  EXPECT_LT(std::abs(to_seconds(a.device_time - a.true_time)), 2.5);  // NTP-set at start

  for (PatientIndex p = 0; p < 30; ++p) {
    const auto r = readings(cohort(Archetype::HealthyAdult, {monitor(600s)}), p, 24h);
    const double s = static_cast<double>((r.back().device_time - r.front().device_time).count()) /
                     static_cast<double>((r.back().true_time - r.front().true_time).count());
    const double ppm = std::abs((s - 1.0) * 1e6);
    EXPECT_GE(ppm, 19.9);
    EXPECT_LE(ppm, 100.1);
  }
}

TEST(Devices, FleetDoesNotFireInLockstepAndSpotChecksJitter) {
  std::set<std::int64_t> firsts;
  for (PatientIndex p = 0; p < 50; ++p) {
    const auto r = readings(cohort(Archetype::HealthyAdult, {monitor(60s)}), p, 5min);
    firsts.insert(r.front().true_time.time_since_epoch().count());
    EXPECT_LT(r.front().true_time, SimTime{62s});
  }
  EXPECT_GT(firsts.size(), 45u);

  const CohortSpec spot = cohort(Archetype::ElderlyWard,
                                 {device(DeviceType::Thermometer, {{Vital::Temperature, 4h}, {Vital::Consciousness, 4h}})});
  int irregular = 0;
  for (PatientIndex p = 0; p < 10; ++p) {
    auto c = spot;
    c.devices[0].missing_fraction = 0.0;
    c.devices[0].artifacts = false;
    c.devices[0].battery_life = std::chrono::hours(24 * 30);  // no recharge gap in 48 h
    const auto r = readings(c, p, 48h);
    std::map<std::int64_t, int> per_instant;
    for (const Reading& x : r) ++per_instant[x.true_time.time_since_epoch().count()];
    for (const auto& [t, k] : per_instant) EXPECT_EQ(k, 2) << "a set of observations shares its instant";
    std::vector<std::int64_t> ts;
    for (const auto& [t, k] : per_instant) ts.push_back(t);
    for (std::size_t i = 1; i < ts.size(); ++i) {
      const double gap_h = static_cast<double>(ts[i] - ts[i - 1]) * 1e-9 / 3600.0;
      EXPECT_GT(gap_h, 4.0 - 0.85);
      EXPECT_LT(gap_h, 4.0 + 0.85);
      irregular += std::abs(gap_h - 4.0) > 0.05;
    }
  }
  EXPECT_GT(irregular, 20);
}

TEST(Devices, BatteryRunsDownWithLowBatteryFlagsThenAGap) {
  DeviceModelSpec ox = device(DeviceType::PulseOximeter, {{Vital::SpO2, 60s}});
  ox.battery_life = 6h;
  ox.missing_fraction = 0.0;
  ox.artifacts = false;
  const auto r = readings(cohort(Archetype::HealthyAdult, {ox}), 1, 24h);
  int low = 0;
  double longest_gap_s = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    low += (r[i].flags & kFlagLowBattery) != 0;
    if (i) longest_gap_s = std::max(longest_gap_s, to_seconds(r[i].true_time - r[i - 1].true_time));
  }
  EXPECT_GT(low, 10);
  EXPECT_GT(longest_gap_s, 1200.0);  // dead until recharged
  EXPECT_LT(r.size(), 1440u);
}

TEST(Devices, MotionArtifactsAreFlaggedAndDesaturateTheReading) {
  DeviceModelSpec ox = device(DeviceType::PulseOximeter, {{Vital::SpO2, 5s}});
  ox.battery_life = 48h;
  int motion = 0, probe_off = 0;
  double motion_error = 0;
  for (PatientIndex p = 0; p < 10; ++p) {
    for (const Reading& r : readings(cohort(Archetype::HealthyAdult, {ox}), p, 12h)) {
      if (r.flags & kFlagMotionArtifact) {
        ++motion;
        motion_error += r.value - r.true_value;
      }
      probe_off += (r.flags & kFlagProbeOff) != 0;
    }
  }
  EXPECT_GT(motion, 100);
  EXPECT_LT(motion_error / motion, -4.0);
  EXPECT_GT(probe_off, 5);
}

TEST(Devices, NibpCyclesFailSometimesAndGiveConsistentTriples) {
  auto cuff = device(DeviceType::NibpCuff, {{Vital::SystolicBP, 15min}, {Vital::DiastolicBP, 15min}, {Vital::MeanBP, 15min}});
  cuff.missing_fraction = 0.0;
  int cycles = 0, expected = 0;
  for (PatientIndex p = 0; p < 30; ++p) {
    std::map<std::int64_t, std::vector<Reading>> per;
    for (const Reading& r : readings(cohort(Archetype::HealthyAdult, {cuff}), p, 24h))
      per[r.true_time.time_since_epoch().count()].push_back(r);
    for (const auto& [t, v] : per) {
      EXPECT_EQ(v.size(), 3u);
      EXPECT_GT(v[0].value, v[1].value);  // systolic above diastolic
    }
    cycles += static_cast<int>(per.size());
    expected += 96;
  }
  const double failed = 1.0 - static_cast<double>(cycles) / expected;
  EXPECT_GT(failed, 0.01);
  EXPECT_LT(failed, 0.10);
}

TEST(Devices, OnOxygenIsFlagged) {
  CohortSpec c = cohort(Archetype::Copd, {monitor(60s)});
  InterventionSpec o2 = intervention(InterventionKind::Oxygen, 1800.0, 2.0);
  o2.anchor = InterventionSpec::Anchor::ScenarioStart;
  c.interventions.push_back(o2);
  for (const Reading& r : readings(c, 0, 2h)) {
    const bool flagged = (r.flags & kFlagOnOxygen) != 0;
    EXPECT_EQ(flagged, r.true_time >= SimTime{31min}) << to_seconds(r.true_time);
  }
}

TEST(Devices, EcgLeadOffGivesFlaggedFlatBlocks) {
  DeviceModelSpec patch = ecg_patch(250.0);
  patch.artifacts = true;
  int lead_off = 0, motion = 0, blocks = 0;
  for (PatientIndex p = 0; p < 10; ++p) {
    PatientGenerator g(cohort(Archetype::HealthyAdult, {patch}), p, 3, 12h);
    while (!g.done()) {
      DeviceOutput o = g.next();
      const auto& b = std::get<WaveformBlock>(o);
      ++blocks;
      if (b.flags & kFlagProbeOff) {
        ++lead_off;
        for (std::int16_t s : b.samples) ASSERT_EQ(s, 0);
      } else {
        ASSERT_NE(*std::max_element(b.samples.begin(), b.samples.end()), 0);
      }
      motion += (b.flags & kFlagMotionArtifact) != 0;
    }
  }
  EXPECT_GT(lead_off, 50);
  EXPECT_GT(motion, 100);
  EXPECT_LT(lead_off + motion, blocks / 10);
}

TEST(Devices, CgmReadsEveryFiveMinutesWithTypicalError) {
  auto cgm = device(DeviceType::Cgm, {{Vital::Glucose, 5min}});
  cgm.battery_life = std::chrono::hours(24 * 30);
  double ard = 0;
  int n = 0, below54 = 0;
  for (PatientIndex p = 0; p < 20; ++p) {
    const auto r = readings(cohort(Archetype::Type1Diabetes, {cgm}), p, 24h);
    for (std::size_t i = 0; i < r.size(); ++i) {
      ard += std::abs(r[i].value - r[i].true_value) / r[i].true_value;
      below54 += r[i].true_value < 54.0;
      ++n;
      if (i) {  // 5 min on the device clock: within 100 ppm in true time
        EXPECT_GE(r[i].true_time - r[i - 1].true_time, 5min - 31ms);
      }
      EXPECT_GE(r[i].value, 40.0);
      EXPECT_LE(r[i].value, 400.0);
    }
  }
  EXPECT_GT(n, 20 * 288 * 8 / 10);
  EXPECT_GT(ard / n, 0.04);  // MARD of current CGMs: ~8-10 %
  EXPECT_LT(ard / n, 0.12);
  EXPECT_LT(static_cast<double>(below54) / n, 0.01);  // a stable T1D cohort: < 1 % below 54
}
