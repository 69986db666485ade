// Operations payloads: what the generator produces survives the wire (every event kind,
// every modality), and broken messages are refused with a reason.
#include <gtest/gtest.h>

#include <sstream>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/physiology/ops/ops_fleet.hpp"

namespace iomtsim::payloads {
namespace {

using namespace std::chrono_literals;
using physiology::SimTime;
constexpr std::int64_t kEpoch = 1'714'550'400'000;  // 2024-05-01T08:00:00Z

ops::PumpEvent pump_event(ops::PumpEventKind kind) {
  ops::PumpEvent e;
  e.id = ops::make_ops_id(ops::OpsKind::Pump, 70, 12);
  e.pump = 70;
  e.patient = 17;
  e.kind = kind;
  e.drug = "sodium chloride 0.9% | test";  // a delimiter in free text must survive
  e.rate_ml_h = 125;
  e.vtbi_ml = 1000;
  e.volume_ml = 312.5;
  e.device_time = SimTime{} + 3723s + 250ms;
  return e;
}

TEST(OpsPayloads, PumpEventSurvivesHl7ForEveryKind) {
  for (std::size_t k = 0; k < ops::kPumpEventKindCount; ++k) {
    auto e = pump_event(static_cast<ops::PumpEventKind>(k));
    const std::string msg = encode_pump_oru(e, kEpoch);
    EXPECT_TRUE(is_pump_oru(msg));
    EXPECT_EQ(msg.find("MDC_EVT_ALARM") != std::string::npos, e.alarm());
    auto d = decode_pump_oru(msg, kEpoch);
    ASSERT_TRUE(d.ok()) << d.error;
    EXPECT_EQ(d.value, e);
  }
}

TEST(OpsPayloads, VitalSignOruIsNotAPumpMessageAndPumpOruIsNotVitals) {
  physiology::Reading r;
  r.id = 5;
  r.patient = 1;
  r.value = 70;
  const std::string vitals = encode_oru_r01(std::span(&r, 1), {.epoch_unix_ms = kEpoch});
  EXPECT_FALSE(is_pump_oru(vitals));
  EXPECT_FALSE(decode_pump_oru(vitals, kEpoch).ok());
  // The vital-sign decoder refuses the pump's codes rather than inventing readings.
  EXPECT_FALSE(decode_oru_r01(encode_pump_oru(pump_event(ops::PumpEventKind::Status), kEpoch),
                              {.epoch_unix_ms = kEpoch})
                   .ok());
}

TEST(OpsPayloads, BrokenPumpMessagesAreRefusedWithAReason) {
  const std::string good = encode_pump_oru(pump_event(ops::PumpEventKind::Occlusion), kEpoch);
  auto without = [&](std::string_view seg_start) {
    std::string s = good;
    const auto a = s.find(seg_start);
    s.erase(a, s.find('\r', a) + 1 - a);
    return s;
  };
  EXPECT_NE(decode_pump_oru(without("PID"), kEpoch).error.find("PID"), std::string::npos);
  EXPECT_NE(decode_pump_oru(without("OBX|2"), kEpoch).error.find("MDC_PUMP_STAT"),
            std::string::npos);
  std::string bad_kind = good;
  bad_kind.replace(bad_kind.find("occlusion^occlusion"), 9, "exploded!");
  EXPECT_NE(decode_pump_oru(bad_kind, kEpoch).error.find("unknown pump event"), std::string::npos);
  std::string bad_rate = good;
  bad_rate.replace(bad_rate.find("|125.0|"), 7, "|fast|");
  EXPECT_NE(decode_pump_oru(bad_rate, kEpoch).error.find("not a number"), std::string::npos);
  EXPECT_FALSE(decode_pump_oru("garbage", kEpoch).ok());
}

TEST(OpsPayloads, PumpEventSurvivesFhir) {
  for (auto k : {ops::PumpEventKind::Started, ops::PumpEventKind::AirInLine,
                 ops::PumpEventKind::BatteryLow}) {
    auto e = pump_event(k);
    const std::string j = encode_pump_observation(e, kEpoch);
    EXPECT_TRUE(looks_like_ops_fhir(j));
    EXPECT_EQ(j.find(R"("code":"AA")") != std::string::npos, e.alarm());
    auto d = decode_ops_fhir(j, kEpoch);
    ASSERT_TRUE(d.ok()) << d.error;
    ASSERT_TRUE(std::holds_alternative<ops::PumpEvent>(d.value));
    EXPECT_EQ(std::get<ops::PumpEvent>(d.value), e);
  }
}

TEST(OpsPayloads, GeneratedFixesAndResultsSurviveFhir) {
  ops::OpsSpec s;
  s.assets.count = 6;
  s.assets.moves_per_day = 48;
  s.imaging.procedures_per_day = 6;
  ops::OpsFleet fleet(ops::number_cohorts({s}, {"ward_3"}, {4}), 21, 12h);
  std::size_t fixes = 0, results = 0;
  while (!fleet.done()) {
    const auto out = fleet.next();
    if (const auto* f = std::get_if<ops::LocationFix>(&out)) {
      const std::string j = encode_location_observation(*f, kEpoch);
      ASSERT_TRUE(looks_like_ops_fhir(j));
      auto d = decode_ops_fhir(j, kEpoch);
      ASSERT_TRUE(d.ok()) << d.error;
      auto got = std::get<ops::LocationFix>(d.value);
      auto want = *f;
      want.true_time = {};
      want.device_time = SimTime{
          std::chrono::floor<std::chrono::milliseconds>(want.device_time.time_since_epoch())};
      EXPECT_EQ(got, want);
      ++fixes;
    } else if (const auto* r = std::get_if<ops::ImagingResult>(&out)) {
      const std::string j = encode_diagnostic_report(*r, kEpoch);
      EXPECT_GT(j.size(), r->bytes * 4 / 3);  // media travel inline: the size is real
      EXPECT_LT(j.size(), r->bytes * 4 / 3 + 2048);
      auto d = decode_ops_fhir(j, kEpoch);
      ASSERT_TRUE(d.ok()) << d.error;
      const auto& got = std::get<ops::ImagingResult>(d.value);
      EXPECT_EQ(got.id, r->id);
      EXPECT_EQ(got.patient, r->patient);
      EXPECT_EQ(got.modality, r->modality);
      EXPECT_EQ(got.bytes, r->bytes);
      ++results;
    }
  }
  EXPECT_GT(fixes, 100u);
  EXPECT_GT(results, 5u);
}

TEST(OpsPayloads, BrokenFhirResourcesAreRefusedWithAReason) {
  ops::ImagingResult r;
  r.id = 9;
  r.patient = 3;
  r.bytes = 1000;
  std::string j = encode_diagnostic_report(r, kEpoch);
  std::string truncated = j;
  truncated.replace(truncated.find("\"size\":1000"), 11, "\"size\":1003");
  EXPECT_NE(decode_ops_fhir(truncated, kEpoch).error.find("does not match"), std::string::npos);
  ops::LocationFix f;
  f.zone = "storage";
  std::string no_zone = encode_location_observation(f, kEpoch);
  no_zone.replace(no_zone.find("\"storage\""), 9, "\"\"");
  EXPECT_NE(decode_ops_fhir(no_zone, kEpoch).error.find("zone"), std::string::npos);
  EXPECT_NE(decode_ops_fhir("{", kEpoch).error.find("invalid JSON"), std::string::npos);
  EXPECT_NE(decode_ops_fhir(
                R"({"resourceType":"Patient","effectiveDateTime":"2024-05-01T08:00:00Z"})", kEpoch)
                .error.find("not an operations resource"),
            std::string::npos);
  // Twenty digits past 2^64 in a reference: refused, not an exception out of the decoder.
  std::string huge = encode_pump_observation(pump_event(ops::PumpEventKind::Status), kEpoch);
  huge.replace(huge.find("Device/pump-70"), 14, "Device/pump-99999999999999999999");
  Decoded<OpsResource> d;
  EXPECT_NO_THROW(d = decode_ops_fhir(huge, kEpoch));
  EXPECT_EQ(d.error, "pump Observation: missing or bad device");
}

TEST(OpsPayloads, PumpBundleCarriesTheDeviceMetricAndTheEventForEveryKind) {
  for (std::size_t k = 0; k < ops::kPumpEventKindCount; ++k) {
    const auto kind = static_cast<ops::PumpEventKind>(k);
    const auto e = pump_event(kind);
    const std::string j = encode_pump_bundle(e, kEpoch);
    ASSERT_TRUE(looks_like_ops_fhir(j));
    auto d = decode_pump_bundle(j, kEpoch);
    ASSERT_TRUE(d.ok()) << d.error;
    auto want = e;
    want.true_time = {};
    EXPECT_EQ(d.value.event, want);
    EXPECT_EQ(d.value.metric_id, "pump-70-rate");
    EXPECT_EQ(d.value.operational_status, pump_operational_status(kind));
  }
  EXPECT_EQ(pump_operational_status(ops::PumpEventKind::Occlusion), "standby");
  EXPECT_EQ(pump_operational_status(ops::PumpEventKind::EndOfInfusion), "off");
  EXPECT_EQ(pump_operational_status(ops::PumpEventKind::Status), "on");
}

TEST(OpsPayloads, BrokenPumpBundlesAreRefusedWithAReason) {
  const std::string good = encode_pump_bundle(pump_event(ops::PumpEventKind::Started), kEpoch);
  auto refused = [&](std::string from, std::string to) {
    std::string j = good;
    const auto at = j.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) j.replace(at, from.size(), to);
    const auto d = decode_pump_bundle(j, kEpoch);
    EXPECT_FALSE(d.ok()) << from;
    return d.error;
  };
  EXPECT_EQ(refused(R"("type":"transaction")", R"("type":"batch")"),
            "Bundle.type must be transaction");
  EXPECT_EQ(refused(R"("operationalStatus":"on")", R"("operationalStatus":"busy")"),
            "DeviceMetric: operationalStatus must be on, off, standby or entered-in-error");
  EXPECT_EQ(refused(R"("code":"157784","display":"MDC_FLOW_FLUID_PUMP"}]},"unit")",
                    R"("code":"150456","display":"MDC_PULS_OXIM_SAT_O2"}]},"unit")"),
            "DeviceMetric: type must be MDC_FLOW_FLUID_PUMP (157784)");
  EXPECT_EQ(refused(R"("category":"setting")", R"("category":"guess")"),
            "DeviceMetric: category must be measurement, setting, calculation or unspecified");
  EXPECT_EQ(refused(R"("source":{"reference":"Device/pump-70"})",
                    R"("source":{"reference":"Device/pump-71"})"),
            "DeviceMetric: source is not the Observation's pump");
  EXPECT_EQ(refused(R"("resourceType":"DeviceMetric")", R"("resourceType":"Patient")"),
            "pump Bundle: unexpected Patient");
  // A location fix is an operations Observation, but not a pump event.
  const std::string fix_bundle =
      R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" +
      encode_location_observation(ops::LocationFix{1, 2, ops::AssetKind::Monitor, "storage", 1, 2,
                                                   false, {}, {}},
                                  kEpoch) +
      "}]}";
  EXPECT_EQ(decode_pump_bundle(fix_bundle, kEpoch).error,
            "pump Bundle: the Observation is not a pump event");
}

TEST(OpsPayloads, EveryOperationsOutputAndTrackSurvivesARecording) {
  ops::OpsSpec s;
  s.pumps.per_patient = 2;
  s.pumps.alarms_per_day = 24;
  s.assets.count = 4;
  s.assets.moves_per_day = 48;
  s.imaging.procedures_per_day = 6;
  ops::OpsFleet fleet(ops::number_cohorts({s}, {"ward_3"}, {3}), 5, 6h);
  std::vector<RecordEntry> written;
  while (!fleet.done()) std::visit([&](auto&& o) { written.emplace_back(o); }, fleet.next());
  for (auto& seg : fleet.finish().asset_tracks) written.emplace_back(std::move(seg));
  std::stringstream buf(std::ios::in | std::ios::out | std::ios::binary);
  RecordingWriter w(buf);
  for (const auto& e : written) w.write(e);
  RecordingReader r(buf);
  std::vector<RecordEntry> back;
  while (auto e = r.next()) back.push_back(std::move(*e));
  EXPECT_EQ(r.error(), "");
  EXPECT_EQ(back, written);  // every field, bit for bit
  std::size_t kinds[4] = {};
  for (const auto& e : back) ++kinds[e.index() - 5];
  for (auto n : kinds) EXPECT_GT(n, 0u);
}

TEST(OpsPayloads, RecordedOperationsWithUnknownEnumsAreRefused) {
  ops::PumpEvent e = pump_event(ops::PumpEventKind::Occlusion);
  std::string bytes = encode_record_entry(RecordEntry{e});
  // The kind is field 4 (varint): tag 0x20 then the value; make it out of range.
  const auto at = bytes.find(std::string("\x20\x04", 2));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = 0x40;
  const auto d = decode_record_entry(bytes);
  EXPECT_FALSE(d.ok());
  EXPECT_NE(d.error.find("unknown kind"), std::string::npos);
}

}  // namespace
}  // namespace iomtsim::payloads
