// HL7 v2 over MLLP and protobuf batches over TCP, end to end against the embedded target.
#include <gtest/gtest.h>

#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;

namespace {

RunOptions quiet() {
  RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = ProgressMode::None;
  static std::ostringstream sink;
  o.log = &sink;
  return o;
}

}  // namespace

TEST(RunStream, MllpEveryReadingAcknowledged) {
  const auto s = tiny_scenarios::tiny(2, 1, scenarios::PayloadFormat::Hl7v2, /*batch=*/3);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_NEAR(static_cast<double>(d.generated), 3u * 3u * 40u,
              6);  // phase offsets: one sample more or less per vital
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(r.alerts_received, 0u);
}

TEST(RunStream, ProtobufBatchesAcknowledged) {
  const auto s = tiny_scenarios::tiny(3, 0, scenarios::PayloadFormat::Protobuf, /*batch=*/5);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_NEAR(static_cast<double>(d.generated), 3u * 3u * 40u,
              6);  // phase offsets: one sample more or less per vital
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GE(r.messages_sent, d.generated / 5);
  EXPECT_LE(r.messages_sent, d.generated / 5 + 3);
}

// AR says the receiver could not take the message now (here: the target's injected
// refusals): a sender sends it again, and the report counts the AR answers as the retries.
TEST(RunStream, MllpArIsRetriedUntilAccepted) {
  auto s = tiny_scenarios::tiny(3, 0, scenarios::PayloadFormat::Hl7v2);
  s.metadata.duration = std::chrono::minutes(3);
  s.target.retry.attempts = 10;
  s.target.retry.backoff = std::chrono::milliseconds(200);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.reject_fraction = 0.3;
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(a.retries, 0u);
  EXPECT_EQ(a.attempts, d.generated + a.retries);
  std::uint64_t ar = 0;
  for (const auto& c : r.report.outcome_codes.codes)
    if (c.protocol == "hl7v2" && c.code == "AR") ar += c.messages;
  EXPECT_EQ(ar, a.retries);
}
