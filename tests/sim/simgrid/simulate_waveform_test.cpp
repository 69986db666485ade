// Waveform blocks in simulated time: every block the fleet makes is one message on its
// device's path and one SimGrid communication of its encoded size, in exactly one bucket
// of report.waveforms, apart from the readings' accounting.
#include <gtest/gtest.h>

#include <variant>

#include "iomtsim/sim/fleet.hpp"
#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;
using reports::Outcome;

namespace {

scenarios::Scenario with_ecg(scenarios::Scenario s, scenarios::PayloadFormat format) {
  const physiology::WaveformSpec ecg{physiology::WaveformKind::EcgLeadII, 250.0,
                                     std::chrono::seconds(1)};
  for (auto& c : s.cohorts) {
    for (auto& d : c.physiology.devices) d.waveform = ecg;
    for (auto& d : c.devices) {
      d.model.waveform = ecg;
      d.format = format;
    }
  }
  s.metadata.duration = std::chrono::minutes(2);
  return s;
}

// The blocks the fleet makes up to the scenario's end, counted without any engine.
std::uint64_t blocks_made(const scenarios::Scenario& s) {
  sim::Fleet fleet(s);
  const SimTime end{s.metadata.duration};
  std::uint64_t n = 0;
  while (!fleet.done() && fleet.next_time() <= end)
    if (std::holds_alternative<physiology::WaveformBlock>(fleet.next())) ++n;
  return n;
}

class SimulateWaveform : public ::testing::TestWithParam<scenarios::PayloadFormat> {};

TEST_P(SimulateWaveform, EveryBlockCarriedAndAcknowledgedOnALosslessLan) {
  const auto s = with_ecg(ward(3, 15s), GetParam());
  const auto r = simulate_in_child(s, quiet(idle_capacity()), "wave");
  ASSERT_TRUE(r.ok);
  const auto& w = r.report.waveforms;
  EXPECT_EQ(w.delivery.generated, blocks_made(s));
  EXPECT_NEAR(static_cast<double>(w.delivery.generated), 3 * 120.0, 3.0);
  EXPECT_TRUE(w.balanced());
  // The drain answers everything: no block is left in flight on an idle LAN.
  EXPECT_EQ(w.delivery[Outcome::Acknowledged], w.delivery.generated);
  EXPECT_EQ(w.not_sent, 0u);  // MQTT devices send their blocks too in simulation
  EXPECT_EQ(w.samples_generated, 250u * w.delivery.generated);
  EXPECT_EQ(w.samples_acknowledged, 250u * w.delivery[Outcome::Acknowledged]);
  EXPECT_EQ(w.latency.count(), static_cast<std::int64_t>(w.delivery[Outcome::Acknowledged]));
  EXPECT_GT(w.bytes_offered, 250u * w.delivery.generated);  // at least 1 B a sample
  // 2 ms device path + an idle route: a block is answered within a few ms.
  EXPECT_GE(w.latency.value_at_percentile(50), std::chrono::nanoseconds(2ms).count());
  EXPECT_LT(w.latency.value_at_percentile(99), std::chrono::nanoseconds(20ms).count());
  // The readings' accounting is the readings' alone, and still complete.
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
}

INSTANTIATE_TEST_SUITE_P(Protocols, SimulateWaveform,
                         ::testing::Values(scenarios::PayloadFormat::FhirR4,
                                           scenarios::PayloadFormat::Hl7v2,
                                           scenarios::PayloadFormat::Protobuf,
                                           scenarios::PayloadFormat::MqttJson),
                         [](const auto& p) {
                           switch (p.param) {
                             case scenarios::PayloadFormat::FhirR4: return std::string("fhir");
                             case scenarios::PayloadFormat::Hl7v2: return std::string("hl7");
                             case scenarios::PayloadFormat::Protobuf: return std::string("proto");
                             default: return std::string("mqtt");
                           }
                         });

TEST(SimulateWaveforms, ALossyProfileLosesAboutItsFraction) {
  const auto s = with_ecg(ward(8, 15s, 0.002, 0.10), scenarios::PayloadFormat::FhirR4);
  const auto r = simulate_in_child(s, quiet(idle_capacity()), "wave-lossy");
  ASSERT_TRUE(r.ok);
  const auto& w = r.report.waveforms;
  ASSERT_GT(w.delivery.generated, 900u);  // 8 x 120
  EXPECT_TRUE(w.balanced());
  EXPECT_NEAR(w.delivery.fraction(Outcome::LostNetwork), 0.10, 0.03);
  EXPECT_EQ(w.delivery[Outcome::Acknowledged] + w.delivery[Outcome::LostNetwork],
            w.delivery.generated);
}

TEST(SimulateWaveforms, AggregatedFidelityKeepsCountsAndBytes) {
  const auto s = with_ecg(ward(4, 15s), scenarios::PayloadFormat::Hl7v2);
  auto per = idle_capacity();
  per.fidelity = Fidelity::PerReading;
  auto agg = per;
  agg.fidelity = Fidelity::Aggregated;
  const auto a = simulate_in_child(s, quiet(per), "wave-per");
  const auto b = simulate_in_child(s, quiet(agg), "wave-agg");
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_EQ(a.report.waveforms.delivery, b.report.waveforms.delivery);
  EXPECT_EQ(a.report.waveforms.bytes_offered, b.report.waveforms.bytes_offered);
  EXPECT_EQ(a.report.waveforms.samples_acknowledged, b.report.waveforms.samples_acknowledged);
  // Each block is charged its own access-point instant and its byte share: close latencies.
  const auto pa = a.report.waveforms.latency.value_at_percentile(50);
  const auto pb = b.report.waveforms.latency.value_at_percentile(50);
  EXPECT_NEAR(static_cast<double>(pb), static_cast<double>(pa), 0.1 * static_cast<double>(pa) + 2e6);
}

TEST(SimulateWaveforms, BlocksLoadABandwidthLimitedAccessPoint) {
  // 3 patients x 1 block/s of ~2-5 kB FHIR on a 64 kbps access point: the link is
  // oversubscribed, so blocks queue behind each other; with 100 Mbps they do not.
  const auto s = with_ecg(ward(3, 15s), scenarios::PayloadFormat::FhirR4);
  auto slow = idle_capacity();
  slow.ap_bandwidth_bps = 64e3;
  const auto fast = simulate_in_child(s, quiet(idle_capacity()), "wave-fast");
  const auto limited = simulate_in_child(s, quiet(slow), "wave-slow");
  ASSERT_TRUE(fast.ok && limited.ok);
  EXPECT_GT(limited.report.waveforms.latency.value_at_percentile(50),
            10 * fast.report.waveforms.latency.value_at_percentile(50));
  // The readings sharing that link are slowed by the blocks too.
  EXPECT_GT(limited.report.ingest_latency.value_at_percentile(50),
            2 * fast.report.ingest_latency.value_at_percentile(50));
}

}  // namespace
