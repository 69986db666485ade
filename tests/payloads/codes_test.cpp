#include "iomtsim/payloads/codes.hpp"

#include <gtest/gtest.h>

namespace iomtsim::payloads {
namespace {

using physiology::Vital;

TEST(Codes, TableMatchesClinicalReference) {
  EXPECT_EQ(codes(Vital::HeartRate).loinc, "8867-4");
  EXPECT_EQ(codes(Vital::HeartRate).mdc_code, 147842u);
  EXPECT_EQ(codes(Vital::HeartRate).mdc_unit_code, 264864u);
  EXPECT_EQ(codes(Vital::PulseRate).mdc_code, 149530u);
  EXPECT_EQ(codes(Vital::RespRate).mdc_unit_code, 264928u);
  EXPECT_EQ(codes(Vital::SpO2).loinc, "2708-6");
  EXPECT_EQ(codes(Vital::SpO2).mdc_code, 150456u);
  EXPECT_EQ(codes(Vital::SystolicBP).loinc, "8480-6");
  EXPECT_EQ(codes(Vital::SystolicBP).mdc_code, 150021u);
  EXPECT_EQ(codes(Vital::DiastolicBP).mdc_code, 150022u);
  EXPECT_EQ(codes(Vital::MeanBP).mdc_code, 150023u);
  EXPECT_EQ(codes(Vital::Temperature).ucum, "Cel");
  EXPECT_EQ(codes(Vital::Temperature).mdc_unit_code, 268192u);
  EXPECT_EQ(codes(Vital::Weight).loinc, "29463-7");
  EXPECT_EQ(codes(Vital::Glucose).mdc_code, 160184u);
  EXPECT_EQ(codes(Vital::Consciousness).loinc, "80288-4");
  EXPECT_EQ(codes(Vital::Consciousness).mdc_code, 0u);
}

TEST(Codes, EveryVitalRoundTripsThroughReverseLookups) {
  for (Vital v : physiology::kAllVitals) {
    EXPECT_EQ(codes(v).vital, v);
    EXPECT_EQ(codes(v).ucum, physiology::ucum_unit(v)) << physiology::name(v);
    EXPECT_EQ(vital_from_loinc(codes(v).loinc), v) << physiology::name(v);
    if (codes(v).mdc_code != 0) {
      EXPECT_EQ(vital_from_mdc(codes(v).mdc_code), v);
    }
  }
  EXPECT_EQ(vital_from_loinc("59408-5"), Vital::SpO2);
  EXPECT_EQ(vital_from_loinc("15074-8"), Vital::Glucose);
  EXPECT_FALSE(vital_from_loinc("1234-5").has_value());
  EXPECT_FALSE(vital_from_mdc(0).has_value());
  EXPECT_FALSE(vital_from_mdc(999999).has_value());
}

TEST(Codes, Acvpu) {
  EXPECT_EQ(acvpu_letter(0), 'A');
  EXPECT_EQ(acvpu_letter(1), 'C');
  EXPECT_EQ(acvpu_letter(4), 'U');
  EXPECT_EQ(acvpu_letter(7), '?');
  EXPECT_EQ(acvpu_from_letter("V"), 2);
  EXPECT_FALSE(acvpu_from_letter("X").has_value());
  EXPECT_FALSE(acvpu_from_letter("").has_value());
}

TEST(Codes, Eui64IsDistinctPerDevice) {
  EXPECT_NE(device_eui64(1, 0), device_eui64(1, 1));
  EXPECT_NE(device_eui64(1, 0), device_eui64(2, 0));
  EXPECT_EQ(device_eui64(5, 2) >> 56, 0x02u);  // locally administered
}

}  // namespace
}  // namespace iomtsim::payloads
