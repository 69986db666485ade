#include "iomtsim/payloads/fhir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::Vital;
using testing::kEpochMs;
using testing::make;

const FhirOptions kOpts{kEpochMs};

TEST(Fhir, ObservationShape) {
  const auto r = make(12, 3, 7, Vital::HeartRate, 72.46, 1250);
  const auto j = nlohmann::json::parse(encode_observation(r, kOpts));
  EXPECT_EQ(j["resourceType"], "Observation");
  EXPECT_EQ(j["status"], "final");
  EXPECT_EQ(j["category"][0]["coding"][0]["code"], "vital-signs");
  EXPECT_EQ(j["code"]["coding"][0]["system"], "http://loinc.org");
  EXPECT_EQ(j["code"]["coding"][0]["code"], "8867-4");
  EXPECT_EQ(j["subject"]["reference"], "Patient/p12");
  EXPECT_EQ(j["device"]["reference"], "Device/p12-d3");
  EXPECT_EQ(j["effectiveDateTime"], "2024-05-01T00:00:01.250Z");
  EXPECT_DOUBLE_EQ(j["valueQuantity"]["value"].get<double>(), 72.5);
  EXPECT_EQ(j["valueQuantity"]["system"], "http://unitsofmeasure.org");
  EXPECT_EQ(j["valueQuantity"]["code"], "/min");
  EXPECT_EQ(j["identifier"][0]["system"], "urn:iomtsim:reading");
  EXPECT_EQ(j["identifier"][0]["value"], std::to_string(r.id));
  EXPECT_FALSE(j.contains("extension"));
}

// Idempotent writes: a delivery identifier unique to the run's reading, and with PUT an id
// of ours; the reading's own identifier (what decoders and de-duplication use) is unchanged.
TEST(Fhir, IdempotentWritesCarryTheDeliveryKey) {
  const auto r = make(12, 3, 7, Vital::HeartRate, 72.46, 1250);
  FhirOptions cc{kEpochMs};
  cc.write = FhirWrite::ConditionalCreate;
  cc.delivery_run = 1733600000123;
  const std::string key = "1733600000123-" + std::to_string(r.id);
  EXPECT_EQ(delivery_key(cc.delivery_run, r.id), key);
  std::string q;
  append_if_none_exist(q, cc.delivery_run, r.id);
  EXPECT_EQ(q, "identifier=urn:iomtsim:delivery|" + key);

  auto j = nlohmann::json::parse(encode_observation(r, cc));
  EXPECT_FALSE(j.contains("id"));
  ASSERT_EQ(j["identifier"].size(), 2u);
  EXPECT_EQ(j["identifier"][0]["value"], std::to_string(r.id));
  EXPECT_EQ(j["identifier"][1]["system"], "urn:iomtsim:delivery");
  EXPECT_EQ(j["identifier"][1]["value"], key);
  auto back = decode_observation(encode_observation(r, cc), cc);
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.readings.at(0).id, r.id);

  FhirOptions put = cc;
  put.write = FhirWrite::Put;
  j = nlohmann::json::parse(encode_observation(r, put));
  EXPECT_EQ(j["id"], key);
  EXPECT_EQ(j["identifier"][1]["value"], key);

  const auto r2 = make(12, 3, 8, Vital::SpO2, 97, 1250);
  const std::vector<physiology::Reading> batch{r, r2};
  auto b = nlohmann::json::parse(encode_transaction_bundle(batch, cc));
  EXPECT_EQ(b["entry"][0]["request"]["method"], "POST");
  EXPECT_EQ(b["entry"][0]["request"]["url"], "Observation");
  EXPECT_EQ(b["entry"][0]["request"]["ifNoneExist"], "identifier=urn:iomtsim:delivery|" + key);
  b = nlohmann::json::parse(encode_transaction_bundle(batch, put));
  EXPECT_EQ(b["entry"][1]["request"]["method"], "PUT");
  EXPECT_EQ(b["entry"][1]["request"]["url"],
            "Observation/" + delivery_key(put.delivery_run, r2.id));
  EXPECT_EQ(b["entry"][1]["resource"]["id"], delivery_key(put.delivery_run, r2.id));
  auto bundle_back = decode_bundle(encode_transaction_bundle(batch, put), put);
  ASSERT_TRUE(bundle_back.ok()) << bundle_back.error;
  EXPECT_EQ(bundle_back.readings.size(), 2u);
  // Plain POST stays as it was: one identifier, no id.
  j = nlohmann::json::parse(encode_observation(r, kOpts));
  EXPECT_EQ(j["identifier"].size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(encode_transaction_bundle(batch, kOpts))["entry"][0]["request"],
            (nlohmann::json{{"method", "POST"}, {"url", "Observation"}}));
}

TEST(Fhir, EveryVitalRoundTrips) {
  for (const auto& r : testing::one_of_each()) {
    const auto res = decode_observation(encode_observation(r, kOpts), kOpts);
    ASSERT_TRUE(res.ok()) << res.error;
    ASSERT_EQ(res.readings.size(), 1u);
    EXPECT_EQ(res.readings[0], testing::wire_view(r)) << physiology::name(r.vital);
  }
}

TEST(Fhir, ConsciousnessIsACodedValue) {
  const auto j =
      nlohmann::json::parse(encode_observation(make(1, 0, 1, Vital::Consciousness, 3, 0), kOpts));
  EXPECT_EQ(j["code"]["coding"][0]["code"], "80288-4");
  EXPECT_EQ(j["valueCodeableConcept"]["coding"][0]["code"], "P");
  EXPECT_FALSE(j.contains("valueQuantity"));
}

TEST(Fhir, TimeTruncatesToMilliseconds) {
  auto r = make(1, 0, 1, Vital::SpO2, 97, 0);
  r.device_time = physiology::SimTime{physiology::Duration{1'234'567'891}};
  const auto res = decode_observation(encode_observation(r, kOpts), kOpts);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.readings[0].device_time.time_since_epoch(), physiology::Duration{1'234'000'000});
  // Before the epoch (clock drift can put a device slightly behind) still works.
  r.device_time = physiology::SimTime{std::chrono::milliseconds(-1500)};
  EXPECT_EQ(format_fhir_instant(r.device_time, kEpochMs), "2024-04-30T23:59:58.500Z");
  EXPECT_EQ(decode_observation(encode_observation(r, kOpts), kOpts).readings.at(0).device_time,
            r.device_time);
}

TEST(Fhir, InstantParsing) {
  EXPECT_EQ(parse_fhir_instant("2024-05-01T00:00:00Z", kEpochMs), physiology::SimTime{});
  EXPECT_EQ(parse_fhir_instant("2024-05-01T02:00:00.5+02:00", kEpochMs),
            physiology::SimTime{std::chrono::milliseconds(500)});
  EXPECT_EQ(parse_fhir_instant("2024-04-30T19:00:00-05:00", kEpochMs), physiology::SimTime{});
  for (const char* bad :
       {"2024-05-01", "2024-05-01T00:00:00", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
        "2024-05-01T00:00:00.Z", "yesterday", "2024-05-01T00:00:00Zjunk"}) {
    EXPECT_FALSE(parse_fhir_instant(bad, kEpochMs).has_value()) << bad;
  }
}

TEST(Fhir, BundleRoundTripsWithDeterministicUuids) {
  const auto readings = testing::one_of_each();
  const std::string bundle = encode_transaction_bundle(readings, kOpts);
  EXPECT_EQ(bundle, encode_transaction_bundle(readings, kOpts));
  const auto j = nlohmann::json::parse(bundle);
  EXPECT_EQ(j["type"], "transaction");
  ASSERT_EQ(j["entry"].size(), readings.size());
  std::set<std::string> urls;
  for (const auto& e : j["entry"]) {
    const std::string url = e["fullUrl"];
    EXPECT_TRUE(url.starts_with("urn:uuid:")) << url;
    EXPECT_EQ(url.size(), 9u + 36u);
    EXPECT_EQ(url[9 + 14], '4');  // version nibble
    urls.insert(url);
    EXPECT_EQ(e["request"]["method"], "POST");
    EXPECT_EQ(e["request"]["url"], "Observation");
  }
  EXPECT_EQ(urls.size(), readings.size());
  const auto res = decode_bundle(bundle, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  ASSERT_EQ(res.readings.size(), readings.size());
  for (std::size_t i = 0; i < readings.size(); ++i)
    EXPECT_EQ(res.readings[i], testing::wire_view(readings[i]));
  EXPECT_TRUE(decode_fhir(bundle, kOpts).ok());
  EXPECT_TRUE(decode_bundle(encode_transaction_bundle({}, kOpts), kOpts).readings.empty());
}

TEST(Fhir, UuidIsInjectiveOnIds) {
  std::set<std::string> seen;
  for (std::uint32_t p : {0u, 1u, 255u, 256u, 0xFFFFFFu}) {
    for (std::uint32_t seq : {0u, 1u, 0xFFFFFFFFu})
      seen.insert(reading_uuid(physiology::make_reading_id(p, 1, seq)));
  }
  EXPECT_EQ(seen.size(), 15u);
}

TEST(Fhir, AcceptsOtherSendersConventions) {
  // Whitespace, key order, alternate code, degF, timezone offset, no identifier.
  const std::string obs = R"({
    "valueQuantity": {"value": 100.4, "unit": "degF", "system": "http://unitsofmeasure.org", "code": "[degF]"},
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "386725007"},
                        {"system": "http://loinc.org", "code": "8310-5"}]},
    "resourceType": "Observation", "status": "final",
    "subject": {"reference": "Patient/42"},
    "effectiveDateTime": "2024-05-01T01:00:00+01:00"
  })";
  const auto res = decode_observation(obs, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  const auto& r = res.readings[0];
  EXPECT_EQ(r.vital, Vital::Temperature);
  EXPECT_NEAR(r.value, 38.0, 1e-9);
  EXPECT_EQ(r.patient, 42u);
  EXPECT_EQ(r.device, 0u);
  EXPECT_EQ(r.id, 0u);
  EXPECT_EQ(r.device_time, physiology::SimTime{});
}

TEST(Fhir, GlucoseInMmolPerLitreIsConverted) {
  const std::string obs =
      R"({"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"15074-8"}]},
    "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-05-01T00:00:00Z",
    "valueQuantity":{"value":3.0,"system":"http://unitsofmeasure.org","code":"mmol/L"}})";
  const auto res = decode_observation(obs, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.readings[0].vital, Vital::Glucose);
  EXPECT_NEAR(res.readings[0].value, 54.05, 0.01);
}

struct BadCase {
  const char* what;
  std::string json;
  const char* reason;  // substring of the error
};

std::string obs_with(const std::string& replace_from, const std::string& replace_to) {
  std::string s = encode_observation(make(1, 2, 3, Vital::SystolicBP, 120, 0), kOpts);
  const auto pos = s.find(replace_from);
  EXPECT_NE(pos, std::string::npos) << replace_from;
  if (pos != std::string::npos) s.replace(pos, replace_from.size(), replace_to);
  return s;
}

TEST(Fhir, RejectsMalformedInputWithReason) {
  const std::vector<BadCase> cases = {
      {"not json", "{\"resourceType\":", "invalid JSON"},
      {"array", "[1,2]", "not an object"},
      {"wrong type", obs_with("\"Observation\"", "\"Patient\""), "resourceType is 'Patient'"},
      {"no type", obs_with("\"resourceType\":\"Observation\",", ""), "missing resourceType"},
      {"no code", obs_with("\"code\":{\"coding\"", "\"kode\":{\"coding\""), "missing code.coding"},
      {"unknown loinc", obs_with("8480-6", "1234-5"), "unknown LOINC code '1234-5'"},
      {"no subject", obs_with("\"subject\"", "\"subjekt\""), "missing subject.reference"},
      {"bad subject", obs_with("Patient/p1", "Group/7"), "is not a Patient"},
      {"bad device", obs_with("Device/p1-d2", "Device/pump"), "device.reference"},
      {"no time", obs_with("effectiveDateTime", "issued"), "missing effectiveDateTime"},
      {"bad time", obs_with("2024-05-01T00:00:00.000Z", "2024-05-01"), "not a full date-time"},
      {"no value", obs_with("valueQuantity", "valueString"), "missing value"},
      {"string value", obs_with("\"value\":120.0", "\"value\":\"120\""), "not a number"},
      {"unit mismatch", obs_with("\"code\":\"mm[Hg]\"", "\"code\":\"kPa\""),
       "unit 'kPa' does not match"},
      {"bad id", obs_with(std::to_string(physiology::make_reading_id(1, 2, 3)), "abc"),
       "not a decimal id"},
      {"entered in error", obs_with("\"final\"", "\"entered-in-error\""),
       "carries no usable value"},
  };
  for (const auto& c : cases) {
    const auto res = decode_observation(c.json, kOpts);
    EXPECT_FALSE(res.ok()) << c.what;
    EXPECT_TRUE(res.readings.empty()) << c.what;
    EXPECT_NE(res.error.find(c.reason), std::string::npos)
        << c.what << ": got '" << res.error << "'";
  }
}

TEST(Fhir, BundleIsAllOrNothing) {
  auto readings = testing::one_of_each();
  std::string bundle = encode_transaction_bundle(readings, kOpts);
  const auto pos = bundle.find("9279-1");  // the third entry's code
  bundle.replace(pos, 6, "0000-0");
  const auto res = decode_bundle(bundle, kOpts);
  EXPECT_FALSE(res.ok());
  EXPECT_TRUE(res.readings.empty());
  EXPECT_NE(res.error.find("entry 2: unknown LOINC"), std::string::npos) << res.error;
  EXPECT_NE(
      decode_bundle(encode_observation(readings[0], kOpts), kOpts).error.find("expected 'Bundle'"),
      std::string::npos);
}

TEST(Fhir, OperationOutcomeEscapes) {
  const auto j = nlohmann::json::parse(operation_outcome("bad \"value\"\n\\ here\x01"));
  EXPECT_EQ(j["resourceType"], "OperationOutcome");
  EXPECT_EQ(j["issue"][0]["severity"], "error");
  EXPECT_EQ(j["issue"][0]["diagnostics"], "bad \"value\"\n\\ here\x01");
}

}  // namespace
}  // namespace iomtsim::payloads

namespace iomtsim::payloads {
namespace {

// A device's own verdict on its value travels in FHIR's standard elements: no value with
// a dataAbsentReason (probe off), a questionable value with an IEEE 11073 measurement
// status in interpretation (motion); other senders' documents decode the same way.
TEST(Fhir, AbsentAndQuestionableValuesAsDevicesFlagThem) {
  const auto absent =
      make(4, 1, 9, Vital::SpO2, 0, 1000, physiology::kFlagValueAbsent | physiology::kFlagProbeOff);
  const auto j = nlohmann::json::parse(encode_observation(absent, kOpts));
  EXPECT_FALSE(j.contains("valueQuantity"));
  EXPECT_EQ(j["dataAbsentReason"]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/data-absent-reason");
  EXPECT_EQ(j["dataAbsentReason"]["coding"][0]["code"], "error");
  EXPECT_FALSE(j.contains("extension"));  // the ground-truth probe-off flag stays home
  auto res = decode_observation(j.dump(), kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.readings[0].flags, physiology::kFlagValueAbsent);
  EXPECT_EQ(res.readings[0].value, 0.0);

  const auto motion = make(4, 1, 10, Vital::PulseRate, 131, 2000,
                           physiology::kFlagQuestionable | physiology::kFlagMotionArtifact);
  const auto m = nlohmann::json::parse(encode_observation(motion, kOpts));
  EXPECT_DOUBLE_EQ(m["valueQuantity"]["value"].get<double>(), 131.0);
  EXPECT_EQ(m["interpretation"][0]["coding"][0]["system"],
            "http://hl7.org/fhir/uv/pocd/CodeSystem/measurement-status");
  EXPECT_EQ(m["interpretation"][0]["coding"][0]["code"], "questionable");
  res = decode_observation(m.dump(), kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.readings[0].flags, physiology::kFlagQuestionable);
  EXPECT_EQ(res.readings[0].value, 131.0);

  // Neither a value nor a reason: still an error, and the message names the third way.
  auto bare = m;
  bare.erase("valueQuantity");
  res = decode_observation(bare.dump(), kOpts);
  EXPECT_FALSE(res.ok());
  EXPECT_NE(res.error.find("dataAbsentReason"), std::string::npos) << res.error;
}

}  // namespace
}  // namespace iomtsim::payloads
