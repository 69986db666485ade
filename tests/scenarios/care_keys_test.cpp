// Issue #21 items 4 and 5 as the loader reads them: a cohort's `spo2_target` and an
// intervention's `when` (with `after` as the response delay), the new interventions with
// their dose units, as loaded values, in `explain` and in the schema. Their error
// messages are in tests/data/scenarios/bad_spo2_target_*.yaml and bad_when_*.yaml.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

std::string with_target(const std::string& target) {
  return R"(metadata:
  name: copd
  duration: 24h
cohorts:
  - name: home
    count: 4
    archetype: copd
    spo2_target: )" +
         target + "\n";
}

const std::string kCare = R"(metadata:
  name: care
  duration: 12h
cohorts:
  - name: ward
    count: 6
    archetype: post_operative_adult
    conditions:
      - kind: opioid_respiratory_depression
        count: 2
        onset: 2h
        severity: severe
        interventions:
          - {kind: naloxone, dose: 0.4 mg, when: "resp_rate < 8 for 2 min", after: 3 min}
          - {kind: oxygen, dose: 2 L/min, when: "spo2 <= 90 %"}
    interventions:
      - {kind: glucagon, when: "glucose < 3.0 mmol/L for 5 min", after: 10 min}
      - {kind: bronchodilator, dose: 5 mg, at: 1h}
      - {kind: corticosteroid, dose: 40 mg, at: 1h}
      - {kind: non_invasive_ventilation, dose: 20 cmH2O, when: "spo2 < 85 for 10 min"}
)";

}  // namespace

TEST(Spo2Target, AcceptsTheWrittenFormsOfTheTwoRanges) {
  for (const std::string t :
       {"88-92 %", "88-92%", "\"88 - 92 %\"", "{low: 88 %, high: 92 %}", "{low: 88, high: 92}"}) {
    const Scenario s = load_ok(with_target(t));
    ASSERT_EQ(s.cohorts.size(), 1u) << t;
    const auto& p = s.cohorts[0].physiology;
    ASSERT_TRUE(p.spo2_target) << t;
    EXPECT_EQ(p.spo2_target->low_pct, 88.0) << t;
    EXPECT_EQ(p.spo2_target->high_pct, 92.0) << t;
    EXPECT_TRUE(spo2_scale2(p)) << t;
  }
  const Scenario usual = load_ok(with_target("94-98 %"));
  EXPECT_FALSE(spo2_scale2(usual.cohorts[0].physiology));
  const Scenario none = load_ok(with_target("94-98 %").substr(0, with_target("").find("    spo2")));
  EXPECT_FALSE(none.cohorts[0].physiology.spo2_target);
}

TEST(Spo2Target, ExplainNamesTheRangeAndTheScale) {
  const std::string e = explain(load_ok(with_target("88-92 %")));
  EXPECT_NE(e.find("SpO2 target 88-92 % (NEWS2 SpO2 Scale 2"), std::string::npos) << e;
}

TEST(TriggeredCare, WhenAndAfterAreLoadedInCanonicalUnits) {
  const Scenario s = load_ok(kCare);
  const auto& p = s.cohorts[0].physiology;
  ASSERT_EQ(p.conditions.size(), 1u);
  const auto& ci = p.conditions[0].interventions;
  ASSERT_EQ(ci.size(), 2u);
  ASSERT_TRUE(ci[0].when);
  EXPECT_EQ(ci[0].kind, InterventionKind::Naloxone);
  EXPECT_EQ(ci[0].when->vital, Vital::RespRate);
  EXPECT_EQ(ci[0].when->op, InterventionTrigger::Op::Less);
  EXPECT_EQ(ci[0].when->threshold, 8.0);
  EXPECT_EQ(ci[0].when->for_s, 120.0);
  EXPECT_EQ(ci[0].delay_s, Distribution::constant(180.0));
  EXPECT_EQ(ci[0].anchor, InterventionSpec::Anchor::ConditionOnset);
  EXPECT_DOUBLE_EQ(ci[0].dose, 0.4);
  // No `after`: the documented default response delay; no `for`: the first step.
  ASSERT_TRUE(ci[1].when);
  EXPECT_EQ(ci[1].when->op, InterventionTrigger::Op::LessEqual);
  EXPECT_EQ(ci[1].when->threshold, 90.0);
  EXPECT_EQ(ci[1].when->for_s, 0.0);
  EXPECT_EQ(ci[1].delay_s, Distribution::constant(kDefaultResponseDelayS));

  ASSERT_EQ(p.interventions.size(), 4u);
  const auto& glucagon = p.interventions[0];
  ASSERT_TRUE(glucagon.when);
  EXPECT_EQ(glucagon.when->vital, Vital::Glucose);
  EXPECT_NEAR(glucagon.when->threshold, 3.0 * 18.0, 0.1);  // mg/dL
  EXPECT_EQ(glucagon.when->for_s, 300.0);
  EXPECT_EQ(glucagon.delay_s, Distribution::constant(600.0));
  EXPECT_EQ(glucagon.dose, dose_info(InterventionKind::Glucagon).default_dose);
  EXPECT_EQ(glucagon.anchor, InterventionSpec::Anchor::ScenarioStart);
  EXPECT_EQ(p.interventions[1].kind, InterventionKind::Bronchodilator);
  EXPECT_DOUBLE_EQ(p.interventions[1].dose, 5.0);
  EXPECT_EQ(p.interventions[2].kind, InterventionKind::Corticosteroid);
  EXPECT_DOUBLE_EQ(p.interventions[2].dose, 40.0);
  EXPECT_EQ(p.interventions[3].kind, InterventionKind::Niv);
  EXPECT_NEAR(p.interventions[3].dose, 20.0, 1e-9);  // cmH2O, through mmHg and back
  EXPECT_EQ(p.interventions[3].when->threshold, 85.0);
}

TEST(TriggeredCare, ExplainShowsTheTriggerTheDoseAndTheDelay) {
  const std::string e = explain(load_ok(kCare));
  EXPECT_NE(e.find("then naloxone 0.4 mg when resp_rate < 8 for 2 min (the patient's true "
                   "vitals, watched from onset), 3 min after the criterion has held; once"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("glucagon 1 mg when glucose < 3.0 mmol/L for 5 min"), std::string::npos) << e;
  EXPECT_NE(e.find("non_invasive_ventilation 20 cmH2O when spo2 < 85 for 10 min"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("bronchodilator 5 mg 1 h from the start"), std::string::npos) << e;
}

TEST(TriggeredCare, SchemaListsTheNewKeysAndInterventions) {
  const auto j = nlohmann::json::parse(json_schema());
  const auto& defs = j.at("$defs");
  EXPECT_TRUE(defs.at("intervention").at("properties").contains("when"));
  EXPECT_TRUE(defs.at("cohort").at("properties").contains("spo2_target"));
  const auto kinds = defs.at("intervention").at("properties").at("kind").at("enum");
  for (const char* k : {"glucagon", "bronchodilator", "corticosteroid", "non_invasive_ventilation"})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
}
