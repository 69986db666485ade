// End to end against the embedded reference target on loopback ports: the whole run()
// path (engines, FHIR pool, network paths, alert intake, accounting, thresholds).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/validity.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "quiet_options.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;

namespace {}  // namespace

TEST(RunFhir, EveryReadingAcknowledgedAndSickPatientsAlerted) {
  const auto s = tiny_scenarios::tiny(3, 1);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  // About 4 patients x 3 vitals x 40 samples in 10 minutes.
  EXPECT_NEAR(static_cast<double>(d.generated), 4u * 3u * 40u,
              6);  // phase offsets: one sample more or less per vital
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(r.http_status.at(201) + (r.http_status.count(200) ? r.http_status.at(200) : 0),
            d.generated);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_GT(r.report.ingest_latency.count(), 0);
  ASSERT_GT(r.alerts_received, 0u);
  std::set<physiology::PatientIndex> alerted;
  for (const auto& a : r.report.alerts) alerted.insert(a.alert.patient);
  EXPECT_TRUE(alerted.count(3)) << "the sick patient (index 3) was never alerted on";
  EXPECT_FALSE(alerted.count(0) && alerted.count(1) && alerted.count(2));
}

TEST(RunFhir, FailingExpectationGivesExitCodeOne) {
  auto s = tiny_scenarios::tiny(2, 0);
  s.metadata.duration = std::chrono::minutes(3);
  auto o = quiet(1);
  o.extra_expectations.push_back(
      {"delivery.generated < 1", "delivery.generated", scenarios::CompareOp::Less, 1.0, {}});
  const auto r = run(s, o);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed.front().threshold.metric, "delivery.generated");
  EXPECT_DOUBLE_EQ(r.failed.front().measured, static_cast<double>(r.report.delivery.generated));
}

TEST(RunFhir, TransactionBundlesPerDeviceBatch) {
  const auto s = tiny_scenarios::tiny(3, 0, scenarios::PayloadFormat::FhirR4, /*batch=*/6);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_NEAR(static_cast<double>(d.generated), 3u * 3u * 40u,
              6);  // phase offsets: one sample more or less per vital
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GE(r.messages_sent, d.generated / 6);
  EXPECT_LE(r.messages_sent, d.generated / 6 + 3);  // + the partial batches at the end
}

TEST(RunFhir, TwentyPercentNetworkLossIsCountedAsLost) {
  auto s = tiny_scenarios::tiny(6, 0, scenarios::PayloadFormat::FhirR4, 1, /*loss=*/0.2);
  s.metadata.duration = std::chrono::minutes(20);
  s.time.speed = 1200;
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  ASSERT_NEAR(static_cast<double>(d.generated), 6u * 3u * 80u, 10);
  EXPECT_TRUE(d.balanced());
  EXPECT_NEAR(d.fraction(Outcome::LostNetwork), 0.2, 0.05);
  EXPECT_EQ(d[Outcome::Acknowledged] + d[Outcome::LostNetwork], d.generated);
  EXPECT_EQ(r.report.run.mode,
            "accelerated \xC3\x97"
            "1200");  // the mode as run
}

TEST(RunFhir, CrashedTargetStillBalancesTheBuckets) {
  auto s = tiny_scenarios::tiny(4, 0);
  s.target.request_timeout = std::chrono::milliseconds(300);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.crash_after = std::chrono::milliseconds(500);
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d[Outcome::Acknowledged], 0u);
  EXPECT_GT(d[Outcome::Failed] + d[Outcome::TimedOut], 0u);
  EXPECT_GT(r.reconnects, 0u);
  // No expectations: a balanced run passes unless most readings never reached the
  // target, which makes it invalid (its alert scores would not be the target's).
  const bool mostly_unreached = reports::delivery_invalid_reason(r.report).has_value();
  EXPECT_EQ(r.exit_code, mostly_unreached ? reports::kExitInvalid : 0);
}

TEST(RunFhir, StalledTargetShowsInTheP99) {
  auto s = tiny_scenarios::tiny(4, 0);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.stall_start = std::chrono::milliseconds(400);
  o.embedded_target->faults.stall_duration = std::chrono::milliseconds(600);
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);  // the stall is shorter than the timeout
  // Readings due during the stall waited for it: latency from the intended send time.
  EXPECT_GT(r.report.ingest_latency.value_at_percentile(99.0), 250'000'000);
  EXPECT_LT(r.report.ingest_latency.value_at_percentile(50.0), 250'000'000);
}

TEST(RunFhir, ThreadCountDoesNotChangeWhatIsGeneratedOrLost) {
  auto s = tiny_scenarios::tiny(5, 0, scenarios::PayloadFormat::FhirR4, 1, /*loss=*/0.3);
  s.metadata.duration = std::chrono::minutes(5);
  const auto one = run(s, quiet(1));
  const auto three = run(s, quiet(3));
  EXPECT_EQ(one.report.delivery.generated, three.report.delivery.generated);
  // Each device's network decisions come from its own stream: same losses, whoever sends.
  EXPECT_EQ(one.report.delivery[Outcome::LostNetwork], three.report.delivery[Outcome::LostNetwork]);
  EXPECT_GT(one.report.delivery[Outcome::LostNetwork], 0u);
}

TEST(RunFhir, RejectionsAreCountedByStatus) {
  auto s = tiny_scenarios::tiny(4, 0);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.reject_fraction = 0.3;
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_NEAR(d.fraction(Outcome::Rejected), 0.3, 0.08);
  ASSERT_TRUE(r.http_status.count(503));
  EXPECT_EQ(r.http_status.at(503), d[Outcome::Rejected]);
  EXPECT_EQ(d[Outcome::Acknowledged] + d[Outcome::Rejected], d.generated);
}

TEST(RunFhir, GarbageAnswersFailAndTheRunGoesOn) {
  auto s = tiny_scenarios::tiny(4, 0);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.garbage_fraction = 0.2;
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_NEAR(d.fraction(Outcome::Failed), 0.2, 0.08);
  EXPECT_EQ(d[Outcome::Acknowledged] + d[Outcome::Failed], d.generated);
  EXPECT_GT(r.reconnects, 0u);
}

TEST(RunMode, NamesTheSpeedAsRun) {
  EXPECT_EQ(run_mode_name(1.0), "realtime");
  EXPECT_EQ(run_mode_name(720),
            "accelerated \xC3\x97"
            "720");
  EXPECT_EQ(run_mode_name(2.5),
            "accelerated \xC3\x97"
            "2.5");
}

// A device retries a 503 after the target's Retry-After, a bounded number of times; each
// reading still ends in one bucket, and the report counts the attempts and the answers.
TEST(RunFhir, RetriesAfter503WaitForRetryAfterAndEndOnceEach) {
  auto s = tiny_scenarios::tiny(3, 0);
  s.time.speed = 60;  // the target's Retry-After (1 s wall) is 60 s of scenario time
  s.metadata.duration = std::chrono::minutes(2);
  s.target.retry.attempts = 10;  // 0.3^10: no message runs out of attempts
  s.target.retry.backoff = std::chrono::seconds(1);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.reject_fraction = 0.3;
  o.embedded_target->limits.retry_after = std::chrono::seconds(1);
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(a.retries, 0u);
  EXPECT_EQ(a.retries_exhausted, 0u);
  EXPECT_EQ(a.attempts, d.generated + a.retries);  // one reading per message
  // Every attempt's answer is counted: the refusals are the retries.
  std::uint64_t refused = 0, stored = 0;
  for (const auto& c : r.report.outcome_codes.codes) {
    if (c.code == "503") refused += c.messages;
    if (c.code == "201") stored += c.messages;
  }
  EXPECT_EQ(refused, a.retries);
  EXPECT_EQ(stored, d.generated);
  ASSERT_FALSE(r.report.outcome_codes.errors.empty());
  EXPECT_NE(r.report.outcome_codes.errors.front().text.find("injected fault"), std::string::npos);
  // A retried reading waited at least the Retry-After (60 s scenario), not the 1 s back-off.
  EXPECT_GE(r.report.ingest_latency.max(), 60'000'000'000);
  // And report.json carries the counts.
  const auto back = reports::from_json(reports::to_json(r.report));
  EXPECT_EQ(back.delivery_attempts, a);
}

TEST(RunFhir, RetriesRunOutAfterTheLastAttempt) {
  auto s = tiny_scenarios::tiny(2, 0);
  s.metadata.duration = std::chrono::minutes(2);
  s.target.retry.attempts = 3;
  s.target.retry.backoff = std::chrono::milliseconds(100);
  auto o = quiet();
  o.embedded_target = reference_target::loopback_ephemeral_config();
  o.embedded_target->faults.reject_fraction = 1.0;
  o.embedded_target->limits.retry_after = std::chrono::seconds(0);
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Rejected], d.generated);
  EXPECT_EQ(a.retries_exhausted, d.generated);
  EXPECT_EQ(a.retries, 2 * d.generated);
  EXPECT_EQ(a.attempts, 3 * d.generated);
}
