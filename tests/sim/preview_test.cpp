// `iomtsim preview`'s series: what a clinician authoring a scenario looks at first must
// show what was asked (the episodes, the care given), on the shipped library scenarios.
#include <gtest/gtest.h>

#include <algorithm>

#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/sim/preview.hpp"

namespace iomtsim::sim {
namespace {

scenarios::Scenario library(const std::string& name) {
  auto r = scenarios::load_file(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/" + name, {});
  EXPECT_TRUE(r.scenario.has_value()) << name;
  return *r.scenario;
}

TEST(Preview, PatientsWithEpisodesComeFirstWithTheirInterventions) {
  // 24 patients: exactly 3 develop sepsis (fluids and antibiotics follow) and bed 7
  // (patient 6) an opioid overdose treated with naloxone; most patients have no episode.
  const auto s = library("postop_ward_beds.yaml");
  PreviewOptions o;
  o.patients = 4;
  const auto patients = build_preview(s, o);
  ASSERT_EQ(patients.size(), 4u);
  for (const auto& p : patients) EXPECT_FALSE(p.episodes.empty()) << p.label;
  const auto bed7 =
      std::find_if(patients.begin(), patients.end(), [](const auto& p) { return p.patient == 6; });
  ASSERT_NE(bed7, patients.end());
  EXPECT_NE(bed7->label.find("bed 7"), std::string::npos);
  ASSERT_FALSE(bed7->interventions.empty());
  EXPECT_NE(bed7->interventions.front().label.find("naloxone"), std::string::npos);
  EXPECT_NE(bed7->interventions.front().label.find("mg"), std::string::npos);
  for (const auto& p : patients) EXPECT_FALSE(p.news2.empty()) << p.label;

  // Asking for more patients than have episodes fills up with the others.
  o.patients = 6;
  const auto six = build_preview(s, o);
  ASSERT_EQ(six.size(), 6u);
  EXPECT_EQ(
      std::count_if(six.begin(), six.end(), [](const auto& p) { return !p.episodes.empty(); }), 4);
  EXPECT_TRUE(six[4].episodes.empty());
}

TEST(Preview, NoNews2PanelForPatientsWearingOnlyACgm) {
  const auto s = library("t1d_nocturnal_hypoglycemia.yaml");
  PreviewOptions o;
  o.patients = 2;
  const auto patients = build_preview(s, o);
  ASSERT_EQ(patients.size(), 2u);
  for (const auto& p : patients) {
    EXPECT_FALSE(p.episodes.empty()) << p.label;  // 5 of 50 have nocturnal hypoglycaemia
    EXPECT_TRUE(p.news2.empty()) << p.label;
    ASSERT_EQ(p.vitals.size(), 1u);
    EXPECT_EQ(p.vitals.front().vital, physiology::Vital::Glucose);
  }
}

TEST(Preview, TargetRangeIsNamedAndScoredAndTriggeredCareIsDrawn) {
  // Patients resting at 89 % with a 88-92 % target: the label names the target and the
  // true NEWS2 gives SpO2 nothing (Scale 2). The opioid patient's naloxone is given when
  // its breathing has stayed below 8 /min for 2 min, and is drawn as triggered.
  auto r = scenarios::load_string(R"(metadata: {name: p, duration: 6h}
cohorts:
  - name: copd
    count: 1
    archetype: healthy_adult
    spo2_target: 88-92 %
    baseline: {spo2: 89 %, resp_rate: 15 /min, heart_rate: 70 bpm, systolic_bp: 125 mmHg}
    devices: [{type: bedside_monitor, measures: [heart_rate, resp_rate, spo2], every: 5 min}]
  - name: ward
    count: 1
    archetype: post_operative_adult
    conditions:
      - kind: opioid_respiratory_depression
        count: 1
        onset: 2h
        severity: severe
        interventions:
          - {kind: naloxone, dose: 0.4 mg, when: "resp_rate < 8 for 2 min", after: 3 min}
)",
                                  "p.yaml", {});
  ASSERT_TRUE(r.scenario.has_value());
  PreviewOptions o;
  o.patients = 2;
  const auto patients = build_preview(*r.scenario, o);
  ASSERT_EQ(patients.size(), 2u);
  for (const auto& p : patients) {
    if (p.patient == 0) {
      EXPECT_NE(p.label.find("SpO2 target 88-92 % (NEWS2 Scale 2)"), std::string::npos) << p.label;
      ASSERT_FALSE(p.news2.empty());
      // Most of the time 89 % scores nothing on Scale 2 (Scale 1 would give 3 throughout;
      // a night-time dip or a surge may score for a while).
      std::vector<double> v;
      for (const auto& x : p.news2) v.push_back(x.value);
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      EXPECT_LE(v[v.size() / 2], 1.0) << "median NEWS2 of the target patient";

    } else {
      ASSERT_EQ(p.interventions.size(), 1u) << p.label;
      EXPECT_EQ(p.interventions[0].label, "naloxone 0.4 mg (triggered)");
      EXPECT_GT(p.interventions[0].t, physiology::SimTime{std::chrono::hours(2)});
    }
  }
}

}  // namespace
}  // namespace iomtsim::sim
