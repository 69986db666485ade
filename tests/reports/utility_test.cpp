#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "iomtsim/reports/scores.hpp"
#include "iomtsim/reports/utility.hpp"

using namespace iomtsim::reports;

TEST(Utility, OfficialWorkedExample) {
  const std::vector<int> labels = {0, 0, 0, 0, 1, 1};
  const std::vector<int> predictions = {0, 0, 1, 1, 1, 1};
  EXPECT_NEAR(prediction_utility(labels, predictions), 3.388888888888889, 1e-12);
}

TEST(Utility, NonSepticStayCostsFalsePositivesOnly) {
  const std::vector<int> labels(5, 0);
  EXPECT_NEAR(prediction_utility(labels, std::vector<int>{1, 0, 1, 0, 0}), -0.1, 1e-12);
  EXPECT_EQ(prediction_utility(labels, std::vector<int>(5, 0)), 0.0);
}

TEST(Utility, MissedSepsisByHand) {
  // First label at hour 10, so t_sepsis = 16; a missed hour t in (10, 19] costs
  // -(2/9)(t - 10): the sum over t = 11..19 is -(2/9) * 45 = -10.
  std::vector<int> labels(20, 0);
  for (int t = 10; t < 20; ++t) labels[static_cast<std::size_t>(t)] = 1;
  EXPECT_NEAR(prediction_utility(labels, std::vector<int>(20, 0)), -10.0, 1e-12);
  // An alarm far too early (t <= t_sepsis - 12 = 4) costs u_fp.
  std::vector<int> early(20, 0);
  early[2] = 1;
  EXPECT_NEAR(prediction_utility(labels, early), -10.0 - 0.05, 1e-12);
  // Best predictions cover (t_sepsis - 12, t_sepsis + 3] = hours 5..19.
  const auto best = best_predictions(labels);
  for (int t = 0; t < 20; ++t) EXPECT_EQ(best[static_cast<std::size_t>(t)], t >= 5 ? 1 : 0) << t;
  // 1/6 + … + 6/6 = 3.5 on the way up, (8 + 7 + … + 0)/9 = 4 on the way down.
  EXPECT_NEAR(prediction_utility(labels, best), 7.5, 1e-12);
}

TEST(Utility, NormalisationMapsInactionToZeroAndBestToOne) {
  std::vector<std::vector<int>> labels = {{0, 0, 0, 0, 1, 1}, {0, 0, 0}, std::vector<int>(30, 0)};
  for (int t = 20; t < 30; ++t) labels[2][static_cast<std::size_t>(t)] = 1;
  std::vector<std::vector<int>> none, best;
  for (const auto& l : labels) {
    none.emplace_back(l.size(), 0);
    best.push_back(best_predictions(l));
  }
  EXPECT_NEAR(normalized_utility(labels, none).normalized, 0.0, 1e-12);
  EXPECT_NEAR(normalized_utility(labels, best).normalized, 1.0, 1e-12);
}

TEST(Utility, BadInputIsATypedError) {
  EXPECT_THROW(prediction_utility(std::vector<int>{0, 1}, std::vector<int>{0}), UtilityError);
  EXPECT_THROW(prediction_utility(std::vector<int>{0, 2}, std::vector<int>{0, 0}), UtilityError);
  const std::vector<std::vector<int>> one = {{0}};
  EXPECT_THROW(normalized_utility(one, std::vector<std::vector<int>>{}), UtilityError);
}

namespace {
// SepsisLabel column of every PhysioNet 2019 sample file.
std::vector<std::vector<int>> load_physionet_labels() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(IOMTSIM_DATA_DIR "/physionet2019"))
    if (e.path().extension() == ".psv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::vector<int>> all;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    std::getline(in, line);  // header
    EXPECT_TRUE(line.ends_with("SepsisLabel")) << f;
    std::vector<int> labels;
    while (std::getline(in, line)) {
      const auto bar = line.rfind('|');
      labels.push_back(std::stoi(line.substr(bar + 1)));
    }
    all.push_back(std::move(labels));
  }
  return all;
}

// Predictions = labels moved `hours` earlier (each positive hour also marks the
// `hours` before it).
std::vector<int> shifted(const std::vector<int>& labels, int hours) {
  std::vector<int> p(labels.size(), 0);
  for (std::size_t t = 0; t < labels.size(); ++t)
    if (labels[t])
      for (int k = 0; k <= hours; ++k)
        if (t >= static_cast<std::size_t>(k)) p[t - static_cast<std::size_t>(k)] = 1;
  return p;
}
}  // namespace

TEST(Utility, RealPhysioNetLabelShapes) {
  const auto labels = load_physionet_labels();
  ASSERT_EQ(labels.size(), 300u);
  std::size_t septic = 0;
  for (const auto& l : labels) septic += std::count(l.begin(), l.end(), 1) > 0;
  EXPECT_EQ(septic, 40u);

  auto score = [&](auto make) {
    std::vector<std::vector<int>> preds;
    for (const auto& l : labels) preds.push_back(make(l));
    return normalized_utility(labels, preds);
  };
  const auto none = score([](const auto& l) { return std::vector<int>(l.size(), 0); });
  EXPECT_EQ(none.normalized, 0.0);
  EXPECT_LT(none.inaction, 0.0);  // missing the septic stays costs
  const auto best = score([](const auto& l) { return best_predictions(l); });
  EXPECT_NEAR(best.normalized, 1.0, 1e-12);
  // Predicting 5 h before the label turns on starts at t_sepsis - 11, the best start.
  const auto early = score([](const auto& l) { return shifted(l, 5); });
  EXPECT_GT(early.normalized, 0.9);
  EXPECT_LE(early.normalized, 1.0 + 1e-12);
  // The label itself starts at t_sepsis - 6: it misses the ramp-up hours.
  const auto on_label = score([](const auto& l) { return l; });
  EXPECT_GT(on_label.normalized, 0.5);
  EXPECT_LT(on_label.normalized, early.normalized);
  // Alarming every hour of every stay is worse than doing nothing (many non-septic hours).
  const auto always = score([](const auto& l) { return std::vector<int>(l.size(), 1); });
  EXPECT_LT(always.normalized, on_label.normalized);
}

TEST(Challenge2015, ScoreFormula) {
  EXPECT_NEAR(challenge2015_score(3, 5, 2, 1), 800.0 / 15.0, 1e-12);
  EXPECT_EQ(challenge2015_score(10, 10, 0, 0), 100.0);
  EXPECT_TRUE(std::isnan(challenge2015_score(0, 0, 0, 0)));
  // Suppressing a true alarm costs five times keeping a false one.
  EXPECT_LT(challenge2015_score(9, 10, 0, 1), challenge2015_score(10, 9, 1, 0));
}

namespace {
using iomtsim::physiology::at_seconds;
AlertRecord alert_at(iomtsim::physiology::PatientIndex p, double hours, std::string rule = "news2") {
  AlertRecord a;
  a.alert.patient = p;
  a.alert.rule = std::move(rule);
  a.alert.received_time = at_seconds(hours * 3600.0);
  return a;
}
}  // namespace

TEST(HourlyUtility, AlertsByHourReproduceTheWorkedExample) {
  // Hours 0..5 observed; labels [0,0,0,0,1,1] mean t_sepsis = hour 4 + 6 = 10.
  const std::vector<PatientSpan> spans = {{7, at_seconds(0), at_seconds(5.5 * 3600)}};
  iomtsim::physiology::Episode sepsis;
  sepsis.patient = 7;
  sepsis.onset = at_seconds(10 * 3600);
  sepsis.end = at_seconds(5.5 * 3600);
  // Two alerts in hour 2 count once; hours 3, 4, 5 positive; one alert before the stay and
  // one of another patient are ignored.
  const std::vector<AlertRecord> alerts = {alert_at(7, 2.1), alert_at(7, 2.9), alert_at(7, 3.0),
                                           alert_at(7, 4.99), alert_at(7, 5.2), alert_at(7, -1.0),
                                           alert_at(8, 3.0)};
  const auto u = hourly_sepsis_utility(spans, std::vector{sepsis}, alerts);
  EXPECT_EQ(u.patients, 1u);
  EXPECT_EQ(u.septic_patients, 1u);
  EXPECT_EQ(u.patient_hours, 6u);
  EXPECT_EQ(u.positive_hours, 4u);
  EXPECT_NEAR(u.utility.observed, 3.388888888888889, 1e-12);
  const std::vector<int> labels = {0, 0, 0, 0, 1, 1};
  EXPECT_NEAR(u.utility.best, prediction_utility(labels, best_predictions(labels)), 1e-12);
  EXPECT_NEAR(u.utility.inaction, prediction_utility(labels, std::vector<int>(6, 0)), 1e-12);
  EXPECT_NEAR(u.utility.normalized,
              (u.utility.observed - u.utility.inaction) / (u.utility.best - u.utility.inaction), 1e-12);
}

TEST(HourlyUtility, RuleSubsetNonSepticCostsAndSplitSpans) {
  // Patient 1 is not septic: one positive hour costs u_fp. Its spans come from two shards.
  const std::vector<PatientSpan> spans = {{1, at_seconds(3600), at_seconds(2 * 3600)},
                                          {1, at_seconds(4 * 3600), at_seconds(9 * 3600)}};
  const std::vector<AlertRecord> alerts = {alert_at(1, 1.5, "qsofa"), alert_at(1, 8.5, "news2")};
  const std::vector<iomtsim::physiology::Episode> none;
  const auto all = hourly_sepsis_utility(spans, none, alerts);
  EXPECT_EQ(all.patient_hours, 9u);  // hours 1..9
  EXPECT_EQ(all.positive_hours, 2u);
  EXPECT_NEAR(all.utility.observed, -0.1, 1e-12);
  EXPECT_TRUE(std::isnan(all.utility.normalized));  // nobody septic: undefined, not 0
  const std::vector<std::string> only_qsofa = {"qsofa"};
  const auto subset = hourly_sepsis_utility(spans, none, alerts, only_qsofa);
  EXPECT_EQ(subset.positive_hours, 1u);
  EXPECT_NEAR(subset.utility.observed, -0.05, 1e-12);
}

TEST(HourlyUtility, OnsetBeforeTheFirstObservedHourKeepsItsTime) {
  // t_sepsis two hours before the first observed hour: every observed hour is past the
  // optimum, so the best predictions are hours 0..1 (Δ = 2, 3) and misses cost.
  const std::vector<PatientSpan> spans = {{0, at_seconds(10 * 3600), at_seconds(15 * 3600)}};
  iomtsim::physiology::Episode e;
  e.onset = at_seconds(8 * 3600);
  const auto u = hourly_sepsis_utility(spans, std::vector{e}, std::vector<AlertRecord>{});
  EXPECT_EQ(u.patient_hours, 6u);
  // Misses at Δ = 2 and 3 cost -(2/9)*8 and -2; later hours are past dt_late and count 0.
  EXPECT_NEAR(u.utility.inaction, -2.0 / 9.0 * 8.0 - 2.0, 1e-12);
  EXPECT_NEAR(u.utility.best, 1.0 / 9.0, 1e-12);  // TP at Δ = 2: (3 - 2) / 9; at Δ = 3: 0
}
