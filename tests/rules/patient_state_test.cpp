#include "iomtsim/rules/patient_state.hpp"

#include <gtest/gtest.h>

#include "rules/rules_test_support.hpp"

namespace iomtsim::rules {
namespace {

using physiology::Vital;
using testing::reading;

TEST(PatientState, KeepsNewestByDeviceTime) {
  PatientState s;
  EXPECT_EQ(s.apply(reading(1, 1, Vital::HeartRate, 80, 10)), Arrival::Newest);
  EXPECT_EQ(s.apply(reading(1, 3, Vital::HeartRate, 90, 30)), Arrival::Newest);
  // seq 2 arrives after seq 3 (reordered): older device time, kept out.
  EXPECT_EQ(s.apply(reading(1, 2, Vital::HeartRate, 85, 20)), Arrival::Late);
  EXPECT_DOUBLE_EQ(s.latest(Vital::HeartRate).value, 90);
  EXPECT_EQ(s.latest(Vital::HeartRate).reading_id, physiology::make_reading_id(1, 0, 3));
  EXPECT_EQ(s.late(), 1u);
}

TEST(PatientState, LateForOneVitalIsNewestForAnother) {
  PatientState s;
  s.apply(reading(1, 5, Vital::HeartRate, 80, 50));
  EXPECT_EQ(s.apply(reading(1, 4, Vital::SpO2, 95, 40)), Arrival::Newest);
  EXPECT_TRUE(s.latest(Vital::SpO2).present);
}

TEST(PatientState, DuplicatesByIdAreIgnored) {
  PatientState s;
  EXPECT_EQ(s.apply(reading(1, 7, Vital::RespRate, 16, 70)), Arrival::Newest);
  EXPECT_EQ(s.apply(reading(1, 7, Vital::RespRate, 16, 70)), Arrival::Duplicate);
  // A retry of an older reading after newer ones also counts as a duplicate.
  s.apply(reading(1, 8, Vital::RespRate, 17, 80));
  s.apply(reading(1, 9, Vital::RespRate, 18, 90));
  EXPECT_EQ(s.apply(reading(1, 8, Vital::RespRate, 17, 80)), Arrival::Duplicate);
  // A never-seen older sequence is not a duplicate (it is late).
  EXPECT_EQ(s.apply(reading(1, 6, Vital::RespRate, 15, 60)), Arrival::Late);
  EXPECT_EQ(s.duplicates(), 2u);
}

TEST(PatientState, DevicesHaveSeparateWindows) {
  PatientState s;
  EXPECT_EQ(s.apply(reading(1, 1, Vital::HeartRate, 80, 10, 0, 0)), Arrival::Newest);
  EXPECT_EQ(s.apply(reading(1, 1, Vital::SpO2, 97, 10, 0, 1)), Arrival::Newest);
}

TEST(PatientState, WindowSlidesFarAhead) {
  PatientState s;
  s.apply(reading(1, 1, Vital::HeartRate, 80, 1));
  s.apply(reading(1, 1000, Vital::HeartRate, 81, 1000));
  EXPECT_EQ(s.apply(reading(1, 1000, Vital::HeartRate, 81, 1000)), Arrival::Duplicate);
  EXPECT_EQ(s.apply(reading(1, 999, Vital::HeartRate, 81, 999)), Arrival::Late);
}

TEST(PatientState, FreshnessWindow) {
  PatientState s;
  s.apply(reading(1, 1, Vital::Temperature, 37.2, 100));
  using std::chrono::seconds;
  EXPECT_TRUE(s.fresh(Vital::Temperature, physiology::at_seconds(150), seconds(60)).has_value());
  EXPECT_FALSE(s.fresh(Vital::Temperature, physiology::at_seconds(161), seconds(60)).has_value());
  EXPECT_FALSE(s.fresh(Vital::SpO2, physiology::at_seconds(100), seconds(60)).has_value());
}

}  // namespace
}  // namespace iomtsim::rules
