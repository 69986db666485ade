// Loading valid scenarios: values, units, defaults, includes and --set overrides.
#include <gtest/gtest.h>

#include <filesystem>

#include "iomtsim/scenarios/builtin_profiles.hpp"
#include "iomtsim/scenarios/defaults.hpp"
#include "iomtsim/scenarios/loader.hpp"

namespace fs = std::filesystem;
using namespace iomtsim::scenarios;
using namespace iomtsim::physiology;
using namespace std::chrono_literals;

namespace {

const std::string kMinimal = R"(metadata:
  name: minimal
  duration: 2h
cohorts:
  - name: icu
    count: 3
    archetype: icu
)";

LoadResult load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  auto r = load_string(text, "test.yaml", overrides);
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  return r;
}

TEST(Loader, MinimalScenarioGetsArchetypeDefaults) {
  auto r = load(kMinimal);
  ASSERT_TRUE(r.ok());
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.metadata.name, "minimal");
  EXPECT_EQ(s.metadata.duration, 2h);
  ASSERT_EQ(s.cohorts.size(), 1u);
  const auto& c = s.cohorts[0];
  EXPECT_EQ(c.physiology.count, 3u);
  EXPECT_EQ(c.physiology.demographics, archetype_defaults(Archetype::Icu).demographics);
  ASSERT_EQ(c.devices.size(), 2u);  // bedside monitor + infusion pump
  EXPECT_EQ(c.devices[0].model.type, DeviceType::BedsideMonitor);
  EXPECT_EQ(c.devices[0].network_profile, "hospital_wifi");
  EXPECT_EQ(c.physiology.devices.size(), 2u);
  // Built-in profiles are always there.
  for (const auto& [name, p] : builtin_profiles()) EXPECT_EQ(s.network_profiles.at(name), p);
  EXPECT_TRUE(s.target.embedded);
}

TEST(Loader, FullCohortWithUnitsConverted) {
  auto r = load(R"(metadata:
  name: full
  duration: 1 d
  seed: 99
  authors: [A, B]
cohorts:
  - name: pca
    count: 40
    archetype: post_operative_adult
    demographics:
      age: {normal: {mean: 60 y, sd: 10 y}, min: 18 y}
      female: 55 %
    baseline:
      heart_rate: 80 bpm
      spo2: {uniform: [94 %, 99 %]}
      temperature: 98.6 F
    conditions:
      - kind: opioid_respiratory_depression
        probability: 5 %
        onset: {normal: [6h, 2h]}
        severity: {uniform: [0.4, 0.9]}
        interventions:
          - {kind: naloxone, after: 10 min, dose: 400 mcg}
    interventions:
      - {kind: oxygen, at: 0s, dose: 2 L/min}
    devices:
      - type: wearable_ecg_patch
        measures: {heart_rate: 30s, resp_rate: 1 min}
        waveform: {kind: ecg_lead_ii, sample_rate: 250 Hz, block: 2s}
        format: mqtt_json
        network: ble_gateway
        gateway: phone
        batch: 10
        clock_drift: 50 ppm
        battery_life: 5 d
        missing: 10 %
        artifacts: false
network_profiles:
  ward:
    extends: hospital_wifi
    loss: 2 %
    bursty_loss: {p_good_to_bad: 1 %, p_bad_to_good: 25 %, loss_in_bad: 60 %}
    bandwidth: 10 Mbps
    outages:
      - {at: 2h, for: 10 min}
    random_failures: {mtbf: 12h, mttr: 5 min}
    reconnect: {initial: 500ms, max: 2 min, jitter: 10 %}
    buffer_readings: 500
time:
  mode: accelerated
  speed: 120
  ramp_up: 30s
target:
  embedded: false
  http: {host: fhir.test, port: 8443, tls: true}
  mqtt: "127.0.0.1:1883"
  alerts: {webhook_port: 9100, webhook_secret_env: IOMTSIM_WEBHOOK_SECRET}
expectations:
  - ingest_latency.p99 < 2s
  - alerts.sensitivity >= 90 %
)");
  ASSERT_TRUE(r.ok());
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.metadata.seed, 99u);
  EXPECT_EQ(s.metadata.duration, 24h);
  EXPECT_EQ(s.metadata.authors, (std::vector<std::string>{"A", "B"}));
  const auto& p = s.cohorts[0].physiology;
  EXPECT_EQ(p.demographics.age_years.kind, Distribution::Kind::Normal);
  EXPECT_DOUBLE_EQ(p.demographics.age_years.a, 60);
  EXPECT_DOUBLE_EQ(p.demographics.age_years.min, 18);
  EXPECT_DOUBLE_EQ(p.demographics.female_fraction, 0.55);
  ASSERT_EQ(p.baselines.size(), 3u);
  EXPECT_EQ(p.baselines[1].vital, Vital::SpO2);
  EXPECT_DOUBLE_EQ(p.baselines[1].value.a, 94);  // % kept in the vital's unit
  EXPECT_DOUBLE_EQ(p.baselines[1].value.b, 99);
  EXPECT_NEAR(p.baselines[2].value.a, 37.0, 1e-9);
  ASSERT_EQ(p.conditions.size(), 1u);
  const auto& cond = p.conditions[0];
  EXPECT_EQ(cond.kind, ConditionKind::OpioidRespiratoryDepression);
  EXPECT_EQ(cond.course, Course::Sudden);  // the condition's default
  EXPECT_DOUBLE_EQ(cond.probability, 0.05);
  EXPECT_DOUBLE_EQ(cond.onset_s.a, 6 * 3600);
  EXPECT_DOUBLE_EQ(cond.onset_s.b, 2 * 3600);
  EXPECT_DOUBLE_EQ(cond.onset_s.min, 0);  // clamped into the physical range
  ASSERT_EQ(cond.interventions.size(), 1u);
  EXPECT_EQ(cond.interventions[0].kind, InterventionKind::Naloxone);
  EXPECT_DOUBLE_EQ(cond.interventions[0].dose, 0.4);
  EXPECT_DOUBLE_EQ(cond.interventions[0].delay_s.a, 600);
  ASSERT_EQ(p.interventions.size(), 1u);
  EXPECT_EQ(p.interventions[0].anchor, InterventionSpec::Anchor::ScenarioStart);
  EXPECT_DOUBLE_EQ(p.interventions[0].dose, 2);
  const auto& d = s.cohorts[0].devices[0];
  EXPECT_EQ(d.format, PayloadFormat::MqttJson);
  EXPECT_EQ(d.network_profile, "ble_gateway");
  EXPECT_EQ(d.gateway, "phone");
  EXPECT_EQ(d.batch, 10u);
  ASSERT_EQ(d.model.measures.size(), 2u);
  EXPECT_EQ(d.model.measures[0].interval, 30s);
  EXPECT_EQ(d.model.measures[1].interval, 60s);
  ASSERT_TRUE(d.model.waveform);
  EXPECT_DOUBLE_EQ(d.model.waveform->sample_rate_hz, 250);
  EXPECT_EQ(d.model.waveform->block, 2s);
  EXPECT_EQ(d.model.clock_drift_ppm, 50.0);
  EXPECT_EQ(d.model.battery_life, std::optional<Duration>(120h));
  EXPECT_EQ(d.model.missing_fraction, 0.1);
  EXPECT_FALSE(d.model.artifacts);
  const NetworkProfile& w = s.network_profiles.at("ward");
  EXPECT_DOUBLE_EQ(w.loss, 0.02);
  EXPECT_EQ(w.latency_s, builtin_profiles().at("hospital_wifi").latency_s);  // extended
  ASSERT_TRUE(w.bursty_loss);
  EXPECT_DOUBLE_EQ(w.bursty_loss->loss_in_bad, 0.6);
  EXPECT_EQ(w.bandwidth_bps, 10e6);
  ASSERT_EQ(w.outages.size(), 1u);
  EXPECT_EQ(w.outages[0].start, SimTime{} + 2h);
  EXPECT_EQ(w.outages[0].length, 10min);
  EXPECT_EQ(w.mtbf, std::optional<Duration>(12h));
  EXPECT_EQ(w.reconnect_initial, 500ms);
  EXPECT_EQ(w.buffer_readings, 500u);
  EXPECT_EQ(s.time.mode, TimeMode::Accelerated);
  EXPECT_DOUBLE_EQ(s.time.speed, 120);
  EXPECT_EQ(s.time.ramp_up, 30s);
  EXPECT_FALSE(s.target.embedded);
  ASSERT_TRUE(s.target.http);
  EXPECT_EQ(s.target.http->port, 8443);
  EXPECT_TRUE(s.target.http->tls);
  ASSERT_TRUE(s.target.mqtt);
  EXPECT_EQ(s.target.mqtt->host, "127.0.0.1");
  EXPECT_EQ(s.target.alert_webhook_port, std::optional<std::uint16_t>(9100));
  EXPECT_EQ(s.target.alerts.webhook_secret.env, "IOMTSIM_WEBHOOK_SECRET");
  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.expectations[0].metric, "ingest_latency.p99");
  EXPECT_EQ(s.expectations[0].op, CompareOp::Less);
  EXPECT_DOUBLE_EQ(s.expectations[0].value, 2.0);
  EXPECT_EQ(s.expectations[0].where.line, 59);  // counted in the text above
  EXPECT_DOUBLE_EQ(s.expectations[1].value, 0.9);
}

TEST(Loader, EndpointsImplyAnExternalTarget) {
  auto r = load(kMinimal + "target:\n  http: \"[::1]:8080\"\n");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.scenario->target.embedded);
  ASSERT_TRUE(r.scenario->target.http);
  EXPECT_EQ(r.scenario->target.http->host, "::1");
  EXPECT_EQ(r.scenario->target.http->port, 8080);
}

TEST(Loader, JsonIsAcceptedAsYaml) {
  auto r = load(R"({"metadata": {"name": "j", "duration": "1h"},
                    "cohorts": [{"name": "c", "count": 2, "archetype": "copd"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.scenario->cohorts[0].physiology.archetype, Archetype::Copd);
}

TEST(Loader, OverridesApplyWithYamlTypes) {
  auto r = load(kMinimal, {"metadata.seed=7", "cohorts.0.count=50", "time.mode=simulated",
                           "cohorts.0.ward=icu_east"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.scenario->metadata.seed, 7u);
  EXPECT_EQ(r.scenario->cohorts[0].physiology.count, 50u);
  EXPECT_EQ(r.scenario->time.mode, TimeMode::Simulated);
  EXPECT_EQ(r.scenario->cohorts[0].ward, "icu_east");
}

TEST(Loader, OverrideCanReplaceAStructure) {
  auto r = load(kMinimal, {"cohorts.0.devices=[{type: cgm}]"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.scenario->cohorts[0].devices.size(), 1u);
  EXPECT_EQ(r.scenario->cohorts[0].devices[0].model.type, DeviceType::Cgm);
}

TEST(Loader, OverrideErrorsNameTheCommandLine) {
  auto r = load_string(kMinimal, "test.yaml", {"metadata.seed=7", "cohorts.3.count=1",
                                               "cohorts.0.count=lots", "nodot"});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 3u);
  EXPECT_EQ(short_diagnostic(r.diagnostics[0]),
            "<command line>:2:9: '3' is not an index of this list (it has 1 items)");
  EXPECT_EQ(short_diagnostic(r.diagnostics[1]),
            "<command line>:3:17: expected an integer for 'count', found 'lots'");
  EXPECT_EQ(short_diagnostic(r.diagnostics[2]),
            "<command line>:4:1: expected 'key.path=value', found 'nodot'");
  EXPECT_EQ(r.diagnostics[1].line_text, "cohorts.0.count=lots");
}

TEST(Loader, OverrideOfUnknownKeyIsReportedLikeAFileKey) {
  auto r = load_string(kMinimal, "test.yaml", {"metadata.sead=3"});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(short_diagnostic(r.diagnostics[0]),
            "<command line>:1:10: unknown key 'sead' (did you mean 'seed'?)");
}

TEST(Loader, IncludeMergesMapsAndConcatenatesLists) {
  const fs::path file = fs::path(IOMTSIM_SOURCE_DIR) / "tests/data/scenarios/good/run_with_include.yaml";
  auto r = load_file(file.string());
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  ASSERT_TRUE(r.ok());
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.cohorts.size(), 2u);
  EXPECT_EQ(s.cohorts[0].physiology.name, "ward_a");  // included file's items first
  EXPECT_EQ(s.cohorts[1].physiology.name, "ward_b");
  EXPECT_EQ(s.cohorts[1].devices[0].network_profile, "ward_a_wifi");  // profile from the include
  EXPECT_DOUBLE_EQ(s.network_profiles.at("ward_a_wifi").loss, 0.01);
  EXPECT_EQ(s.metadata.seed, 5u);
}

TEST(Loader, OverridesApplyAfterIncludes) {
  const fs::path file = fs::path(IOMTSIM_SOURCE_DIR) / "tests/data/scenarios/good/run_with_include.yaml";
  auto r = load_file(file.string(), {"cohorts.0.count=25"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.scenario->cohorts[0].physiology.name, "ward_a");
  EXPECT_EQ(r.scenario->cohorts[0].physiology.count, 25u);
}

TEST(Loader, MissingFileIsADiagnosticNotAThrow) {
  auto r = load_file("/nonexistent/dir/x.yaml");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(short_diagnostic(r.diagnostics[0]), "/nonexistent/dir/x.yaml: cannot read scenario: no such file");
  EXPECT_EQ(format_diagnostic(r.diagnostics[0]),
            "/nonexistent/dir/x.yaml: error: cannot read scenario: no such file\n");
}

TEST(Loader, FormatDiagnosticDrawsACaret) {
  auto r = load_string("metadata:\n  name: x\n  duration: 5 parsecs\ncohorts: []\n", "f.yaml");
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(format_diagnostic(r.diagnostics[0]),
            "f.yaml:3:15: error: duration: wrong unit 'parsecs': expected a duration in ms, s, sec, "
            "secs, seconds, min, mins, minutes, h, hr, hours, d, days, weeks\n"
            "    duration: 5 parsecs\n"
            "                ^\n");
}

TEST(Loader, SameInputSameScenario) {
  auto a = load(kMinimal);
  auto b = load(kMinimal);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a.scenario, *b.scenario);
}

TEST(Loader, ManyErrorsAreCappedWithANote) {
  std::string text = "metadata: {name: many, duration: 1h}\ncohorts:\n";
  for (int i = 0; i < 300; ++i) text += "  - {name: c" + std::to_string(i) + ", count: 0, archetype: icu}\n";
  auto r = load_string(text, "many.yaml");
  ASSERT_EQ(r.diagnostics.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(short_diagnostic(r.diagnostics.back()), "many.yaml: too many errors: 100 more not shown");
}

TEST(Loader, TotalPatientLimitAcrossCohorts) {
  std::string text = "metadata: {name: big, duration: 1h}\ncohorts:\n";
  for (int i = 0; i < 3; ++i)
    text += "  - {name: c" + std::to_string(i) + ", count: 4000000, archetype: icu}\n";
  auto r = load_string(text, "big.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(short_diagnostic(r.diagnostics[0]),
            "big.yaml:5:5: more than 10000000 patients in all cohorts together");
}

}  // namespace
