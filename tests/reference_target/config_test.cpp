#include <gtest/gtest.h>

#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reference_target/run.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace std::chrono_literals;

TEST(TargetConfig, EmptyTextGivesDefaults) {
  EXPECT_EQ(parse_target_config(""), default_target_config());
  const auto d = default_target_config();
  EXPECT_EQ(d.http.port, 8080);
  EXPECT_EQ(d.mllp.port, 2575);
  EXPECT_FALSE(d.mqtt.enabled);
  EXPECT_EQ(d.log_level, LogLevel::Quiet);
  EXPECT_EQ(d.rules, rules::RuleSet::defaults());
}

TEST(TargetConfig, LoopbackEphemeralBindsPortZero) {
  const auto c = loopback_ephemeral_config();
  EXPECT_EQ(c.http.port, 0);
  EXPECT_EQ(c.mllp.port, 0);
  EXPECT_EQ(c.proto.port, 0);
  EXPECT_EQ(c.http.host, "127.0.0.1");
}

TEST(TargetConfig, ParsesEverySection) {
  const auto c = parse_target_config(R"(
http: {port: 0, body_limit_bytes: 2048, header_timeout: 250ms, idle_timeout: 2s, queue_full_status: 503}
mllp: {port: 0, max_frame_bytes: 4096, idle_timeout: 1m}
proto: {enabled: false}
mqtt:
  broker_port: 18830
  topics: [a/#, b/+]
  qos: 0
  payload: fhir
processing: {workers: 3, io_threads: 2, queue_bound: 10, service_time_per_message: 5ms,
             service_time_per_reading: 100us, ack_after_processing: true}
alerts: {webhook_url: "http://127.0.0.1:9/alerts", mqtt_topic: "alerts/{patient}"}
faults: {reject_fraction: 0.25, stall_start: 1s, stall_duration: 2s, crash_after: 1h, seed: 7}
epoch_unix_ms: 1714550400000
log_level: info
rules:
  defaults: false
  news2: {medium_threshold: 6}
  suppression: {repeat_interval: 10m}
  custom:
    - name: brady
      severity: high
      conditions:
        - {vital: heart_rate, op: "<", threshold: 40, sustained_for: 1m}
        - {vital: systolic_bp, rate: {window: 30m, op: "<=", change: -20}}
)");
  EXPECT_EQ(c.http.port, 0);
  EXPECT_EQ(c.http.body_limit_bytes, 2048u);
  EXPECT_EQ(c.http.header_timeout, 250ms);
  EXPECT_EQ(c.http.queue_full_status, 503u);
  EXPECT_EQ(c.mllp.max_frame_bytes, 4096u);
  EXPECT_EQ(c.mllp.idle_timeout, 60s);
  EXPECT_FALSE(c.proto.enabled);
  EXPECT_TRUE(c.mqtt.enabled);
  EXPECT_EQ(c.mqtt.broker_port, 18830);
  EXPECT_EQ(c.mqtt.topics, (std::vector<std::string>{"a/#", "b/+"}));
  EXPECT_EQ(c.mqtt.qos, 0);
  EXPECT_EQ(c.mqtt.payload, MqttPayload::Fhir);
  EXPECT_EQ(c.processing.workers, 3u);
  EXPECT_EQ(c.processing.queue_bound, 10u);
  EXPECT_EQ(c.processing.service_time_per_message, 5ms);
  EXPECT_EQ(c.processing.service_time_per_reading, 100us);
  EXPECT_TRUE(c.processing.ack_after_processing);
  EXPECT_EQ(c.alerts.mqtt_topic, "alerts/{patient}");
  EXPECT_DOUBLE_EQ(c.faults.reject_fraction, 0.25);
  EXPECT_EQ(c.faults.stall_duration, 2s);
  ASSERT_TRUE(c.faults.crash_after.has_value());
  EXPECT_EQ(*c.faults.crash_after, 3600s);
  EXPECT_EQ(c.faults.seed, 7u);
  EXPECT_EQ(c.epoch_unix_ms, 1714550400000);
  EXPECT_EQ(c.log_level, LogLevel::Info);
  EXPECT_EQ(c.rules.news2.medium_threshold, 6);
  EXPECT_EQ(c.rules.suppression.repeat_interval, 600s);
  ASSERT_EQ(c.rules.rules.size(), 1u);
  EXPECT_EQ(c.rules.rules[0].name, "brady");
  EXPECT_EQ(c.rules.rules[0].severity, physiology::AlertSeverity::High);
  ASSERT_EQ(c.rules.rules[0].conditions.size(), 2u);
  const auto& t = std::get<rules::ThresholdCondition>(c.rules.rules[0].conditions[0]);
  EXPECT_EQ(t.vital, physiology::Vital::HeartRate);
  EXPECT_EQ(t.op, rules::CompareOp::Less);
  EXPECT_DOUBLE_EQ(t.threshold, 40.0);
  EXPECT_EQ(t.sustained_for, 60s);
  const auto& rate = std::get<rules::RateCondition>(c.rules.rules[0].conditions[1]);
  EXPECT_DOUBLE_EQ(rate.change, -20.0);
}

TEST(TargetConfig, LimitsHaveBoundedDefaultsAndParse) {
  const auto d = default_target_config();
  EXPECT_EQ(d.limits.max_connections, 2048u);
  EXPECT_EQ(d.limits.body_memory_budget_bytes, 128u << 20);
  EXPECT_EQ(d.limits.max_patients, 100000u);
  EXPECT_EQ(d.http.max_connections, 1024u);
  EXPECT_EQ(d.http.max_json_depth, 32u);
  EXPECT_EQ(d.mqtt.max_message_bytes, 1u << 20);
  EXPECT_EQ(d.mqtt.protocol_version, 5);
  const auto c = parse_target_config(R"(
http: {max_json_depth: 16, max_connections: 10}
mllp: {max_connections: 3}
mqtt: {max_message_bytes: 65536, max_json_depth: 8, protocol: "3.1.1"}
limits: {max_connections: 20, body_memory_budget_bytes: 33554432, retry_after: 4s,
         max_patients: 500, max_assets: 50}
)");
  EXPECT_EQ(c.http.max_json_depth, 16u);
  EXPECT_EQ(c.http.max_connections, 10u);
  EXPECT_EQ(c.mllp.max_connections, 3u);
  EXPECT_EQ(c.mqtt.max_message_bytes, 65536u);
  EXPECT_EQ(c.mqtt.max_json_depth, 8u);
  EXPECT_EQ(c.mqtt.protocol_version, 4);
  EXPECT_EQ(c.limits.max_connections, 20u);
  EXPECT_EQ(c.limits.body_memory_budget_bytes, 32u << 20);
  EXPECT_EQ(c.limits.retry_after, 4s);
  EXPECT_EQ(c.limits.max_patients, 500u);
  EXPECT_EQ(c.limits.max_assets, 50u);
}

TEST(TargetConfig, ABudgetThatCannotHoldTheLargestBodyIsRefused) {
  try {
    parse_target_config("limits:\n  body_memory_budget_bytes: 1048576\nmqtt: {protocol: 4}\n",
                        "l.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();
    EXPECT_NE(e.issues()[0].message.find("protocol"), std::string::npos) << e.what();
    EXPECT_EQ(e.issues()[1].line, 2);
    EXPECT_NE(e.issues()[1].message.find("16777216"), std::string::npos) << e.what();
  }
}

TEST(TargetConfig, ReportsEveryProblemWithLineAndColumn) {
  try {
    parse_target_config(
        "http:\n  port: 70000\n  bogus: 1\nfaults:\n  reject_fraction: 1.5\n  stall_duration: "
        "soon\n",
        "t.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 4u) << e.what();
    EXPECT_EQ(e.issues()[0].file, "t.yaml");
    // Keys are checked before values within a section.
    EXPECT_EQ(e.issues()[0].line, 3);
    EXPECT_EQ(e.issues()[0].column, 3);
    EXPECT_NE(e.issues()[0].message.find("bogus"), std::string::npos);
    EXPECT_EQ(e.issues()[1].line, 2);
    EXPECT_EQ(e.issues()[1].column, 9);
    EXPECT_EQ(e.issues()[2].line, 5);
    EXPECT_EQ(e.issues()[3].line, 6);
    EXPECT_NE(e.issues()[3].message.find("soon"), std::string::npos);
    EXPECT_EQ(e.issues()[3].to_string().rfind("t.yaml:6:19: ", 0), 0u) << e.issues()[3].to_string();
  }
}

TEST(TargetConfig, BadRulesAreReportedToo) {
  try {
    parse_target_config(
        "rules:\n  custom:\n    - name: x\n      conditions:\n        - {vital: pulse, op: \"<\", "
        "threshold: 1}\n");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u) << e.what();
    EXPECT_EQ(e.issues()[0].line, 5);
    EXPECT_NE(e.issues()[0].message.find("pulse"), std::string::npos);
  }
}

TEST(TargetConfig, SyntaxErrorHasLocation) {
  try {
    parse_target_config("http: {port: 1\nmllp: [", "s.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_GT(e.issues()[0].line, 0);
  }
}

TEST(TargetConfig, ShippedExampleLoads) {
  const auto c = load_target_config(std::string(IOMTSIM_SOURCE_DIR) +
                                    "/bench/reference_target/slow_target.yaml");
  EXPECT_EQ(c.processing.workers, 2u);
  EXPECT_TRUE(c.processing.ack_after_processing);
  EXPECT_EQ(c.faults.stall_duration, 20s);
  EXPECT_EQ(c.rules.rules.back().name, "tachycardia_sustained");
}

TEST(TargetConfig, MissingFileIsAConfigError) {
  EXPECT_THROW(load_target_config("/nonexistent/t.yaml"), ConfigError);
}

TEST(TargetConfig, CommandLineOverrides) {
  TargetCliOptions o;
  o.http_port = 0;
  o.mllp_port = 1234;
  o.mqtt_broker = "localhost:1884";
  const auto c = resolve_target_config(o);
  EXPECT_EQ(c.http.port, 0);
  EXPECT_EQ(c.mllp.port, 1234);
  EXPECT_EQ(c.proto.port, default_target_config().proto.port);
  EXPECT_TRUE(c.mqtt.enabled);
  EXPECT_EQ(c.mqtt.broker_host, "localhost");
  EXPECT_EQ(c.mqtt.broker_port, 1884);
  TargetConfig d;
  set_mqtt_broker(d, "1999");
  EXPECT_EQ(d.mqtt.broker_host, "127.0.0.1");
  EXPECT_EQ(d.mqtt.broker_port, 1999);
  EXPECT_THROW(set_mqtt_broker(d, "host:port"), ConfigError);
  o.log_level = "loud";
  EXPECT_THROW(resolve_target_config(o), ConfigError);
}

TEST(TargetConfig, AlertingAggregationPersistenceAndRepeatIntervals) {
  const auto c = parse_target_config(R"(
rules:
  ignore_questionable: false
  news2: {aggregation: 2m, persistence: 10m, single_three_persistence: 30m, continuous_gap: 3m,
          repeat_interval: 1h, single_three_repeat_interval: 8h}
  qsofa: {persistence: 0s, repeat_interval: 2h}
  custom:
    - name: brady
      repeat_interval: 15m
      conditions:
        - {vital: heart_rate, op: "<", threshold: 40}
)");
  const auto& n = c.rules.news2;
  EXPECT_FALSE(c.rules.ignore_questionable);
  EXPECT_EQ(n.aggregation, 2min);
  EXPECT_EQ(n.persistence, 10min);
  EXPECT_EQ(n.single_three_persistence, 30min);
  EXPECT_EQ(n.continuous_gap, 3min);
  EXPECT_EQ(n.repeat_interval, std::optional<Duration>(1h));
  EXPECT_EQ(n.single_three_repeat_interval, std::optional<Duration>(8h));
  EXPECT_EQ(c.rules.qsofa.persistence, 0s);
  EXPECT_EQ(c.rules.qsofa.repeat_interval, std::optional<Duration>(2h));
  EXPECT_EQ(c.rules.rules.back().repeat_interval, std::optional<Duration>(15min));
  // Defaults: NEWS2 on 5-minute medians, 3 minutes of persistence, repeats after 4 h.
  const auto d = default_target_config().rules;
  EXPECT_EQ(d.news2.aggregation, 5min);
  EXPECT_EQ(d.news2.persistence, 3min);
  EXPECT_EQ(d.suppression.repeat_interval, 4h);
  EXPECT_FALSE(d.news2.repeat_interval.has_value());
}

}  // namespace
}  // namespace iomtsim::reference_target

namespace iomtsim::reference_target {
namespace {

TEST(TargetConfig, StoreAndAfterAckFaultsParse) {
  const auto c = parse_target_config(R"(
store: {path: /tmp/x.sqlite, processing_delay: 200ms, queue_bound: 10, batch_max: 5,
        max_observations: 100, retention: 1h, max_resources: 7}
faults:
  after_ack: {drop_fraction: 0.1, delay_fraction: 0.2, delay: 2s, duplicate_fraction: 0.05,
              alter_fraction: 0.15, seed: 9}
)");
  EXPECT_TRUE(c.store.enabled);
  EXPECT_EQ(c.store.path, "/tmp/x.sqlite");
  EXPECT_EQ(c.store.processing_delay, std::chrono::milliseconds(200));
  EXPECT_EQ(c.store.queue_bound, 10u);
  EXPECT_EQ(c.store.batch_max, 5u);
  EXPECT_EQ(c.store.max_observations, 100u);
  EXPECT_EQ(c.store.retention, std::chrono::hours(1));
  EXPECT_EQ(c.store.max_resources, 7u);
  EXPECT_DOUBLE_EQ(c.faults.after_ack.drop_fraction, 0.1);
  EXPECT_DOUBLE_EQ(c.faults.after_ack.delay_fraction, 0.2);
  EXPECT_EQ(c.faults.after_ack.delay, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(c.faults.after_ack.duplicate_fraction, 0.05);
  EXPECT_DOUBLE_EQ(c.faults.after_ack.alter_fraction, 0.15);
  EXPECT_EQ(c.faults.after_ack.seed, 9u);
  EXPECT_EQ(default_target_config().store.path, ":memory:");
  EXPECT_FALSE(default_target_config().faults.after_ack.any());
}

TEST(TargetConfig, AfterAckFractionsOverOneAndUnknownStoreKeysAreRefused) {
  try {
    parse_target_config(
        "faults:\n  after_ack: {drop_fraction: 0.6, alter_fraction: 0.6}\nstore: {colour: red}\n",
        "t.yaml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();
    EXPECT_NE(std::string(e.what()).find("add up to more than 1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("colour"), std::string::npos);
  }
}

}  // namespace
}  // namespace iomtsim::reference_target
