// `iomtsim realism`: the hourly chart, the Kolmogorov–Smirnov statistic, and the shipped
// PhysioNet 2019 sample read through the importer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/sim/realism.hpp"

using namespace iomtsim;
using namespace iomtsim::sim;
namespace ph = iomtsim::physiology;

namespace {

ph::Reading reading(ph::PatientIndex p, ph::Vital v, double value, double minutes,
                    std::uint8_t flags = 0) {
  ph::Reading r;
  r.patient = p;
  r.vital = v;
  r.value = value;
  r.true_time = ph::at_seconds(minutes * 60.0);
  r.flags = flags;
  return r;
}

// The Kolmogorov distribution's tail, written out again for the test.
double q_ks(double lambda) {
  double s = 0.0;
  for (int j = 1; j <= 100; ++j)
    s += (j % 2 ? 2.0 : -2.0) * std::exp(-2.0 * j * j * lambda * lambda);
  return std::clamp(s, 0.0, 1.0);
}

}  // namespace

TEST(Realism, KolmogorovSmirnovByHand) {
  const auto same = ks_two_sample({1, 2, 3}, {3, 2, 1});
  EXPECT_EQ(same.d, 0.0);
  EXPECT_EQ(same.p, 1.0);
  EXPECT_EQ(ks_two_sample({1, 2, 3, 4}, {5, 6, 7, 8}).d, 1.0);
  // ECDFs at 3: 0.75 vs 0.25 (ties move together); at 4: 1 vs 0.5.
  EXPECT_DOUBLE_EQ(ks_two_sample({1, 2, 3, 4}, {3, 4, 5, 6}).d, 0.5);
  // 50 values each, shifted so that D = 0.3: p from the asymptotic formula.
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back(i);
    b.push_back(i + 15);
  }
  const auto k = ks_two_sample(a, b);
  EXPECT_DOUBLE_EQ(k.d, 0.3);
  const double ne = std::sqrt(25.0);
  EXPECT_NEAR(k.p, q_ks((ne + 0.12 + 0.11 / ne) * 0.3), 1e-12);
  EXPECT_LT(k.p, 0.05);
  EXPECT_TRUE(std::isnan(ks_two_sample({}, {1.0}).d));
}

TEST(Realism, HourlyChartMeansLabelsAndLeavesFlaggedReadingsOut) {
  HourlyChartBuilder b;
  b.add(reading(0, ph::Vital::HeartRate, 80, 10));
  b.add(reading(0, ph::Vital::HeartRate, 90, 50));
  b.add(reading(0, ph::Vital::SpO2, 60, 20, ph::kFlagQuestionable));  // motion: not charted
  b.add(reading(0, ph::Vital::SpO2, 0, 30, ph::kFlagValueAbsent));    // probe off: not charted
  b.add(reading(0, ph::Vital::PulseRate, 70, 130));                   // hour 2: HR from the pulse
  b.add(reading(0, ph::Vital::Temperature, 38.0, 9 * 60 + 5));        // hour 9
  b.add(reading(0, ph::Vital::Temperature, 37.5, 12 * 60 + 5));       // hour 12
  ph::Episode e;
  e.patient = 0;
  e.onset = ph::at_seconds(3 * 3600.0);         // the infection starts at hour 3 ...
  e.criteria_met = ph::at_seconds(8 * 3600.0);  // ... and is clinical at hour 8: labels from hour 2
  b.add(e);
  b.add(reading(1, ph::Vital::RespRate, 18, 61));
  const HourlyChart c = b.finish();
  ASSERT_EQ(c.size(), 2u);
  ASSERT_EQ(c[0].hours.size(), 13u);  // hours 0..12
  EXPECT_TRUE(c[0].septic);
  EXPECT_EQ(c[0].hours[0].values[0], std::optional<double>(85.0));
  EXPECT_FALSE(c[0].hours[0].values[1].has_value());
  EXPECT_FALSE(c[0].hours[1].values[0].has_value());
  EXPECT_EQ(c[0].hours[2].values[0], std::optional<double>(70.0));
  EXPECT_FALSE(c[0].hours[1].septic);
  EXPECT_FALSE(c[0].hours[1].compared);  // a septic stay's hours before the label
  EXPECT_TRUE(c[0].hours[2].septic);
  EXPECT_TRUE(c[0].hours[2].compared);
  EXPECT_TRUE(c[0].hours[11].compared);
  EXPECT_FALSE(c[0].hours[12].compared);  // more than 3 h after t_sepsis (hour 8)
  EXPECT_TRUE(c[1].hours[0].compared);
  EXPECT_EQ(c[0].hours[9].values[2], std::optional<double>(38.0));
  EXPECT_FALSE(c[1].septic);
  ASSERT_EQ(c[1].hours.size(), 1u);
  EXPECT_EQ(c[1].hours[0].values[6], std::optional<double>(18.0));
}

TEST(Realism, TheShippedPhysionetSampleAgainstItselfIsIdentical) {
  const HourlyChart real =
      hourly_chart_from_physionet_dir(std::string(IOMTSIM_DATA_DIR) + "/physionet2019");
  ASSERT_EQ(real.size(), 300u);
  std::size_t septic = 0;
  for (const auto& s : real) septic += s.septic;
  EXPECT_EQ(septic, 40u);
  const RealismTable t = compare_hourly(real, real);
  for (const auto& row : t.rows) {
    EXPECT_EQ(row.ks.d, 0.0) << row.vital << " " << row.hours;
    EXPECT_GT(row.n_real, 100u) << row.vital << " " << row.hours;
  }
  // Charted ICU data: heart rate in about nine hours of ten, temperature in about one in three.
  EXPECT_NEAR(t.present_real[0], 0.9, 0.05);
  EXPECT_NEAR(t.present_real[2], 0.35, 0.05);
  const std::string text = format_realism(t);
  EXPECT_NE(text.find("O2Sat"), std::string::npos);
  EXPECT_NE(text.find("separation"), std::string::npos);
}

// The shipped ICU cohort against the shipped real stays: each vital's stable-hour values,
// septic-hour values and hour-to-hour changes close to the real ones (KS D), the charted
// gaps as ICU charts have them, and septic hours about as separable from stable ones as in
// the real labels (generated separation D no more than 0.15 above the real one).
TEST(Realism, TheShippedIcuCohortLooksLikeThePhysionetSample) {
  const auto loaded = scenarios::load_file(std::string(IOMTSIM_SOURCE_DIR) +
                                           "/scenarios/library/icu_charted_cohort.yaml");
  ASSERT_TRUE(loaded.ok());
  const HourlyChart generated = hourly_chart_from_scenario(*loaded.scenario);
  const HourlyChart real =
      hourly_chart_from_physionet_dir(std::string(IOMTSIM_DATA_DIR) + "/physionet2019");
  const RealismTable t = compare_hourly(generated, real);
  std::printf("%s", format_realism(t).c_str());
  EXPECT_EQ(t.stays_generated, 300u);
  EXPECT_NEAR(static_cast<double>(t.septic_stays_generated), 40.0, 15.0);
  for (const auto& row : t.rows) {
    const double bound = row.hours == "septic" ? 0.3 : 0.2;
    EXPECT_LT(row.ks.d, bound) << row.vital << " " << row.hours;
  }
  for (std::size_t k = 0; k < kChartVitals; ++k) {
    EXPECT_NEAR(t.present_generated[k], t.present_real[k], 0.08) << kChartVitalNames[k];
    EXPECT_LT(t.separation_generated[k], t.separation_real[k] + 0.15) << kChartVitalNames[k];
  }
}
