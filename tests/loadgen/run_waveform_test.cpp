// Waveform blocks end to end: a tiny scenario whose monitors stream ECG lead II (250 Hz,
// 1 s blocks) against the embedded reference target, in each protocol that carries them.
// Every block is in exactly one bucket of report.waveforms, apart from the readings.
// (MQTT devices' blocks: run_mqtt_test.cpp, which has a broker.)
#include <gtest/gtest.h>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/validity.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "quiet_options.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;

namespace {

scenarios::Scenario with_ecg(scenarios::Scenario s) {
  const physiology::WaveformSpec ecg{physiology::WaveformKind::EcgLeadII, 250.0,
                                     std::chrono::seconds(1)};
  for (auto& c : s.cohorts) {
    for (auto& d : c.physiology.devices) d.waveform = ecg;
    for (auto& d : c.devices) d.model.waveform = ecg;
  }
  return s;
}

class RunWaveform : public ::testing::TestWithParam<scenarios::PayloadFormat> {};

TEST_P(RunWaveform, EveryBlockAcknowledgedOrInFlightAndReadingsUnaffected) {
  auto s = with_ecg(tiny_scenarios::tiny(2, 0, GetParam()));
  s.metadata.duration = std::chrono::minutes(2);
  const auto r = run(s, quiet());
  const auto& w = r.report.waveforms;
  // 2 patients x 120 one-second blocks (phase offsets: one more or less each).
  EXPECT_NEAR(static_cast<double>(w.delivery.generated), 240.0, 2.0);
  EXPECT_TRUE(w.balanced());
  EXPECT_EQ(w.delivery[Outcome::Acknowledged] + w.delivery[Outcome::InFlight],
            w.delivery.generated);
  EXPECT_LE(w.delivery[Outcome::InFlight], 4u);  // only what the drain cut off
  EXPECT_EQ(w.samples_generated, 250u * w.delivery.generated);
  EXPECT_EQ(w.samples_acknowledged, 250u * w.delivery[Outcome::Acknowledged]);
  EXPECT_EQ(w.latency.count(), static_cast<std::int64_t>(w.delivery[Outcome::Acknowledged]));
  EXPECT_EQ(w.not_sent, 0u);
  EXPECT_EQ(r.waveform_blocks_skipped, 0u);
  EXPECT_GT(w.bytes_offered, 250u * w.delivery.generated);  // at least 1 B a sample
  // The readings' accounting is the readings' alone, and still complete.
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(r.exit_code, 0);
  // report.json keeps the section.
  EXPECT_EQ(reports::from_json(reports::to_json(r.report)).waveforms, w);
}

INSTANTIATE_TEST_SUITE_P(Protocols, RunWaveform,
                         ::testing::Values(scenarios::PayloadFormat::FhirR4,
                                           scenarios::PayloadFormat::Hl7v2,
                                           scenarios::PayloadFormat::Protobuf),
                         [](const auto& p) {
                           switch (p.param) {
                             case scenarios::PayloadFormat::FhirR4:
                               return std::string("Fhir");
                             case scenarios::PayloadFormat::Hl7v2:
                               return std::string("Mllp");
                             default:
                               return std::string("Protobuf");
                           }
                         });

TEST(RunWaveformLoss, ALossyProfileLosesItsFractionOfBlocks) {
  auto s =
      with_ecg(tiny_scenarios::tiny(4, 0, scenarios::PayloadFormat::Protobuf, 1, /*loss=*/0.2));
  s.metadata.duration = std::chrono::minutes(10);
  s.time.speed = 1200;
  const auto r = run(s, quiet());
  const auto& w = r.report.waveforms;
  ASSERT_NEAR(static_cast<double>(w.delivery.generated), 2400.0, 4.0);
  EXPECT_TRUE(w.balanced());
  EXPECT_NEAR(w.delivery.fraction(Outcome::LostNetwork), 0.2, 0.03);
  EXPECT_EQ(w.delivery[Outcome::Acknowledged] + w.delivery[Outcome::LostNetwork] +
                w.delivery[Outcome::InFlight],
            w.delivery.generated);
  EXPECT_LE(w.delivery[Outcome::InFlight], 8u);
}

TEST(RunWaveformCrash, ACrashedTargetStillBalancesTheBlocks) {
  auto s = with_ecg(tiny_scenarios::tiny(2, 0));
  s.metadata.duration = std::chrono::minutes(2);
  s.target.request_timeout = std::chrono::milliseconds(300);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.crash_after = std::chrono::milliseconds(100);
  const auto r = run(s, o);
  const auto& w = r.report.waveforms;
  EXPECT_NEAR(static_cast<double>(w.delivery.generated), 240.0, 2.0);
  EXPECT_TRUE(w.balanced());
  EXPECT_GT(w.delivery[Outcome::Failed] + w.delivery[Outcome::TimedOut], 0u);
  EXPECT_LT(w.delivery[Outcome::Acknowledged], w.delivery.generated);
  // No expectations: balanced accounting (readings and blocks) passes, unless most
  // readings never reached the target (then the run is invalid, exit 3).
  const bool mostly_unreached = reports::delivery_invalid_reason(r.report).has_value();
  EXPECT_EQ(r.exit_code, mostly_unreached ? reports::kExitInvalid : 0);
}

}  // namespace
