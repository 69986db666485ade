// The `operations:` part of a cohort: values in canonical units, defaults, and every
// mistake reported at its line with what was expected.
#include <gtest/gtest.h>

#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"

namespace iomtsim::scenarios {
namespace {

using namespace std::chrono_literals;

std::string scenario_with(const std::string& operations) {
  return R"(metadata: {name: ops, duration: 2h}
cohorts:
  - name: ward
    count: 3
    archetype: elderly_ward
    ward: ward_9
    devices:
      - {type: pulse_oximeter, measures: [spo2], every: 1 min}
    operations:
)" + operations;
}

std::string all_messages(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += format_diagnostic(d) + "\n";
  return s;
}

TEST(Operations, ReadsEveryKindInCanonicalUnits) {
  auto r = load_string(
      scenario_with(
          R"(      pumps: {per_patient: 2, status_every: 10 min, alarms_per_day: 3, battery_low: 25 %, format: fhir_r4, network: lte}
      assets: {count: 12, fix_every: 30s, moves_per_day: 4, dead_spots: [corridor, lift], query_every: 1 min}
      imaging: {procedures_per_day: 2, results_per_procedure: 5, ultrasound_size: 2 MiB}
)"),
      "test.yaml");
  ASSERT_TRUE(r.ok()) << all_messages(r);
  const auto& o = r.scenario->cohorts[0].operations;
  EXPECT_EQ(o.model.pumps.per_patient, 2u);
  EXPECT_EQ(o.model.pumps.status_interval, 10min);
  EXPECT_DOUBLE_EQ(o.model.pumps.alarms_per_day, 3.0);
  EXPECT_DOUBLE_EQ(o.model.pumps.battery_low_fraction, 0.25);
  EXPECT_EQ(o.pumps.format, PayloadFormat::FhirR4);
  EXPECT_EQ(o.pumps.network_profile, "lte");
  EXPECT_EQ(o.model.assets.count, 12u);
  EXPECT_EQ(o.model.assets.fix_interval, 30s);
  EXPECT_EQ(o.model.assets.dead_spots, (std::vector<std::string>{"corridor", "lift"}));
  EXPECT_TRUE(o.model.assets.route.empty());  // the ward's default route, built per cohort
  EXPECT_EQ(o.asset_query_interval, 1min);
  EXPECT_EQ(o.assets.network_profile, "hospital_wifi");
  EXPECT_DOUBLE_EQ(o.model.imaging.procedures_per_day, 2.0);
  EXPECT_EQ(o.model.imaging.results_per_procedure, 5u);
  const std::string text = explain(*r.scenario);
  EXPECT_NE(text.find("6 infusion pumps (FHIR R4 over lte"), std::string::npos) << text;
  EXPECT_NE(text.find("12 RTLS-tagged assets"), std::string::npos) << text;
  physiology::Rng rng(1);
  EXPECT_DOUBLE_EQ(o.model.imaging.ultrasound_bytes.sample(rng), 2.0 * 1024 * 1024);
}

TEST(Operations, ACohortWithoutOperationsHasNone) {
  auto r = load_string(scenario_with("      {}\n"), "test.yaml");
  ASSERT_TRUE(r.ok()) << all_messages(r);
  EXPECT_TRUE(r.scenario->cohorts[0].operations.model.empty());
}

TEST(Operations, MistakesAreReportedAtTheirLineAllAtOnce) {
  auto r = load_string(scenario_with(R"(      pumps: {per_patient: 5, format: mqtt_json}
      assets: {count: 3, network: hospital_wify, route: []}
      imaging: {results_per_procedure: 2}
      scanners: {count: 1}
)"),
                       "test.yaml");
  ASSERT_FALSE(r.ok());
  const std::string m = all_messages(r);
  EXPECT_NE(m.find("per_patient"), std::string::npos) << m;
  EXPECT_NE(m.find("pumps send hl7v2"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown network profile 'hospital_wify' (did you mean 'hospital_wifi'? "
                   "expected one of:"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("a route needs at least one zone"), std::string::npos) << m;
  EXPECT_NE(m.find("procedures_per_day"), std::string::npos) << m;  // required
  EXPECT_NE(m.find("scanners"), std::string::npos) << m;            // unknown key
  EXPECT_NE(m.find("test.yaml:10:"), std::string::npos) << m;       // the pumps line
  EXPECT_GE(r.diagnostics.size(), 6u);
}

}  // namespace
}  // namespace iomtsim::scenarios
