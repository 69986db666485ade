// explain (what a clinician reads), the JSON Schema, and expectation parsing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/schema.hpp"

using namespace iomtsim::scenarios;
using namespace std::chrono_literals;

namespace {

TEST(Explain, CountsEpisodesDevicesAndReadings) {
  auto r = load_string(R"(metadata: {name: ex, duration: 10h}
cohorts:
  - name: ward
    count: 40
    archetype: post_operative_adult
    conditions:
      - {kind: sepsis, probability: 25 %, onset: {uniform: [1h, 4h]}}
    devices:
      - {type: pulse_oximeter, measures: [spo2], every: 60s, missing: 0 %}
      - {type: cgm, format: hl7v2, missing: 0 %}
)", "ex.yaml");
  ASSERT_TRUE(r.ok());
  const std::string text = explain(*r.scenario);
  EXPECT_NE(text.find("Patients: 40"), std::string::npos) << text;
  EXPECT_NE(text.find("sepsis in cohort 'ward': about 10 of 40 patients (25 %), onset between 1 h and 4 h"),
            std::string::npos) << text;
  // 40 oximeters x 60/h and 40 CGMs x 12/h.
  EXPECT_NE(text.find("FHIR R4: 40 devices, about 2400 readings per hour"), std::string::npos) << text;
  EXPECT_NE(text.find("HL7 v2 ORU^R01: 40 devices, about 480 readings per hour"), std::string::npos) << text;
  EXPECT_NE(text.find("total: about 2880 readings per hour, 28800 over the run"), std::string::npos) << text;
  EXPECT_NE(text.find("hospital_wifi - "), std::string::npos) << text;
}

TEST(Explain, ReadingsPerHourAccountsForMissingFraction) {
  iomtsim::physiology::DeviceModelSpec d;
  d.measures = {{iomtsim::physiology::Vital::SpO2, 15s}};
  d.missing_fraction = 0.25;
  EXPECT_DOUBLE_EQ(readings_per_hour(d), 180.0);
}

TEST(Explain, DurationsInNaturalUnits) {
  EXPECT_EQ(describe_duration(0.25), "250 ms");
  EXPECT_EQ(describe_duration(90), "90 s");
  EXPECT_EQ(describe_duration(900), "15 min");
  EXPECT_EQ(describe_duration(6 * 3600), "6 h");
  EXPECT_EQ(describe_duration(14 * 86400), "14 d");
}

TEST(Schema, IsJsonWithEveryTopLevelKeyAndNoExtras) {
  const auto j = nlohmann::json::parse(json_schema());
  EXPECT_EQ(j["type"], "object");
  EXPECT_EQ(j["additionalProperties"], false);
  for (const char* k : {"include", "metadata", "cohorts", "network_profiles", "time", "target", "expectations"})
    EXPECT_TRUE(j["properties"].contains(k)) << k;
  // Required unless the file includes others, which may provide them.
  EXPECT_EQ(j["anyOf"][1]["required"], nlohmann::json::array({"metadata", "cohorts"}));
  EXPECT_EQ(j["anyOf"][0]["required"], nlohmann::json::array({"include"}));
  const auto& cohort = j["$defs"]["cohort"];
  EXPECT_TRUE(cohort["properties"].contains("devices"));
  EXPECT_EQ(cohort["additionalProperties"], false);
  const auto& archetypes = cohort["properties"]["archetype"]["enum"];
  EXPECT_NE(std::find(archetypes.begin(), archetypes.end(), "post_operative_adult"), archetypes.end());
  // Every $ref resolves.
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& n) {
    if (n.is_object()) {
      if (n.contains("$ref")) {
        const std::string ref = n["$ref"];
        ASSERT_TRUE(ref.starts_with("#/$defs/"));
        EXPECT_TRUE(j["$defs"].contains(ref.substr(8))) << ref;
      }
      for (const auto& [k, v] : n.items()) walk(v);
    } else if (n.is_array()) {
      for (const auto& v : n) walk(v);
    }
  };
  walk(j);
}

TEST(Expectation, ParsesMetricOperatorAndUnit) {
  auto e = std::get<Expectation>(parse_expectation("ingest_latency.p99 < 2s"));
  EXPECT_EQ(e.metric, "ingest_latency.p99");
  EXPECT_EQ(e.op, CompareOp::Less);
  EXPECT_DOUBLE_EQ(e.value, 2.0);
  e = std::get<Expectation>(parse_expectation("alerts.sensitivity>=90 %"));
  EXPECT_EQ(e.op, CompareOp::GreaterEqual);
  EXPECT_DOUBLE_EQ(e.value, 0.9);
  e = std::get<Expectation>(parse_expectation("alerts.false_per_patient_day <= 2"));
  EXPECT_EQ(e.op, CompareOp::LessEqual);
  EXPECT_DOUBLE_EQ(e.value, 2.0);
  e = std::get<Expectation>(parse_expectation("ingest_latency.p50 <= 150 ms"));
  EXPECT_DOUBLE_EQ(e.value, 0.15);
}

TEST(Expectation, ErrorsPointAtTheProblem) {
  auto err = std::get<ExpectationError>(parse_expectation("alerts.false_per_patient_day <= 2 min"));
  EXPECT_EQ(err.offset, 34u);
  EXPECT_EQ(err.message, "alerts.false_per_patient_day: expected a plain number, found unit 'min'");
  err = std::get<ExpectationError>(parse_expectation("latency < 2s"));
  EXPECT_EQ(err.message, "unknown metric 'latency'");
}

TEST(Expectation, HoldsComparesInTheWrittenDirection) {
  EXPECT_TRUE(holds(CompareOp::Less, 1.0, 2.0));
  EXPECT_FALSE(holds(CompareOp::Less, 2.0, 2.0));
  EXPECT_TRUE(holds(CompareOp::LessEqual, 2.0, 2.0));
  EXPECT_TRUE(holds(CompareOp::GreaterEqual, 0.95, 0.9));
  EXPECT_FALSE(holds(CompareOp::Greater, 0.9, 0.9));
}

TEST(Expectation, NotEqualIsTheOppositeOfEqualWithinRounding) {
  const auto e = std::get<Expectation>(parse_expectation("delivery.generated != 0"));
  EXPECT_EQ(e.op, CompareOp::NotEqual);
  EXPECT_EQ(op_text(e.op), "!=");
  EXPECT_FALSE(holds(CompareOp::NotEqual, 0.1 + 0.2, 0.3));  // equal within rounding
  EXPECT_TRUE(holds(CompareOp::NotEqual, 1.0, 0.0));
  // Rules compare the same enum exactly.
  EXPECT_TRUE(compare(0.1 + 0.2, CompareOp::NotEqual, 0.3));
}

}  // namespace
