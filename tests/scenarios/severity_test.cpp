// Severity words reach their criteria in the true vitals: seeded cohorts written with
// `severity: mild | moderate | severe` (scenarios/src/severity.cpp, docs/clinical.md
// "Severity") are run and every episode's worst true values are checked.
#include <gtest/gtest.h>

#include <algorithm>

#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/severity.hpp"

using namespace iomtsim::scenarios;
using namespace iomtsim::physiology;
using namespace std::chrono_literals;

namespace {

struct Worst {
  double rr = 1e9, spo2 = 1e9, glucose = 1e9;
  bool on_oxygen = false;
  bool severe_together = false;  // RR <= 8 and SpO2 < 90 at one instant
};

// The worst true values of each patient from the onset (2 h) to the end (8 h), one cohort
// of `n` patients all given `kind` at `severity`.
std::vector<Worst> run(std::string_view archetype, std::string_view kind, std::string_view severity,
                       std::uint64_t seed, int n = 12) {
  const std::string text = "metadata: {name: s, duration: 8h, seed: " + std::to_string(seed) +
                           "}\ncohorts:\n  - name: c\n    count: " + std::to_string(n) +
                           "\n    archetype: " + std::string(archetype) +
                           "\n    conditions:\n      - kind: " + std::string(kind) +
                           "\n        count: " + std::to_string(n) +
                           "\n        onset: 2h\n        severity: " + std::string(severity) + "\n";
  auto r = load_string(text, "severity.yaml", {});
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  std::vector<Worst> out;
  if (!r.ok()) return out;
  const auto& s = *r.scenario;
  for (int p = 0; p < n; ++p) {
    PatientGenerator g(s.cohorts[0].physiology, static_cast<PatientIndex>(p), seed,
                       s.metadata.duration);
    Worst w;
    for (Duration t = 2h; t < 8h; t += 30s) {
      const VitalSigns v = g.true_vitals(SimTime{t});
      w.rr = std::min(w.rr, v.resp_rate_per_min);
      w.spo2 = std::min(w.spo2, v.spo2_pct);
      w.glucose = std::min(w.glucose, v.glucose_mg_dl);
      w.on_oxygen = w.on_oxygen || v.on_oxygen;
      w.severe_together = w.severe_together || (v.resp_rate_per_min <= 8.0 && v.spo2_pct < 90.0);
    }
    out.push_back(w);
  }
  return out;
}

}  // namespace

TEST(Severity, SevereOpioidDepressionReachesRr8AndSpo2Below90OnAir) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (const Worst& w :
         run("post_operative_adult", "opioid_respiratory_depression", "severe", seed)) {
      EXPECT_FALSE(w.on_oxygen);
      EXPECT_LE(w.rr, 8.0) << "seed " << seed;
      EXPECT_LT(w.spo2, 90.0) << "seed " << seed;
    }
  }
}

TEST(Severity, MildOpioidDepressionNeverReachesTheSevereCriteria) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (const Worst& w :
         run("post_operative_adult", "opioid_respiratory_depression", "mild", seed)) {
      EXPECT_GT(w.rr, 8.0) << "seed " << seed;
      EXPECT_FALSE(w.severe_together) << "seed " << seed;
    }
  }
}

TEST(Severity, ModerateOpioidDepressionSitsBetween) {
  // Defined at a typical baseline: the median patient's lowest RR is 9-11 /min, and
  // fewer than half reach the severe criteria together.
  std::vector<double> lowest;
  int severe = 0;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (const Worst& w :
         run("post_operative_adult", "opioid_respiratory_depression", "moderate", seed)) {
      lowest.push_back(w.rr);
      severe += w.severe_together;
    }
  }
  std::sort(lowest.begin(), lowest.end());
  const double median = lowest[lowest.size() / 2];
  EXPECT_GE(median, 8.5);
  EXPECT_LT(median, 11.5);
  EXPECT_LT(severe, static_cast<int>(lowest.size()) / 2);
}

TEST(Severity, SevereHypoglycaemiaReachesLevel2AndMilderOnesDoNot) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (const Worst& w : run("type1_diabetes", "hypoglycemia", "severe", seed))
      EXPECT_LT(w.glucose, 54.0) << "seed " << seed;
    for (const Worst& w : run("type1_diabetes", "hypoglycemia", "moderate", seed)) {
      EXPECT_LT(w.glucose, 70.0) << "seed " << seed;
      EXPECT_GE(w.glucose, 54.0) << "seed " << seed;
    }
    for (const Worst& w : run("type1_diabetes", "hypoglycemia", "mild", seed)) {
      EXPECT_LT(w.glucose, 70.0) << "seed " << seed;
      EXPECT_GE(w.glucose, 54.0) << "seed " << seed;
    }
  }
}

TEST(Severity, WordsAreRangesOfTheNumberAndNumbersStillLoad) {
  auto r = load_string(R"(metadata: {name: s, duration: 8h}
cohorts:
  - name: c
    count: 2
    archetype: post_operative_adult
    conditions:
      - {kind: opioid_respiratory_depression, count: 1, onset: 1h, severity: severe}
      - {kind: sepsis, probability: 50 %, onset: 1h, severity: 0.4}
)",
                       "s.yaml", {});
  ASSERT_TRUE(r.ok());
  const auto& c = r.scenario->cohorts[0].physiology.conditions;
  const SeverityLevel& l =
      severity_level(ConditionKind::OpioidRespiratoryDepression, SeverityWord::Severe);
  EXPECT_EQ(c[0].severity, Distribution::uniform(l.lo, l.hi));
  EXPECT_EQ(severity_word_of(c[0].kind, c[0].severity), SeverityWord::Severe);
  EXPECT_EQ(c[1].severity, Distribution::constant(0.4));
  EXPECT_FALSE(severity_word_of(c[1].kind, c[1].severity));
}
