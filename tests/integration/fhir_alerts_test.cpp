// Alerts as a pipeline written by others raises them, scored: Medplum's router with an
// analytics stage of the test's own (server.js --analytics) that raises a Flag (or a
// DetectedIssue) on Patient/<server id> when a reading crosses a threshold, pointing at the
// Observation by its server id. iomtsim reads them back with FHIR search or hears them by
// rest-hook Subscription, maps them to its patients through the provisioned ids, reads the
// Observation to find the triggering reading, and times them from their own time.
//
// The shipped example, scenarios/library/external_fhir_pipeline.yaml, runs as a user would
// (its port overridden with --set) against the server requiring a token and refusing
// unknown subjects: no 401, no refusal, Flags scored as alerts with their latency.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "pipeline_support.hpp"
#include "support/medplum_server.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
using reports::Outcome;

namespace {

// Respiratory rate under 10 /min or SpO2 under 90 %: what opioid depression brings.
const std::string kRules = "9279-1<10;2708-6<90;59408-5<90";

std::size_t alerts_with_latency(const reports::Report& r) {
  std::size_t n = 0;
  for (const auto& a : r.alerts) n += a.trigger_known ? 1 : 0;
  return n;
}

TEST(ShippedExample, ExternalFhirPipelineScoresMedplumsFlagsWithNo401AndNoRefusal) {
  const std::string token = "ward7-token-31c4a9f2";
  MedplumServer fhir({"--token", token, "--check-references", "--analytics", kRules});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  ScopedEnv env("IOMTSIM_FHIR_TOKEN", token);
  const auto loaded = scenarios::load_file(
      std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/external_fhir_pipeline.yaml",
      {"target.http.port=" + std::to_string(fhir.port()), "time.speed=900"});
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << scenarios::format_diagnostic(d);
  ASSERT_TRUE(loaded.ok());
  TempDir out;
  std::ostringstream log;
  const auto r = loadgen::run(*loaded.scenario, kept_options(log, out.path));
  const auto& d = r.report.delivery;
  ASSERT_GT(d.generated, 0u);
  // Hospital Wi-Fi loses some readings on the way; the server refuses none.
  EXPECT_EQ(d[Outcome::Rejected], 0u) << log.str();
  EXPECT_EQ(d[Outcome::Failed] + d[Outcome::TimedOut], 0u) << log.str();
  EXPECT_GT(d.fraction(Outcome::Acknowledged), 0.95);
  EXPECT_EQ(r.exit_code, 0) << log.str();
  EXPECT_EQ(r.report.outcome_codes.auth_failures(), 0u);
  const auto stats = fhir.stats();
  EXPECT_EQ(stats["auth_failures"], 0);
  EXPECT_EQ(stats["refused_references"], 0);
  EXPECT_EQ(r.provisioned.patients, 12u);
  // Every Flag the analytics raised was heard, mapped to its patient and timed from its
  // trigger (read from the Observation it names).
  const auto raised = stats["alerts_raised"].get<std::uint64_t>();
  ASSERT_GT(raised, 0u) << "the scenario's patients should cross the analytics' thresholds";
  EXPECT_EQ(r.alert_capture.scored, raised)
      << log.str() << " heard " << r.alert_capture.heard << " dup " << r.alert_capture.duplicates
      << " unmapped " << r.alert_capture.unmapped << " unreadable " << r.alert_capture.unreadable
      << " polls " << r.alert_capture.polls << " requests " << r.alert_capture.fhir_requests;
  EXPECT_EQ(r.alert_capture.unmapped, 0u);
  EXPECT_EQ(r.report.alerts.size(), raised);
  EXPECT_EQ(alerts_with_latency(r.report), raised);
  EXPECT_EQ(r.report.alert_latency.count(), static_cast<std::int64_t>(raised));
  EXPECT_GT(r.report.alert_latency.value_at_percentile(50), 0);
  EXPECT_GT(r.report.accuracy.overall.true_alerts, 0u);
  // Polling cost: a few requests per second of the run, not per reading.
  EXPECT_LT(r.alert_capture.fhir_requests, d.generated / 20);
  // The record read back with the token, subjects mapped through the provisioned ids: every
  // acknowledged reading there, as sent, dated with the wall clock (wall_clock_stamps).
  const auto& c = r.report.chart;
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.tracked, d[Outcome::Acknowledged]);
  EXPECT_EQ(c.charted, c.tracked) << log.str();
  EXPECT_EQ(c.mismatched, 0u) << log.str();
  EXPECT_EQ(c.time_to_chart.count(), static_cast<std::int64_t>(c.charted));
  EXPECT_EQ(where_found(token, out.path, log.str()), "");
}

TEST(FhirAlerts, DetectedIssuesPolledAndMappedThroughProvisionedIds) {
  MedplumServer fhir(
      {"--check-references", "--analytics", kRules, "--analytics-resource", "DetectedIssue"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 2, 2, "issues-ward");
  s.target.provision.patients = scenarios::ProvisionPatients::Create;
  s.target.alerts.fhir_poll =
      scenarios::FhirPollSpec{{"DetectedIssue"}, std::chrono::milliseconds(300), 2, 50};
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  const auto raised = fhir.stats()["alerts_raised"].get<std::uint64_t>();
  ASSERT_GT(raised, 0u);
  EXPECT_EQ(r.alert_capture.scored, raised) << log.str();
  EXPECT_EQ(alerts_with_latency(r.report), raised);
  for (const auto& a : r.report.alerts)
    EXPECT_GE(a.alert.patient, 2u) << "only the sick patients (2, 3) cross";
  EXPECT_EQ(r.alert_capture.duplicates,
            0u);  // page size 2: many pages and cursor steps, none read twice
}

TEST(FhirAlerts, RestHookSubscriptionNotificationsReachTheWebhookWithTheSecret) {
  MedplumServer fhir({"--check-references", "--analytics", kRules, "--subscriptions"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  ScopedEnv env("IOMTSIM_TEST_WEBHOOK_SECRET", "hook-secret-77aa11");
  auto s = fhir_ward(fhir.port(), 1, 2, "subscribed-ward");
  s.target.provision.patients = scenarios::ProvisionPatients::Create;
  s.target.alerts.webhook = true;
  s.target.alerts.webhook_secret.env = "IOMTSIM_TEST_WEBHOOK_SECRET";
  s.target.alerts.fhir_subscription = true;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  const auto stats = fhir.stats();
  const auto raised = stats["alerts_raised"].get<std::uint64_t>();
  ASSERT_GT(raised, 0u);
  EXPECT_EQ(stats["notifications"], raised);
  EXPECT_EQ(stats["notification_failures"], 0);
  EXPECT_EQ(r.alert_capture.polls, 0u);  // heard by notification only
  EXPECT_EQ(r.alert_capture.scored, raised) << log.str();
  EXPECT_EQ(alerts_with_latency(r.report), raised);
  // The Subscriptions were removed at the end.
  auto subs = fhir.request("GET", "/fhir/Subscription");
  ASSERT_TRUE(subs);
  EXPECT_EQ(nlohmann::json::parse(subs->body).value("entry", nlohmann::json::array()).size(), 0u);
}

}  // namespace
