#include <gtest/gtest.h>

#include <cmath>

#include "iomtsim/scenarios/units.hpp"

using namespace iomtsim::scenarios;

namespace {

double q(std::string_view text, QuantityKind k) {
  auto r = parse_quantity(text, k);
  EXPECT_TRUE(r.value.has_value()) << text << ": " << r.error;
  return r.value.value_or(-12345);
}

TEST(Units, DurationsInEverySpelling) {
  EXPECT_DOUBLE_EQ(q("90s", QuantityKind::TimeSpan), 90);
  EXPECT_DOUBLE_EQ(q("15 min", QuantityKind::TimeSpan), 900);
  EXPECT_DOUBLE_EQ(q("2h", QuantityKind::TimeSpan), 7200);
  EXPECT_DOUBLE_EQ(q("1.5 hours", QuantityKind::TimeSpan), 5400);
  EXPECT_DOUBLE_EQ(q("250ms", QuantityKind::TimeSpan), 0.25);
  EXPECT_DOUBLE_EQ(q("3 d", QuantityKind::TimeSpan), 3 * 86400);
  EXPECT_DOUBLE_EQ(q("2 weeks", QuantityKind::TimeSpan), 14 * 86400);
  EXPECT_DOUBLE_EQ(q("+5 s", QuantityKind::TimeSpan), 5);
}

TEST(Units, ClinicalUnitsConvertToCanonical) {
  EXPECT_DOUBLE_EQ(q("120 mmHg", QuantityKind::Pressure), 120);
  EXPECT_NEAR(q("16 kPa", QuantityKind::Pressure), 120.01, 0.01);
  EXPECT_DOUBLE_EQ(q("38.5 C", QuantityKind::Temperature), 38.5);
  EXPECT_NEAR(q("101.3 F", QuantityKind::Temperature), 38.5, 0.01);
  EXPECT_DOUBLE_EQ(q("2 %", QuantityKind::Fraction), 0.02);
  EXPECT_DOUBLE_EQ(q("0.9", QuantityKind::Fraction), 0.9);
  EXPECT_NEAR(q("3.9 mmol/L", QuantityKind::Glucose), 70.26, 0.01);
  EXPECT_DOUBLE_EQ(q("70 mg/dL", QuantityKind::Glucose), 70);
  EXPECT_NEAR(q("180 lb", QuantityKind::Mass), 81.65, 0.01);
  EXPECT_DOUBLE_EQ(q("72 bpm", QuantityKind::PerMinute), 72);
  EXPECT_DOUBLE_EQ(q("20 Mbps", QuantityKind::Bandwidth), 20e6);
  EXPECT_DOUBLE_EQ(q("512 KiB", QuantityKind::Bytes), 512 * 1024);
  EXPECT_DOUBLE_EQ(q("500 mL", QuantityKind::Volume), 0.5);
  EXPECT_DOUBLE_EQ(q("400 mcg", QuantityKind::DrugMass), 0.4);
}

TEST(Units, MissingUnitIsAnError) {
  auto r = parse_quantity("90", QuantityKind::TimeSpan);
  EXPECT_FALSE(r.value);
  EXPECT_EQ(r.error, "missing unit: expected a duration such as '90s', '15 min' or '2h'");
}

TEST(Units, WrongUnitNamesWhatItIs) {
  auto r = parse_quantity("2 mmHg", QuantityKind::TimeSpan);
  EXPECT_FALSE(r.value);
  EXPECT_EQ(r.error_offset, 2u);
  EXPECT_NE(r.error.find("(that is a pressure)"), std::string::npos);
}

TEST(Units, HugeAndNonFiniteNumbersAreRejected) {
  EXPECT_FALSE(parse_quantity("1e300 s", QuantityKind::TimeSpan).value);
  EXPECT_FALSE(parse_quantity("inf s", QuantityKind::TimeSpan).value);
  EXPECT_FALSE(parse_quantity("nan", QuantityKind::Fraction).value);
  EXPECT_FALSE(parse_quantity("", QuantityKind::Fraction).value);
  EXPECT_FALSE(parse_quantity("3 s", QuantityKind::Number).value);
}

TEST(Units, SecondsToDurationRoundsAndGuardsOverflow) {
  EXPECT_EQ(seconds_to_duration(1.5), std::chrono::milliseconds(1500));
  EXPECT_FALSE(seconds_to_duration(1e12));
  EXPECT_FALSE(seconds_to_duration(std::nan("")));
}

}  // namespace

namespace {

TEST(Units, CommonSpellingsAreAccepted) {
  EXPECT_NEAR(q("3.9 mmol/l", QuantityKind::Glucose), 70.26, 0.01);
  EXPECT_DOUBLE_EQ(q("70 mg/dl", QuantityKind::Glucose), 70);
  EXPECT_NEAR(q("3.9 MMOL/L", QuantityKind::Glucose), 70.26,
              0.01);  // one unit matches ignoring case
  EXPECT_DOUBLE_EQ(q("72 beats/min", QuantityKind::PerMinute), 72);
  EXPECT_DOUBLE_EQ(q("16 breaths/min", QuantityKind::PerMinute), 16);
  EXPECT_DOUBLE_EQ(q("16 breaths per minute", QuantityKind::PerMinute), 16);
  EXPECT_DOUBLE_EQ(q("120 mm Hg", QuantityKind::Pressure), 120);
  EXPECT_NEAR(q("20 cmH2O", QuantityKind::Pressure), 14.71, 0.01);
  EXPECT_DOUBLE_EQ(q("2 l/min", QuantityKind::FlowRate), 2);
  EXPECT_DOUBLE_EQ(q("500 ml", QuantityKind::Volume), 0.5);
  EXPECT_DOUBLE_EQ(q("38 \xC2\xB0"
                     "C",
                     QuantityKind::Temperature),
                   38);
  EXPECT_DOUBLE_EQ(q("400 \xC2\xB5g", QuantityKind::DrugMass), 0.4);
  // The unit written comes back in its listed spelling, for messages in the author's units.
  EXPECT_EQ(parse_quantity("3.9 mmol/l", QuantityKind::Glucose).unit, "mmol/L");
  EXPECT_EQ(parse_quantity("16 breaths/min", QuantityKind::PerMinute).unit, "/min");
  // Sizes and bandwidths keep their case: "mb" could be megabits or megabytes.
  EXPECT_FALSE(parse_quantity("5 mb", QuantityKind::Bytes).value);
  EXPECT_FALSE(parse_quantity("5 MBPS", QuantityKind::Bandwidth).value);
  EXPECT_DOUBLE_EQ(q("5 MB", QuantityKind::Bytes), 5e6);
}

TEST(Units, ValuesFormatInTheUnitTheAuthorWrote) {
  EXPECT_EQ(format_in_unit(54.048, QuantityKind::Glucose, "mmol/L"), "3 mmol/L");
  EXPECT_EQ(format_in_unit(108000, QuantityKind::TimeSpan, "h"), "30 h");
  EXPECT_EQ(format_in_unit(0.95, QuantityKind::Fraction, "%"), "95 %");
  EXPECT_EQ(format_in_unit(38.5, QuantityKind::Temperature, "F"), "101.3 F");
  EXPECT_EQ(format_in_unit(366 * 86400.0, QuantityKind::TimeSpan, ""), "366 d");
  EXPECT_EQ(format_duration(90), "90 s");
  EXPECT_EQ(format_duration(900), "15 min");
  EXPECT_EQ(format_duration(3600), "1 h");
  EXPECT_EQ(format_duration(5400), "90 min");
  EXPECT_EQ(format_duration(7 * 86400), "7 d");
}

}  // namespace
