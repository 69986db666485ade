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
  // Best predictions cover [t_sepsis - 12, t_sepsis + 3] = hours 4..19, as the scorer's
  // slice best[max(0, t_sepsis - 12) : t_sepsis + 4] (hour 4 earns exactly 0).
  const auto best = best_predictions(labels);
  for (int t = 0; t < 20; ++t) EXPECT_EQ(best[static_cast<std::size_t>(t)], t >= 4 ? 1 : 0) << t;
  // 1/6 + … + 6/6 = 3.5 on the way up, (8 + 7 + … + 0)/9 = 4 on the way down.
  EXPECT_NEAR(prediction_utility(labels, best), 7.5, 1e-12);
}

namespace {
// What predicting hour t alone adds over predicting nothing: u_TP(t) - u_FN(t).
double hour_gain(const std::vector<int>& labels, std::size_t t) {
  std::vector<int> one(labels.size(), 0);
  one[t] = 1;
  return prediction_utility(labels, one) -
         prediction_utility(labels, std::vector<int>(labels.size(), 0));
}
// Labels of a stay of n hours whose label turns on at hour `first` (t_sepsis = first + 6).
std::vector<int> stay(std::size_t n, std::size_t first) {
  std::vector<int> l(n, 0);
  for (std::size_t t = first; t < n; ++t) l[t] = 1;
  return l;
}
}  // namespace

// Every boundary of the challenge formula (Reyna et al. 2019), by hand. A stay of 30 hours
// whose label turns on at hour 14 has t_sepsis = 20; Δ = t - 20.
TEST(Utility, EveryBoundaryByHand) {
  const auto labels = stay(30, 14);
  const std::vector<int> none(30, 0);
  // Δ = -13: too early, u_FP = -0.05 (the rising line would give -1/6; max takes -0.05).
  EXPECT_NEAR(hour_gain(labels, 7), -0.05, 1e-12);
  // Δ = -12: the rising line is exactly 0, and max(0, -0.05) = 0 (the old bug gave -0.05).
  EXPECT_NEAR(hour_gain(labels, 8), 0.0, 1e-12);
  // Δ = -11 .. -6: (Δ + 12) / 6, reaching 1 at the optimum; a miss there costs nothing.
  EXPECT_NEAR(hour_gain(labels, 9), 1.0 / 6.0, 1e-12);
  EXPECT_NEAR(hour_gain(labels, 13), 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(hour_gain(labels, 14), 1.0, 1e-12);
  // Δ = -5: a hit earns (3 - Δ) / 9 = 8/9 and a miss costs -2 (Δ + 6) / 9 = -2/9.
  std::vector<int> only15(30, 0);
  only15[15] = 1;
  EXPECT_NEAR(prediction_utility(labels, only15) - prediction_utility(labels, none),
              8.0 / 9.0 + 2.0 / 9.0, 1e-12);
  // Δ = +3: a hit earns 0, a miss costs -2; Δ = +4 is not scored at all.
  EXPECT_NEAR(hour_gain(labels, 23), 2.0, 1e-12);
  EXPECT_NEAR(hour_gain(labels, 24), 0.0, 1e-12);
  EXPECT_NEAR(hour_gain(labels, 29), 0.0, 1e-12);
  // Inaction: misses at Δ = -5 .. 3 cost -(2/9)(1 + … + 9) = -10.
  EXPECT_NEAR(prediction_utility(labels, none), -10.0, 1e-12);
}

TEST(Utility, FirstAndLastHourOfAStay) {
  // Label from the first hour: t_sepsis = 6, so hour 0 is the optimum (Δ = -6) and the
  // best predictions start at max(0, 6 - 12) = 0.
  const auto from_start = stay(12, 0);
  EXPECT_NEAR(hour_gain(from_start, 0), 1.0, 1e-12);
  const auto best = best_predictions(from_start);
  EXPECT_EQ(best, (std::vector<int>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}));  // hours 0..9 (Δ <= 3)
  // A stay that ends with its first label: t_sepsis = 5 + 6 = 11 lies after the last hour,
  // which sits at Δ = -6 (a hit earns 1, a miss nothing); the first hour is at Δ = -11.
  const auto ends_at_label = stay(6, 5);
  EXPECT_NEAR(hour_gain(ends_at_label, 5), 1.0, 1e-12);
  EXPECT_NEAR(hour_gain(ends_at_label, 0), 1.0 / 6.0, 1e-12);
  EXPECT_EQ(best_predictions(ends_at_label), std::vector<int>(6, 1));
  // A stay ending 12 h before t_sepsis: its last hour (Δ = -12) earns exactly 0.
  EXPECT_EQ(stay_utility(12.0, std::vector<int>{1}), 0.0);
  EXPECT_EQ(stay_utility(13.0, std::vector<int>{1}), -0.05);
  EXPECT_EQ(best_stay_predictions(12.0, 1), std::vector<int>{1});
  EXPECT_EQ(best_stay_predictions(13.0, 1), std::vector<int>{0});
  // Non-septic: the first and the last hour each cost u_FP when predicted.
  const std::vector<int> clean(4, 0);
  EXPECT_NEAR(prediction_utility(clean, std::vector<int>{1, 0, 0, 1}), -0.1, 1e-12);
}

namespace {
// A line-by-line port of compute_prediction_utility from the official scorer
// (physionetchallenges/evaluation-2019, evaluate_sepsis_score.py), kept apart from the
// implementation under test so the two can disagree.
double scorer(const std::vector<int>& labels, const std::vector<int>& predictions) {
  const double dt_early = -12, dt_optimal = -6, dt_late = 3, max_u_tp = 1, min_u_fn = -2,
               u_fp = -0.05, u_tn = 0;
  const auto first = std::find(labels.begin(), labels.end(), 1);
  const bool is_septic = first != labels.end();
  const double t_sepsis =
      is_septic ? static_cast<double>(first - labels.begin()) - dt_optimal : INFINITY;
  const double m_1 = max_u_tp / (dt_optimal - dt_early), b_1 = -m_1 * dt_early;
  const double m_2 = -max_u_tp / (dt_late - dt_optimal), b_2 = -m_2 * dt_late;
  const double m_3 = min_u_fn / (dt_late - dt_optimal), b_3 = -m_3 * dt_optimal;
  double sum = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double t = static_cast<double>(i);
    double u = 0;
    if (t <= t_sepsis + dt_late) {
      if (is_septic && predictions[i]) {
        if (t <= t_sepsis + dt_optimal)
          u = std::max(m_1 * (t - t_sepsis) + b_1, u_fp);
        else if (t <= t_sepsis + dt_late)
          u = m_2 * (t - t_sepsis) + b_2;
      } else if (!is_septic && predictions[i]) {
        u = u_fp;
      } else if (is_septic && !predictions[i]) {
        if (t <= t_sepsis + dt_optimal)
          u = 0;
        else if (t <= t_sepsis + dt_late)
          u = m_3 * (t - t_sepsis) + b_3;
      } else {
        u = u_tn;
      }
    }
    sum += u;
  }
  return sum;
}
}  // namespace

TEST(Utility, MatchesTheOfficialScorerOnEveryShape) {
  // Every stay length 1..40 with every label start (and none), each with several seeded
  // random prediction series and the one-hot series of every hour.
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  auto bit = [&x] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<int>(x & 1);
  };
  for (std::size_t n = 1; n <= 40; ++n) {
    for (std::size_t first = 0; first <= n; ++first) {
      std::vector<int> labels(n, 0);
      for (std::size_t t = first; t < n; ++t) labels[t] = 1;
      for (int k = 0; k < 4; ++k) {
        std::vector<int> p(n);
        for (auto& v : p) v = bit();
        ASSERT_NEAR(prediction_utility(labels, p), scorer(labels, p), 1e-12) << n << " " << first;
      }
      for (std::size_t t = 0; t < n; ++t) {
        std::vector<int> p(n, 0);
        p[t] = 1;
        ASSERT_NEAR(prediction_utility(labels, p), scorer(labels, p), 1e-12)
            << n << " " << first << " " << t;
      }
    }
  }
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
  // The official scorer's own loop agrees on every real stay, for predictions shifted
  // 12 h early (the hour at exactly -12 earns 0, not -0.05).
  for (const auto& l : labels)
    ASSERT_NEAR(prediction_utility(l, shifted(l, 6)), scorer(l, shifted(l, 6)), 1e-12);
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
AlertRecord alert_at(iomtsim::physiology::PatientIndex p, double hours,
                     std::string rule = "news2") {
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
  const std::vector<AlertRecord> alerts = {alert_at(7, 2.1),  alert_at(7, 2.9), alert_at(7, 3.0),
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
              (u.utility.observed - u.utility.inaction) / (u.utility.best - u.utility.inaction),
              1e-12);
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
