// Reading the record back: an Observation search page as servers write it (any key order,
// Medplum's meta, an offset time, a coded value, other resources in the Bundle) gives what
// the read-back compares with what was sent.
#include <gtest/gtest.h>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_chart.hpp"

using namespace iomtsim;
using namespace iomtsim::payloads;

TEST(FhirChart, ReadsEachObservationOfASearchPage) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(12, 0, 7);
  r.patient = 12;
  r.vital = physiology::Vital::HeartRate;
  r.value = 72.4;
  r.device_time = physiology::SimTime{std::chrono::milliseconds(1250)};
  FhirOptions o;
  o.epoch_unix_ms = 1'700'000'000'000;
  std::string ours = encode_observation(r, o);
  ours.insert(1,
              R"("id":"abc","meta":{"versionId":"1","lastUpdated":"2023-11-14T22:13:21.500Z"},)");
  const std::string page =
      R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"x"},)"
      R"({"relation":"next","url":"http://srv/fhir/Observation?_offset=2"}],"entry":[)"
      R"({"resource":)" +
      ours +
      R"(},)"
      R"({"resource":{"resourceType":"OperationOutcome"}},)"
      R"({"resource":{"valueCodeableConcept":{"coding":[{"system":"urn:iomtsim:acvpu","code":"V"}]},)"
      R"("resourceType":"Observation","id":"def","effectiveDateTime":"2023-11-14T23:13:20.000+01:00",)"
      R"("code":{"coding":[{"system":"urn:other","code":"x"},{"system":"http://loinc.org","code":"67775-7"}]},)"
      R"("subject":{"identifier":{"system":"urn:iomtsim:patient","value":"ward-p3"}}}}]})";
  const auto d = decode_observation_page(page);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.entries, 3u);
  EXPECT_EQ(d.value.next, "http://srv/fhir/Observation?_offset=2");
  ASSERT_EQ(d.value.observations.size(), 2u);
  const auto& a = d.value.observations[0];
  EXPECT_EQ(a.id, "abc");
  EXPECT_EQ(a.reading_id, r.id);
  EXPECT_EQ(a.subject_reference, "Patient/p12");
  EXPECT_EQ(a.code, "8867-4");
  EXPECT_EQ(a.unit, "/min");
  ASSERT_TRUE(a.value);
  EXPECT_NEAR(*a.value, 72.4, 0.05);  // as printed with the vital's decimals
  ASSERT_TRUE(a.effective_unix_ns);
  EXPECT_EQ(*a.effective_unix_ns, 1'700'000'001'250'000'000);
  EXPECT_EQ(a.last_updated, "2023-11-14T22:13:21.500Z");
  EXPECT_EQ(a.last_updated_unix_ns, 1'700'000'001'500'000'000);
  const auto& b = d.value.observations[1];
  EXPECT_FALSE(b.reading_id);  // not one of ours
  EXPECT_EQ(b.subject_identifier, "urn:iomtsim:patient|ward-p3");
  EXPECT_EQ(b.code, "67775-7");
  EXPECT_EQ(b.value, 2.0);  // V
  EXPECT_EQ(b.unit, "");
  EXPECT_EQ(b.effective_unix_ns, 1'700'000'000'000'000'000);
  EXPECT_FALSE(b.last_updated_unix_ns);
}

TEST(FhirChart, WallClockStampsScaleTheDeviceTime) {
  physiology::Reading r;
  r.device_time = physiology::SimTime{std::chrono::seconds(600)};
  FhirOptions o;
  o.device_time_scale = 1.0 / 600;
  EXPECT_EQ(scaled_device_time(r.device_time, o), physiology::SimTime{std::chrono::seconds(1)});
  EXPECT_NE(encode_observation(r, o).find("1970-01-01T00:00:01.000Z"), std::string::npos);
}

TEST(FhirChart, RefusesWhatIsNoSearchBundle) {
  EXPECT_FALSE(decode_observation_page("{\"resourceType\":\"Observation\"}").ok());
  EXPECT_FALSE(decode_observation_page("not json").ok());
}

TEST(FhirChart, ReadingIdZeroIsAReading) {
  // Patient 0's first reading has id 0: "no identifier" must not be spelled 0.
  const auto d = decode_observation_page(
      R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","id":"a",)"
      R"("identifier":[{"system":"urn:iomtsim:reading","value":"0"}]}}]})");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d.value.observations.size(), 1u);
  ASSERT_TRUE(d.value.observations[0].reading_id);
  EXPECT_EQ(*d.value.observations[0].reading_id, 0u);
}
