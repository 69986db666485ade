// What the fuzzers (tests/fuzz) found, as ordinary tests: each input they made fail, or
// the smallest form of it, with what a decoder must say instead. The inputs themselves are
// kept under tests/fuzz/regressions/ and replayed by the sanitizer build.
#include <gtest/gtest.h>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::Vital;
using testing::kEpochMs;

std::string with_year(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, from.size(), to);
}

// fhir_fuzzer and hl7_mllp_fuzzer, first minutes: a year far from now made the
// nanoseconds-since-1970 arithmetic overflow (undefined behaviour; in practice a wrong
// time, not a refusal). Now only years 1970..2200 are instants.
TEST(FuzzRegressions, FhirTimesOutsideTheRepresentableYearsAreRefused) {
  EXPECT_FALSE(parse_fhir_instant("4048-05-01T08:05:00.000Z", kEpochMs));
  EXPECT_FALSE(parse_fhir_instant("9999-12-31T23:59:59Z", 0));
  EXPECT_FALSE(parse_fhir_instant("0001-01-01T00:00:00Z", 0));
  EXPECT_FALSE(parse_fhir_instant("1969-12-31T23:59:59Z", 0));
  EXPECT_TRUE(parse_fhir_instant("1970-01-01T00:00:00+14:00", 0));  // before 1970 in UTC: fine
  EXPECT_TRUE(parse_fhir_instant("2200-12-31T23:59:59.999999999-14:00", 0));
  const auto obs = encode_observation(testing::make(1, 0, 1, Vital::HeartRate, 70, 60000), {kEpochMs});
  const auto far = with_year(obs, "\"2024-", "\"4048-");
  EXPECT_NE(decode_observation(far, {kEpochMs}).error.find("is not a full date-time"),
            std::string::npos);
  physiology::ops::PumpEvent e;
  e.id = 77;
  e.pump = 5;
  e.patient = 3;
  e.kind = physiology::ops::PumpEventKind::Occlusion;
  const auto pump = with_year(encode_pump_observation(e, kEpochMs), "\"2024-", "\"4048-");
  EXPECT_NE(decode_ops_fhir(pump, kEpochMs).error.find("bad effectiveDateTime"), std::string::npos);
}

TEST(FuzzRegressions, Hl7TimesOutsideTheRepresentableYearsAreRefused) {
  const std::string msg = encode_oru_r01(testing::one_of_each(), Hl7Options{kEpochMs});
  ASSERT_TRUE(decode_oru_r01(msg, Hl7Options{kEpochMs}).ok());
  // Every time stamp (MSH-7, OBR-7, OBX-14) moved to the year 9999.
  std::string far = msg;
  for (auto at = far.find("|2024"); at != std::string::npos; at = far.find("|2024", at))
    far.replace(at + 1, 4, "9999");
  EXPECT_FALSE(decode_oru_r01(far, Hl7Options{kEpochMs}).ok());
}

// fhir_fuzzer, differential: json::parse reads a NUL byte outside a string as the end of
// input; the scanning decoder refused such documents where the DOM decoder took them.
TEST(FuzzRegressions, ANulAfterTheDocumentEndsItForBothFhirDecoders) {
  const auto obs = encode_observation(testing::make(1, 0, 1, Vital::HeartRate, 70, 60000), {kEpochMs});
  const auto r = decode_observation(obs + std::string(1, '\0') + "}}garbage", {kEpochMs});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(decode_observation(std::string("1\0\0{", 4), {kEpochMs}).error, "JSON is not an object");
  // Inside a value it is no end: still invalid.
  EXPECT_EQ(decode_observation(std::string("{\"a\":\0}", 7), {kEpochMs}).error, "invalid JSON");
}

// hl7_mllp_fuzzer: a pump ORU's patient id was read as a double and converted to a 32-bit
// index, undefined for "p3.28e10". Ids are integers that fit, or the message is refused.
TEST(FuzzRegressions, PumpPatientIdsAreIntegersThatFit) {
  physiology::ops::PumpEvent e;
  e.id = 77;
  e.pump = 5;
  e.patient = 3;
  e.kind = physiology::ops::PumpEventKind::Occlusion;
  const std::string msg = encode_pump_oru(e, kEpochMs);
  ASSERT_TRUE(decode_pump_oru(msg, kEpochMs).ok());
  for (const char* bad : {"p3.28299e10", "p4294967296", "p-1", "p1e3"}) {
    std::string m = msg;
    const auto at = m.find("p3^");
    ASSERT_NE(at, std::string::npos);
    m.replace(at, 2, bad);
    EXPECT_NE(decode_pump_oru(m, kEpochMs).error.find("PID-3: bad patient id"), std::string::npos)
        << bad;
  }
  // In FHIR, a subject past 32 bits is refused rather than wrapped onto patient 1.
  auto obs = encode_pump_observation(e, kEpochMs);
  obs.replace(obs.find("Patient/p3"), 10, "Patient/p4294967297");
  EXPECT_NE(decode_ops_fhir(obs, kEpochMs).error.find("missing or bad subject"), std::string::npos);
}

}  // namespace
}  // namespace iomtsim::payloads
