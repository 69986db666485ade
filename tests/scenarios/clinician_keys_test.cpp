// The clinician's keys of issue #21: exact patients (`count`, `beds`), clock time
// (`metadata.start`, onsets {between: …} and {day, at}), as loaded values, in `explain`
// and in the schema. Their error messages are in tests/data/scenarios/bad_{beds,clock,
// condition}_*.yaml.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/scenarios/clock_time.hpp"
#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/schema.hpp"

using namespace iomtsim::scenarios;
using namespace iomtsim::physiology;

namespace {

Scenario load_ok(const std::string& text) {
  auto r = load_string(text, "test.yaml", {});
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r.scenario : Scenario{};
}

const std::string kPostOp = R"(metadata:
  name: post_op
  duration: 24h
  start: "2026-03-02 07:00"
cohorts:
  - name: other
    count: 5
    archetype: healthy_adult
  - name: surgical
    count: 24
    beds: 1-24
    archetype: post_operative_adult
    conditions:
      - kind: sepsis
        count: 3
        onset: {uniform: [0 h, 24 h]}
      - kind: opioid_respiratory_depression
        beds: [7]
        onset: 10h
  - name: side
    count: 3
    beds: [A1, "B 2", 7-7]
    archetype: post_operative_adult
)";

}  // namespace

TEST(ClockTime, ParsesAndFormatsLocalDateTimes) {
  EXPECT_EQ(parse_local_datetime(kDefaultStart), kDefaultStartLocalS);
  auto t = parse_local_datetime("2026-03-02 07:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_local(*t), "2026-03-02 07:00");
  EXPECT_EQ(format_local(*t + 17 * 3600 + 30), "2026-03-03 00:00:30");
  EXPECT_EQ(second_of_day(*t), 7 * 3600);
  EXPECT_EQ(parse_local_datetime("2026-03-02T07:00:15"), *t + 15);
  EXPECT_FALSE(parse_local_datetime("2026-02-29 07:00"));  // not a leap year
  EXPECT_FALSE(parse_local_datetime("2026-03-02"));
  EXPECT_FALSE(parse_local_datetime("2026-03-02 24:00"));
  EXPECT_EQ(parse_time_of_day("7:30"), 7 * 3600 + 30 * 60);
  EXPECT_FALSE(parse_time_of_day("2pm"));
  EXPECT_FALSE(parse_time_of_day("23:60"));
}

TEST(ExactPatientsKeys, CountBedsAndFirstIndexAreLoaded) {
  const Scenario s = load_ok(kPostOp);
  ASSERT_EQ(s.cohorts.size(), 3u);
  const auto& c = s.cohorts[1].physiology;
  EXPECT_EQ(s.cohorts[0].physiology.first_index, 0u);
  EXPECT_EQ(c.first_index, 5u);
  EXPECT_EQ(s.cohorts[2].physiology.first_index, 29u);
  ASSERT_EQ(c.beds.size(), 24u);
  EXPECT_EQ(c.beds.front(), "1");
  EXPECT_EQ(c.beds[6], "7");
  ASSERT_EQ(c.conditions.size(), 2u);
  EXPECT_EQ(c.conditions[0].count, 3u);
  EXPECT_TRUE(c.conditions[0].patients.empty());
  EXPECT_EQ(c.conditions[1].patients, (std::vector<std::uint32_t>{6}));
  EXPECT_FALSE(c.conditions[1].count);
  EXPECT_EQ(s.cohorts[2].physiology.beds, (std::vector<std::string>{"A1", "B 2", "7"}));
  EXPECT_EQ(bed_label(c, 5 + 6), "7");
}

TEST(ExactPatientsKeys, ExplainNamesCountsAndBeds) {
  const std::string e = explain(load_ok(kPostOp));
  EXPECT_NE(e.find("beds 1-24"), std::string::npos) << e;
  EXPECT_NE(e.find("sepsis in cohort 'surgical': exactly 3 of 24 patients"), std::string::npos)
      << e;
  EXPECT_NE(e.find("opioid_respiratory_depression in cohort 'surgical': exactly 1 of 24 "
                   "patients (bed 7)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("beds A1, B 2 and 7"), std::string::npos) << e;
  EXPECT_NE(e.find("Starts 2026-03-02 07:00 (local time), ends 2026-03-03 07:00"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("(2026-03-02 17:00)"), std::string::npos) << e;  // onset 10h, on the clock
}

TEST(ClockTime, OnsetWindowsAndDaysBecomeSecondsFromTheStart) {
  const Scenario s = load_ok(R"(metadata:
  name: t1d
  duration: 3 d
  start: "2026-03-02 07:00"
cohorts:
  - name: home
    count: 50
    archetype: type1_diabetes
    conditions:
      - kind: hypoglycemia
        count: 5
        onset: {between: ["23:00", "05:00"]}
      - kind: hypoglycemia
        count: 1
        onset: {day: 2, at: "14:00"}
      - kind: hypoglycemia
        count: 1
        onset: {between: ["06:00", "08:00"]}
      - kind: hypoglycemia
        count: 1
        onset: {at: "07:00"}
)");
  ASSERT_EQ(s.cohorts.size(), 1u);
  const auto& c = s.cohorts[0].physiology;
  EXPECT_EQ(c.start_second_of_day, 7u * 3600);
  ASSERT_EQ(c.conditions.size(), 4u);
  // 23:00 the same evening (16 h after 07:00) to 05:00 the next morning (22 h).
  EXPECT_EQ(c.conditions[0].onset_s, Distribution::uniform(16 * 3600.0, 22 * 3600.0));
  // Day 2 at 14:00: 31 h after Monday 07:00.
  EXPECT_EQ(c.conditions[1].onset_s, Distribution::constant(31 * 3600.0));
  // 06:00-08:00 has begun before a 07:00 start: the first that begins after it is tomorrow's.
  EXPECT_EQ(c.conditions[2].onset_s, Distribution::uniform(23 * 3600.0, 25 * 3600.0));
  EXPECT_EQ(c.conditions[3].onset_s, Distribution::constant(0.0));
}

TEST(ClockTime, DefaultStartIsMidnightAndOldOnsetsKeepTheirMeaning) {
  const Scenario s = load_ok(R"(metadata: {name: t, duration: 24h}
cohorts:
  - name: w
    count: 2
    archetype: icu
    conditions: [{kind: sepsis, probability: 50 %, onset: 2h}]
)");
  EXPECT_EQ(s.metadata.start_local_s, kDefaultStartLocalS);
  EXPECT_EQ(s.cohorts[0].physiology.start_second_of_day, 0u);
  EXPECT_EQ(s.cohorts[0].physiology.conditions[0].onset_s, Distribution::constant(7200.0));
}

TEST(ClinicianKeys, SchemaDescribesTheNewKeys) {
  const auto j = nlohmann::json::parse(json_schema());
  const auto& defs = j.at("$defs");
  EXPECT_TRUE(defs.at("condition").at("properties").contains("count"));
  EXPECT_TRUE(defs.at("condition").at("properties").contains("beds"));
  EXPECT_TRUE(defs.at("cohort").at("properties").contains("beds"));
  EXPECT_TRUE(defs.at("metadata").at("properties").contains("start"));
  const auto& onset = defs.at("condition").at("properties").at("onset");
  EXPECT_EQ(onset.at("oneOf").size(), 3u);
  // probability is no longer required: count or beds may stand in for it.
  const auto& required = defs.at("condition").at("required");
  EXPECT_EQ(std::find(required.begin(), required.end(), "probability"), required.end());
}
