// Determinism, ordering, identity and memory of the lazy generator.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <variant>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

CohortSpec busy_cohort() {
  DeviceModelSpec ox;
  ox.name = "ox";
  ox.type = DeviceType::PulseOximeter;
  ox.measures = {{Vital::SpO2, 5s}, {Vital::PulseRate, 5s}};
  DeviceModelSpec cuff;
  cuff.name = "cuff";
  cuff.type = DeviceType::NibpCuff;
  cuff.measures = {{Vital::SystolicBP, 15min}, {Vital::DiastolicBP, 15min}, {Vital::MeanBP, 15min}};
  DeviceModelSpec obs;
  obs.name = "obs";
  obs.type = DeviceType::Thermometer;
  obs.measures = {{Vital::Temperature, 4h}, {Vital::Consciousness, 4h}};
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {monitor(60s, true, std::nullopt), ecg_patch(), ox, cuff, obs});
  ConditionSpec sepsis = condition(ConditionKind::Sepsis, 0.0, 0.6, Course::Progressive);
  sepsis.onset_s = Distribution::uniform(0.0, 7200.0);
  sepsis.probability = 0.5;
  sepsis.interventions = {intervention(InterventionKind::Antibiotics, 3600.0, 1.0)};
  c.conditions = {sepsis, condition(ConditionKind::AtrialFibrillation, 1800.0, 0.5, Course::SelfLimiting)};
  return c;
}

std::vector<DeviceOutput> run_all(PatientGenerator& g) {
  std::vector<DeviceOutput> out;
  while (!g.done()) out.push_back(g.next());
  return out;
}

SimTime time_of(const DeviceOutput& o) {
  return std::visit([](const auto& r) { return r.true_time; }, o);
}
std::uint64_t id_of(const DeviceOutput& o) {
  return std::visit([](const auto& r) { return r.id; }, o);
}

}  // namespace

TEST(PatientGenerator, SameSeedGivesIdenticalOutputs) {
  const CohortSpec c = busy_cohort();
  PatientGenerator a(c, 3, 99, 2h), b(c, 3, 99, 2h);
  const auto oa = run_all(a), ob = run_all(b);
  ASSERT_GT(oa.size(), 1000u);
  EXPECT_EQ(oa, ob);
  a.finish();
  b.finish();
  EXPECT_EQ(a.episodes(), b.episodes());
  PatientGenerator other(c, 3, 100, 2h);
  EXPECT_NE(run_all(other), oa);
}

TEST(PatientGenerator, PatientIsTheSameAloneOrInterleavedAndWhenTrueVitalsAreRead) {
  const CohortSpec c = busy_cohort();
  PatientGenerator alone(c, 7, 5, 1h);
  const auto expected = run_all(alone);

  std::vector<PatientGenerator> fleet;
  for (PatientIndex p = 0; p < 10; ++p) fleet.emplace_back(c, p, 5, 1h);
  std::vector<DeviceOutput> got;
  bool any = true;
  while (any) {  // round robin, as a scheduler would, reading true vitals as it goes
    any = false;
    for (auto& g : fleet) {
      if (g.done()) continue;
      any = true;
      const SimTime t = g.next_time();
      DeviceOutput o = g.next();
      (void)g.true_vitals(t);
      if (g.info().index == 7) got.push_back(std::move(o));
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(PatientGenerator, OutputsAreOrderedWithUniqueIdsAndStopBeforeTheEnd) {
  const CohortSpec c = busy_cohort();
  PatientGenerator g(c, 12, 1, 3h);
  SimTime last{};
  DeviceIndex last_dev = 0;
  std::set<std::uint64_t> ids;
  std::vector<std::uint32_t> last_seq(c.devices.size(), 0);
  std::vector<bool> seen(c.devices.size(), false);
  while (!g.done()) {
    const SimTime promised = g.next_time();
    const DeviceOutput o = g.next();
    const SimTime t = time_of(o);
    EXPECT_EQ(t, promised);
    const std::uint64_t id = id_of(o);
    const DeviceIndex d = reading_device(id);
    EXPECT_EQ(reading_patient(id), 12u);
    ASSERT_TRUE(t > last || (t == last && d >= last_dev)) << "order (time, device)";
    EXPECT_TRUE(ids.insert(id).second);
    const auto seq = static_cast<std::uint32_t>(id & 0xFFFFFFFFu);
    if (seen[d]) {
      EXPECT_GT(seq, last_seq[d]);
    }
    seen[d] = true;
    last_seq[d] = seq;
    EXPECT_LT(t, SimTime{3h});
    last = t;
    last_dev = d;
  }
  EXPECT_EQ(g.next_time(), SimTime::max());
  EXPECT_THROW(g.next(), std::logic_error);
}

TEST(PatientGenerator, StaysWithinFourKibPerPatient) {
  const CohortSpec c = busy_cohort();
  PatientGenerator g(c, 0, 1, 24h);
  for (int i = 0; i < 20000 && !g.done(); ++i) (void)g.next();
  EXPECT_LE(g.memory_bytes(), 4096u) << "sizeof(PatientGenerator) = " << sizeof(PatientGenerator);
}

TEST(PatientGenerator, RejectsSpecsItCannotSimulate) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {monitor(0s)});
  EXPECT_THROW(PatientGenerator(c, 0, 1, 1h), std::invalid_argument);
  CohortSpec many = cohort(Archetype::HealthyAdult, std::vector<DeviceModelSpec>(257, monitor()));
  EXPECT_THROW(PatientGenerator(many, 0, 1, 1h), std::invalid_argument);
  CohortSpec wave = cohort(Archetype::HealthyAdult, {ecg_patch(0.0)});
  EXPECT_THROW(PatientGenerator(wave, 0, 1, 1h), std::invalid_argument);
  CohortSpec long_block = cohort(Archetype::HealthyAdult, {ecg_patch()});
  long_block.devices[0].waveform->block = 10min;
  EXPECT_THROW(PatientGenerator(long_block, 0, 1, 1h), std::invalid_argument);
}

TEST(PatientGenerator, StablePatientHasNoEpisodesAndTemperatureIsLowestAtNight) {
  CohortSpec c = cohort(Archetype::ElderlyWard, {});
  double night = 0, afternoon = 0;
  for (PatientIndex p = 0; p < 30; ++p) {
    PatientGenerator g(c, p, 3, 24h);
    night += g.true_vitals(SimTime{3h}).temperature_c;
    afternoon += g.true_vitals(SimTime{16h}).temperature_c;
    g.finish();
    EXPECT_TRUE(g.episodes().empty());
  }
  EXPECT_GT((afternoon - night) / 30.0, 0.4);  // circadian swing of ~0.5 °C or more
}

TEST(PatientGenerator, ReadingTrueValueEqualsTrueVitalsExactly) {
  DeviceModelSpec one;
  one.name = "one";
  one.type = DeviceType::PulseOximeter;
  one.measures = {{Vital::SpO2, 7s}};
  one.battery_life = 48h;
  CohortSpec c = cohort(Archetype::ElderlyWard, {monitor(13s), one});
  c.devices[0].measures.push_back({Vital::MeanBP, 13s});
  PatientGenerator g(c, 2, 4, 2h);
  PatientGenerator probe(c, 2, 4, 2h);
  int n = 0;
  while (!g.done()) {
    DeviceOutput o = g.next();
    const Reading& r = std::get<Reading>(o);
    while (!probe.done() && probe.next_time() <= r.true_time) (void)probe.next();
    ASSERT_EQ(r.true_value, probe.true_vitals(r.true_time).value(r.vital)) << name(r.vital);
    ++n;
  }
  EXPECT_GT(n, 1000);
}

TEST(PatientGenerator, ThreadCountDoesNotChangeOutputs) {
  const CohortSpec c = busy_cohort();
  constexpr PatientIndex kN = 8;
  std::vector<std::vector<DeviceOutput>> serial(kN), parallel(kN);
  for (PatientIndex p = 0; p < kN; ++p) {
    PatientGenerator g(c, p, 77, 30min);
    serial[p] = run_all(g);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (PatientIndex p = static_cast<PatientIndex>(t); p < kN; p += 4) {
        PatientGenerator g(c, p, 77, 30min);
        parallel[p] = run_all(g);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(serial, parallel);
}

TEST(PatientGenerator, CohortBaselineOverridesSetRestingValuesWithoutShiftingOthers) {
  CohortSpec plain = cohort(Archetype::HealthyAdult, {});
  CohortSpec tachy = plain;
  tachy.baselines = {BaselineSpec{Vital::HeartRate, Distribution::constant(110.0)},
                     BaselineSpec{Vital::Weight, Distribution::uniform(100.0, 101.0)}};
  double hr = 0;
  for (PatientIndex p = 0; p < 20; ++p) {
    PatientGenerator a(plain, p, 9, 2h), b(tachy, p, 9, 2h);
    const VitalSigns va = a.true_vitals(SimTime{1h}), vb = b.true_vitals(SimTime{1h});
    hr += vb.heart_rate_bpm;
    EXPECT_GE(vb.weight_kg, 99.0);
    EXPECT_LE(vb.weight_kg, 102.0);
    EXPECT_EQ(va.resp_rate_per_min, vb.resp_rate_per_min);  // other vitals untouched
    EXPECT_EQ(va.spo2_pct, vb.spo2_pct);
    EXPECT_EQ(a.info(), b.info());
  }
  EXPECT_NEAR(hr / 20.0, 110.0, 8.0);
}
