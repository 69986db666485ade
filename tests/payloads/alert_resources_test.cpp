// Alerts as pipelines raise them: FHIR Flag, DetectedIssue, RiskAssessment, Communication,
// CommunicationRequest read back (patient, own time, rule, trigger, severity), the reference
// target's Flag and PCD-04 round trips, and a PCD-04 as a third-party sender writes it.
#include <gtest/gtest.h>

#include "iomtsim/payloads/fhir_alerts.hpp"
#include "iomtsim/payloads/hl7_alert.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::AlertSeverity;

constexpr std::int64_t kT = 1'714'550'401'250'000'000;  // 2024-05-01T08:00:01.250Z

physiology::Alert sample_alert() {
  physiology::Alert a;
  a.alert_id = "spo2_low_sustained-p12-3";
  a.patient = 12;
  a.rule = "spo2_low_sustained";
  a.score = 2.5;
  a.severity = AlertSeverity::High;
  a.trigger_reading_id = 51539607553ull;
  return a;
}

TEST(FhirAlerts, ReferenceTargetFlagReadsBackWhole) {
  const auto a = sample_alert();
  const std::string id = alert_flag_id(a.alert_id);
  EXPECT_EQ(id, "spo2-low-sustained-p12-3");  // a valid FHIR id
  EXPECT_TRUE(valid_fhir_id(id));
  const auto json = encode_alert_flag(a, id, kT);
  auto d = decode_fhir_alert(json);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.resource_type, "Flag");
  EXPECT_EQ(d.value.id, id);
  EXPECT_EQ(d.value.patient_reference, "Patient/p12");
  EXPECT_EQ(d.value.rule, "spo2_low_sustained");
  EXPECT_EQ(d.value.alert_id, a.alert_id);  // from the urn:iomtsim:alert identifier
  EXPECT_EQ(d.value.trigger_reading_id, a.trigger_reading_id);
  EXPECT_EQ(d.value.severity, AlertSeverity::High);
  EXPECT_DOUBLE_EQ(d.value.score, 2.5);
  ASSERT_TRUE(d.value.time_unix_ns);
  EXPECT_EQ(*d.value.time_unix_ns, kT);
  EXPECT_EQ(d.value.last_updated, "2024-05-01T08:00:01.250000Z");
}

TEST(FhirAlerts, ProvisionedIdsNameTheServersPatient) {
  ReferenceMap refs;
  refs.set_patient(12, "8f3c-aa");
  FhirOptions o;
  o.refs = &refs;
  auto d = decode_fhir_alert(encode_alert_flag(sample_alert(), "x", kT, o));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value.patient_reference, "Patient/8f3c-aa");
}

TEST(FhirAlerts, EveryAlertResourceTypeGivesPatientTimeRuleAndTrigger) {
  const char* resources[] = {
      R"({"resourceType":"DetectedIssue","id":"d1","status":"final","severity":"moderate",
          "code":{"coding":[{"system":"urn:x","code":"sepsis-risk"}]},"patient":{"reference":"Patient/abc"},
          "identifiedDateTime":"2024-05-01T08:00:01.25Z","implicated":[{"reference":"Observation/o-1"}]})",
      R"({"resourceType":"RiskAssessment","id":"r1","status":"final","subject":{"reference":"Patient/abc"},
          "occurrenceDateTime":"2024-05-01T10:00:01.25+02:00","basis":[{"reference":"Observation/o-1/_history/2"}],
          "prediction":[{"outcome":{"text":"deterioration"},"probabilityDecimal":0.8,
                         "qualitativeRisk":{"coding":[{"code":"high"}]}}]})",
      R"({"resourceType":"Communication","id":"c1","status":"completed","subject":{"reference":"Patient/abc"},
          "sent":"2024-05-01T08:00:01.250Z","priority":"stat","reasonCode":[{"text":"news2"}],
          "payload":[{"contentReference":{"reference":"http://ehr/fhir/Observation/o-1"}}]})",
      R"({"resourceType":"CommunicationRequest","id":"q1","status":"active","subject":{"reference":"Patient/abc"},
          "authoredOn":"2024-05-01T08:00:01.25Z","priority":"urgent","category":[{"coding":[{"code":"alert"}]}],
          "about":[{"reference":"Observation/o-1"}]})",
  };
  const std::string rules[] = {"sepsis-risk", "deterioration", "news2", "alert"};
  const std::optional<AlertSeverity> severities[] = {AlertSeverity::Medium, AlertSeverity::High,
                                                     AlertSeverity::High, AlertSeverity::Medium};
  for (int i = 0; i < 4; ++i) {
    auto d = decode_fhir_alert(resources[i]);
    ASSERT_TRUE(d.ok()) << i << ": " << d.error;
    EXPECT_EQ(d.value.patient_reference, "Patient/abc") << i;
    ASSERT_TRUE(d.value.time_unix_ns) << i;
    EXPECT_EQ(*d.value.time_unix_ns, kT) << i;  // offsets and precision normalised
    EXPECT_EQ(d.value.rule, rules[i]) << i;
    EXPECT_EQ(d.value.trigger_reference, "Observation/o-1") << i;
    EXPECT_EQ(d.value.severity, severities[i]) << i;
    EXPECT_EQ(d.value.alert_id, d.value.resource_type + "/" + d.value.id) << i;
  }
}

TEST(FhirAlerts, SearchBundleSkipsOtherResourcesAndKeepsTheNextLink) {
  const std::string flag = encode_alert_flag(sample_alert(), "f1", kT);
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"x"},
      {"relation":"next","url":"http://h/fhir/Flag?_offset=2"}],"entry":[{"resource":)" +
      flag +
      R"(},{"resource":{"resourceType":"OperationOutcome","issue":[]}},
      {"resource":{"resourceType":"Flag","id":"bad","status":"active"}}]})";
  auto d = decode_alert_page(bundle);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.entries, 3u);
  ASSERT_EQ(d.value.alerts.size(), 1u);
  ASSERT_EQ(d.value.errors.size(), 1u);  // the Flag without a subject
  EXPECT_NE(d.value.errors[0].find("Flag/bad"), std::string::npos);
  EXPECT_EQ(d.value.next, "http://h/fhir/Flag?_offset=2");
}

TEST(FhirAlerts, BadAlertResourcesAreRefusedWithAReason) {
  EXPECT_FALSE(decode_fhir_alert("{").ok());
  EXPECT_FALSE(decode_fhir_alert(R"({"resourceType":"Observation"})").ok());
  auto d = decode_fhir_alert(R"({"resourceType":"Flag","subject":{}})");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error.find("neither a reference nor an identifier"), std::string::npos);
  auto i = decode_fhir_alert(
      R"({"resourceType":"Flag","subject":{"identifier":{"system":"urn:mrn","value":"77"}}})");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i.value.patient_identifier, "urn:mrn|77");
}

TEST(FhirAlerts, OperationOutcomeReasonJoinsErrorIssues) {
  EXPECT_EQ(
      operation_outcome_reason(
          R"({"resourceType":"OperationOutcome","issue":[{"severity":"warning","diagnostics":"w"},
                {"severity":"error","diagnostics":"subject does not exist"},{"severity":"fatal","details":{"text":"bad"}}]})"),
      "subject does not exist; bad");
  EXPECT_EQ(operation_outcome_reason(R"({"resourceType":"Patient"})"), "");
  EXPECT_EQ(operation_outcome_reason("not json"), "");
  EXPECT_EQ(
      observation_reading_id(R"({"identifier":[{"system":"urn:iomtsim:reading","value":"42"}]})"),
      std::optional<std::uint64_t>(42));
}

TEST(Pcd04, ReferenceTargetMessageRoundTrips) {
  const auto a = sample_alert();
  const auto msg = encode_alert_oru_r40(a, "p12", kT);
  EXPECT_TRUE(is_oru_r40(msg));
  auto d = decode_alert_oru_r40(msg);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.patient_id, "p12");
  EXPECT_EQ(d.value.patient_authority, "IOMTSIM");
  EXPECT_EQ(d.value.rule, a.rule);
  EXPECT_EQ(d.value.severity, AlertSeverity::High);
  EXPECT_DOUBLE_EQ(d.value.score, 2.5);
  EXPECT_EQ(d.value.trigger_reading_id, a.trigger_reading_id);
  EXPECT_EQ(d.value.alert_id, a.alert_id);
  ASSERT_TRUE(d.value.time_unix_ns);
  EXPECT_EQ(*d.value.time_unix_ns, kT);  // OBR-7 at 100 µs: .2500
}

TEST(Pcd04, ThirdPartyMessageWithOnlyTheEssentialsDecodes) {
  const std::string msg =
      "MSH|^~\\&|AM|ICU|X|Y|20240501080001||ORU^R40^ORU_R40|C9|P|2.6\r"
      "PID|||MRN77^^^HOSP^MR~OTHER^^^X\r"
      "OBR|1||||||20240501080001.25+0000\r"
      "OBX|1|CWE|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1||||PL~SP\r";
  auto d = decode_alert_oru_r40(msg);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.patient_id, "MRN77");
  EXPECT_EQ(d.value.patient_authority, "HOSP");
  EXPECT_EQ(d.value.rule, "MDC_PULS_OXIM_SAT_O2");  // no OBX-5: the observation's name
  EXPECT_EQ(d.value.severity, AlertSeverity::Low);
  EXPECT_EQ(d.value.alert_id, "C9");  // no OBR-2/3: the control id
  EXPECT_EQ(d.value.time_unix_ns, std::optional<std::int64_t>(kT));
  EXPECT_FALSE(
      decode_alert_oru_r40("MSH|^~\\&|A|B|C|D|20240501||ORU^R01|1|P|2.6\rPID|||p1\rOBR|1\r").ok());
  EXPECT_FALSE(decode_alert_oru_r40("MSH|^~\\&|A|B|C|D|20240501||ORU^R40|1|P|2.6\rOBR|1\r").ok());
  const auto ack = encode_alert_ack({AckCode::Error, "C9", "no PID"});
  EXPECT_NE(ack.find("ACK^R40^ACK"), std::string::npos);
  auto back = decode_ack(ack);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value.code, AckCode::Error);
  EXPECT_EQ(back.value.reason, "no PID");
}

}  // namespace
}  // namespace iomtsim::payloads

namespace iomtsim::payloads {
namespace {

TEST(FhirReferences, ObservationsNameProvisionedIdsAndDefaultsOtherwise) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(7, 1, 3);
  r.patient = 7;
  r.device = 1;
  r.value = 70;
  ReferenceMap refs;
  refs.set_patient(7, "pat-A1");
  refs.set_device(7, 1, "dev.B2");
  FhirOptions o;
  o.refs = &refs;
  const auto mapped = encode_observation(r, o);
  EXPECT_NE(mapped.find(R"("subject":{"reference":"Patient/pat-A1"})"), std::string::npos);
  EXPECT_NE(mapped.find(R"("device":{"reference":"Device/dev.B2"})"), std::string::npos);
  r.patient = 8;  // not provisioned: iomtsim's own ids
  r.id = physiology::make_reading_id(8, 1, 3);
  const auto plain = encode_observation(r, o);
  EXPECT_NE(plain.find(R"("subject":{"reference":"Patient/p8"})"), std::string::npos);
  EXPECT_NE(plain.find(R"("device":{"reference":"Device/p8-d1"})"), std::string::npos);
  // What the reference target decodes is unchanged for its own ids.
  auto back = decode_observation(plain);
  ASSERT_TRUE(back.ok()) << back.error;
}

}  // namespace
}  // namespace iomtsim::payloads
