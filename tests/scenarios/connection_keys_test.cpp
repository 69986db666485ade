// The scenario keys for connecting to a real pipeline: per-endpoint TLS, mutual TLS,
// headers, authentication (secrets only named: environment variable or file),
// provisioning and alert capture; what `explain` says about them and what `schema` lists.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/schema.hpp"

using namespace iomtsim::scenarios;
using namespace std::chrono_literals;

namespace {

const std::string kHead = R"(metadata: {name: real, duration: 1h}
cohorts:
  - name: c
    count: 2
    archetype: healthy_adult
    devices:
      - {type: bedside_monitor, format: fhir_r4}
      - {type: pulse_oximeter, format: mqtt_json}
      - {type: nibp_cuff, format: hl7v2}
)";

LoadResult load(const std::string& target) {
  auto r = load_string(kHead + target, "real.yaml");
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  return r;
}

TEST(ConnectionKeys, EveryEndpointConnectsAsTheScenarioSays) {
  auto r = load(R"(target:
  http:
    host: fhir.example
    port: 443
    tls: true
    ca_file: ca.pem
    client_cert: client.pem
    client_key: client-key.pem
    headers: {X-Tenant: ward-7, X-Api-Key: {env: FHIR_API_KEY}}
    auth:
      kind: smart_backend
      token_url: https://auth.example/token
      client_id: iomtsim
      private_key_file: backend.pem
      algorithm: ES384
      key_id: k1
      scope: system/Observation.write
      refresh_before: 2 min
  mqtt: {host: broker.example, port: 8883, tls: true, username: ward7, password_file: /run/secrets/mqtt}
  mllp: {host: engine.example, port: 6661, tls: true, tls_verify: false}
  provision: {patients: create, batch: 50, cleanup: true}
  alerts:
    fhir_poll: {resources: [Flag, DetectedIssue], every: 5s, page_size: 50, max_rate: 1}
    mllp: 0.0.0.0:2576
    mqtt_topic: alerts/#
    webhook_bind: 0.0.0.0
    webhook_port: 9100
    webhook_secret_env: HOOK_SECRET
    webhook_fields: {patient: subject, time: raised_at, rule: type}
    fhir_subscription: true
)");
  ASSERT_TRUE(r.ok());
  const auto& t = r.scenario->target;
  ASSERT_TRUE(t.http && t.mqtt && t.mllp);
  const auto& h = t.http->connection;
  EXPECT_EQ(h.ca_file, "ca.pem");
  EXPECT_TRUE(h.verify);
  EXPECT_EQ(h.client_cert_file, "client.pem");
  ASSERT_EQ(h.headers.size(), 2u);
  EXPECT_EQ(h.headers[0].value, "ward-7");
  EXPECT_EQ(h.headers[1].secret.env, "FHIR_API_KEY");
  EXPECT_EQ(h.auth.kind, AuthKind::SmartBackend);
  EXPECT_EQ(h.auth.algorithm, JwtAlgorithm::ES384);
  EXPECT_EQ(h.auth.refresh_before, 2min);
  EXPECT_EQ(t.mqtt->connection.username, "ward7");
  EXPECT_EQ(t.mqtt->connection.password.file, "/run/secrets/mqtt");
  EXPECT_TRUE(t.mllp->tls);
  EXPECT_FALSE(t.mllp->connection.verify);
  EXPECT_EQ(t.provision.patients, ProvisionPatients::Create);
  EXPECT_EQ(t.provision.batch, 50u);
  ASSERT_TRUE(t.alerts.fhir_poll);
  EXPECT_EQ(t.alerts.fhir_poll->resources, (std::vector<std::string>{"Flag", "DetectedIssue"}));
  EXPECT_EQ(t.alerts.fhir_poll->every, 5s);
  ASSERT_TRUE(t.alerts.mllp);
  EXPECT_EQ(t.alerts.mllp->port, 2576);
  EXPECT_TRUE(t.alerts.webhook);
  EXPECT_EQ(t.alerts.webhook_secret.env, "HOOK_SECRET");
  EXPECT_EQ(t.alerts.webhook_fields.at("time"), "raised_at");
  EXPECT_EQ(t.alert_mqtt_topic, "alerts/#");

  // explain names where secrets come from, never a secret.
  const auto text = explain(*r.scenario);
  EXPECT_NE(text.find("SMART Backend Services for iomtsim"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Api-Key (from $FHIR_API_KEY)"), std::string::npos) << text;
  EXPECT_NE(text.find("password from /run/secrets/mqtt"), std::string::npos) << text;
  EXPECT_NE(text.find("server NOT verified"), std::string::npos) << text;
  EXPECT_NE(text.find("conditional create"), std::string::npos) << text;
  EXPECT_NE(text.find("ORU^R40 (PCD-04) on 0.0.0.0:2576"), std::string::npos) << text;
  EXPECT_NE(text.find("shared secret from $HOOK_SECRET"), std::string::npos) << text;
}

TEST(ConnectionKeys, TheExampleOfTheIssueValidatesWithMllpTls) {
  // `mllp: {tls: true}` is valid (it used to pass validation and fail the run).
  auto r = load(
      "target:\n  embedded: false\n  http: {host: h, port: 8080}\n  mqtt: {host: h, port: 1883}\n"
      "  mllp: {host: h, port: 2575, tls: true}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.scenario->target.mllp->tls);
}

TEST(ConnectionKeys, EmbeddedRunsHearFlagsByDefault) {
  auto r = load("");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(explain(*r.scenario).find("FHIR search for Flag"), std::string::npos);
}

TEST(ConnectionKeys, RetriesAndIdempotentFhirWrites) {
  auto r = load(R"(target:
  http: {host: fhir.example, port: 443, tls: true, fhir_write: conditional_create}
  mqtt: {host: broker.example, port: 1883}
  mllp: {host: engine.example, port: 6661}
  retry: {attempts: 5, backoff: 500 ms, max_backoff: 20s, jitter: 20 %}
)");
  ASSERT_TRUE(r.ok());
  const auto& t = r.scenario->target;
  EXPECT_EQ(t.http->fhir_write, FhirWrite::ConditionalCreate);
  EXPECT_EQ(t.retry.attempts, 5u);
  EXPECT_EQ(t.retry.backoff, 500ms);
  EXPECT_EQ(t.retry.max_backoff, 20s);
  EXPECT_DOUBLE_EQ(t.retry.jitter, 0.2);
  const std::string text = explain(*r.scenario);
  EXPECT_NE(text.find("up to 5 attempts per message, waiting 500 ms doubling to 20 s (± 20 %)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Observations written by conditional create"), std::string::npos) << text;

  auto put = load(
      "target:\n  http: {host: h, port: 8080, fhir_write: put}\n  mqtt: {host: h, port: 1883}\n"
      "  mllp: {host: h, port: 2575}\n");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put.scenario->target.http->fhir_write, FhirWrite::Put);
  EXPECT_EQ(put.scenario->target.retry, RetrySpec{});  // one attempt unless asked
  EXPECT_NE(explain(*put.scenario).find("one attempt per message (no retries)"), std::string::npos);
}

TEST(ConnectionKeys, SchemaListsTheNewObjects) {
  const auto schema = nlohmann::json::parse(json_schema());
  const auto& defs = schema["$defs"];
  for (const char* o : {"auth", "fhir_poll", "provision", "retry"})
    EXPECT_TRUE(defs.contains(o)) << o;
  EXPECT_EQ(defs["endpoint"]["properties"]["fhir_write"]["enum"],
            nlohmann::json::array({"post", "conditional_create", "put"}));
  for (const char* k : {"attempts", "backoff", "max_backoff", "jitter"})
    EXPECT_TRUE(defs["retry"]["properties"].contains(k)) << k;
  EXPECT_TRUE(defs["target"]["oneOf"][1]["properties"].contains("retry"));
  EXPECT_TRUE(defs["endpoint"]["properties"].contains("client_cert"));
  EXPECT_FALSE(defs["auth"]["properties"].contains("token")) << "no key takes a secret's value";
  EXPECT_EQ(defs["auth"]["properties"]["kind"]["enum"],
            nlohmann::json::array({"bearer", "client_credentials", "smart_backend"}));
}

}  // namespace
