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

}  // namespace
}  // namespace iomtsim::sim
