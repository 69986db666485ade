// What a JSON document may cost its receiver: the nesting pre-check, and the bounds every
// DOM decoder parses under (a hostile document is refused, never built).
#include "iomtsim/payloads/json_limits.hpp"

#include <gtest/gtest.h>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace iomtsim::payloads {
namespace {

TEST(JsonNestingDepth, CountsBracketsOutsideStrings) {
  EXPECT_EQ(json_nesting_depth("1", 10), 0u);
  EXPECT_EQ(json_nesting_depth("[1]", 10), 1u);
  EXPECT_EQ(json_nesting_depth(R"([{"a":[]}])", 10), 3u);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[[[[["})", 10), 1u);
  EXPECT_EQ(json_nesting_depth(R"({"a":"\"[[[[[[[[\\"})", 10), 1u);  // escaped quotes
  EXPECT_EQ(json_nesting_depth(R"({"a":"\\",[[[)", 10), 4u);  // an escaped backslash, then "
  EXPECT_EQ(json_nesting_depth(R"(["unterminated [[[[)", 10), 1u);
  EXPECT_EQ(json_nesting_depth("]]]][[", 10), 2u);
}

TEST(JsonNestingDepth, StopsJustPastTheLimit) {
  const std::string deep(16u << 20, '[');
  EXPECT_EQ(json_nesting_depth(deep, 32), 33u);
  EXPECT_EQ(json_nesting_depth(std::string(32, '[') + std::string(32, ']'), 32), 32u);
}

TEST(JsonBounds, DomDecodersRefuseWhatWouldCostTooMuch) {
  // Deep: refused before it is built, with the reason.
  EXPECT_EQ(decode_mqtt_json(std::string(100000, '[')).error, "JSON nested deeper than 8 levels");
  EXPECT_EQ(decode_ops_fhir(R"({"resourceType":"DiagnosticReport","x":)" + std::string(1000, '['), 0)
                .error,
            "JSON nested deeper than 32 levels");
  // Shallow but wide: a million values would be a DOM of tens of MB.
  std::string wide = R"({"resourceType":"DiagnosticReport","x":[)";
  for (int i = 0; i < 100000; ++i) wide += "0,";
  wide += "0]}";
  EXPECT_EQ(decode_ops_fhir(wide, 0).error, "JSON has more than 4096 values");
  EXPECT_EQ(decode_waveform_observation(wide).error, "JSON has more than 4096 values");
  EXPECT_EQ(decode_alerts_json(std::string(50, '[')).error, "JSON nested deeper than 8 levels");
  // Still plain invalid JSON when it is.
  EXPECT_EQ(decode_mqtt_json("[1,").error, "invalid JSON");
  EXPECT_EQ(decode_mqtt_json(R"({"p":1,"p":2)").error, "invalid JSON");
}

TEST(JsonBounds, WithinTheBoundsNothingChanges) {
  // The last of repeated keys wins, as with json::parse.
  const auto r = decode_mqtt_json(R"({"p":9,"v":"heart_rate","val":70,"t":1,"p":12})");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.readings.at(0).patient, 12u);
  // A batch of 10,000 readings is about 60,000 values: well inside.
  std::string batch = "[";
  for (int i = 0; i < 10000; ++i) {
    if (i) batch += ',';
    batch += R"({"p":1,"v":"spo2","val":97,"t":)" + std::to_string(i) + "}";
  }
  batch += "]";
  const auto b = decode_mqtt_json(batch);
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(b.readings.size(), 10000u);
}

}  // namespace
}  // namespace iomtsim::payloads
