#pragma once
// What the reference target server is told: ports, queue and worker sizing, service
// times, faults to inject, where alerts go. A plain value; load_target_config() builds one
// from YAML with file:line:column errors, default_target_config() gives the values used
// with no file.
//
// Limits (the `limits` section and each listener's sizes) bound what an unauthenticated
// peer can make the target hold; reference_target/README.md states the memory bound they
// give and how each refusal is answered and counted.
//
// Ports: 0 means "let the OS choose" (the chosen ports are reported by
// TargetServer::ports() and by the ready line). Durations are integer nanoseconds; the
// YAML takes "250ms", "2s", "1m" or a bare number of seconds.
//
//   auto cfg = iomtsim::reference_target::loopback_ephemeral_config();
//   cfg.alerts.webhook_url = "http://127.0.0.1:9000/alerts";
//   TargetServer server(cfg);
//   server.start();
//   auto ports = server.ports();   // ports.http, ports.mllp, ports.proto
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/rules/rule.hpp"

namespace iomtsim::reference_target {

using physiology::Duration;

// TLS for a listener (server side: certificate chain and private key, PEM files) or for
// the MQTT client (ca_file to verify the broker; cert/key for client authentication).
struct TlsConfig {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool operator==(const TlsConfig&) const = default;
};

// FHIR R4 over HTTP/1.1: POST {base}/Observation, POST {base} (transaction Bundle),
// GET /metrics, GET /health.
struct HttpConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string fhir_base_path = "/fhir";
  // larger bodies: 413 and the connection closes. 16 MiB: point-of-care imaging results
  // (DiagnosticReport with base64 media of several MiB) must fit.
  std::size_t body_limit_bytes = 16u << 20;
  // A JSON body nested deeper is refused (400, counted as too_deep) before it is decoded.
  std::size_t max_json_depth = 32;
  // Open connections on this listener; past it (and past limits.max_connections) the
  // longest-idle keep-alive connection is closed to make room, or the new one is answered
  // 503 with Retry-After and closed.
  std::size_t max_connections = 1024;
  Duration header_timeout = std::chrono::seconds(10);  // whole request must arrive within this
  Duration idle_timeout = std::chrono::seconds(60);    // keep-alive connection with no request
  unsigned queue_full_status = 429;                    // 429 or 503 when the queue is full
  TlsConfig tls;
  bool operator==(const HttpConfig&) const = default;
};

// A framed TCP listener: HL7 v2 over MLLP, or length-delimited protobuf batches.
struct StreamListenerConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_frame_bytes = 4u << 20;            // a larger frame closes the connection
  Duration idle_timeout = std::chrono::seconds(60);  // no complete frame for this long: close
  std::size_t max_connections = 1024;                // as HttpConfig's; refused ones are closed
  bool operator==(const StreamListenerConfig&) const = default;
};

enum class MqttPayload : std::uint8_t { Auto, MqttJson, Fhir };

// Ingest from an MQTT broker (libmosquitto client). Alerts may be published on the same
// connection (AlertConfig::mqtt_topic).
struct MqttConfig {
  bool enabled = false;
  std::string broker_host = "127.0.0.1";
  std::uint16_t broker_port = 1883;
  std::vector<std::string> topics = {"iomtsim/#"};
  int qos = 1;            // 0 or 1
  std::string client_id;  // empty: "iomtsim-target-<pid>"
  MqttPayload payload = MqttPayload::Auto;
  Duration keepalive = std::chrono::seconds(30);
  // start() waits this long for the subscriptions; after it the client keeps retrying in
  // the background (a broker that is down is survived, not fatal).
  Duration connect_wait = std::chrono::seconds(5);
  // Larger payloads are refused unread (counted as too_large). The client connects with
  // MQTT 5 and tells the broker this size (plus room for the topic) as its Maximum Packet
  // Size, so a broker that honours it (mosquitto does) never even sends a larger one.
  std::size_t max_message_bytes = 1u << 20;
  std::size_t max_json_depth = 32;  // deeper JSON payloads are refused (too_deep)
  // 5 (MQTT 5, the default) or 4 (MQTT 3.1.1, YAML "3.1.1") for brokers without MQTT 5;
  // with 3.1.1 nothing stops a broker sending a message of any size (up to MQTT's 256
  // MiB), so set the broker's own limit (mosquitto: message_size_limit).
  int protocol_version = 5;
  TlsConfig tls;
  bool operator==(const MqttConfig&) const = default;
};

// Between ingest and the rules: a bounded queue, sharded by patient over `workers`
// processing threads, each owning its own rules engine (so one patient's state is only
// ever touched by one thread). Service time is spent by the worker per message and per
// reading, so a slow pipeline backs up, fills the queue and answers "queue full".
struct ProcessingConfig {
  unsigned io_threads = 1;           // threads running the sockets
  unsigned workers = 1;              // processing threads (rules engines)
  std::size_t queue_bound = 100000;  // readings waiting for a worker, all shards together
  Duration service_time_per_message{};
  Duration service_time_per_reading{};
  // false: answer as soon as the readings are queued (an ingest front door);
  // true: answer once the rules have processed them (service time shows in latency).
  bool ack_after_processing = false;
  bool operator==(const ProcessingConfig&) const = default;
};

// Where alerts go: any of them. By default only the Flags served over FHIR search.
struct AlertConfig {
  bool flags = true;              // keep them as FHIR Flags: GET [base]/Flag?_lastUpdated=gt…
  std::size_t max_flags = 20000;  // Flags kept (the oldest are forgotten past it)
  std::string pcd04_mllp;         // host:port: each alert as HL7 ORU^R40 (IHE PCD-04) over MLLP
  std::string webhook_url;        // http://host:port/path; POST application/json, one alert each
  // Sent as "Authorization: Bearer <secret>" with each webhook request (YAML:
  // webhook_secret_env names the variable holding it).
  std::string webhook_secret;
  std::string mqtt_topic;  // published on the ingest broker connection; {patient} expands
  int mqtt_qos = 1;
  Duration webhook_timeout = std::chrono::seconds(5);
  std::size_t max_pending =
      100000;  // alerts waiting to be sent; beyond it they are dropped (counted)
  bool operator==(const AlertConfig&) const = default;
};

// Post-acknowledgement faults (YAML `faults.after_ack`), for tests of the chart read-back:
// the target answers as usual, then, for a fraction of the readings it acknowledged, the
// store drops them (never stored), delays them (stored `delay` late), duplicates them
// (stored twice, under two ids) or alters them (value, unit, code, subject or effective
// time changed, the five kinds in turn). Which reading gets which fault is a pure
// function of (seed, reading id): the same run faults the same readings in any order.
// At most one fault per reading; the fractions must add up to at most 1. Counted in
// /metrics as iomtsim_target_store_faults_total{fault=…}.
struct AfterAckFaultConfig {
  double drop_fraction = 0.0;
  double delay_fraction = 0.0;
  Duration delay = std::chrono::seconds(30);
  double duplicate_fraction = 0.0;
  double alter_fraction = 0.0;
  std::uint64_t seed = 1;
  bool any() const {
    return drop_fraction > 0 || delay_fraction > 0 || duplicate_fraction > 0 || alter_fraction > 0;
  }
  bool operator==(const AfterAckFaultConfig&) const = default;
};

// The record (YAML section `store`): readings the target acknowledged go through a bounded
// queue and a processing stage to a SQLite store, which serves FHIR read and search
// (Observation, Patient, Device). reference_target/README.md describes the endpoints.
struct StoreConfig {
  bool enabled = true;
  // ":memory:" (the default: nothing left on disk) or a file path; a file is opened in
  // WAL mode, with synchronous=NORMAL (a crash of the machine may lose the last commits,
  // never corrupt the file).
  std::string path = ":memory:";
  // Between the acknowledgement and the write: a reading becomes searchable no sooner
  // than this after it was acknowledged (the pipeline's processing stage).
  Duration processing_delay = std::chrono::milliseconds(50);
  // Readings acknowledged and not yet written (plus delayed ones). When a message's
  // readings do not fit, it is refused like a full processing queue (http.queue_full_status
  // with Retry-After, ACK AR, protobuf nack): ingest never blocks an io thread.
  std::size_t queue_bound = 200000;
  std::size_t batch_max = 2000;  // readings per write transaction, at most
  // Observations kept; past it the oldest (by lastUpdated) are deleted. 0: no cap.
  std::size_t max_observations = 1000000;
  // Observations older than this (by lastUpdated) are deleted; 0: kept until the cap.
  Duration retention{};
  // Patient and Device resources kept; creates past it are refused (507).
  std::size_t max_resources = 200000;
  bool operator==(const StoreConfig&) const = default;
};

// Faults to inject, for testing the load generator. Fractions are per answered message
// (HTTP request, MLLP message, protobuf batch), drawn from a seeded stream, applied in
// the order crash > stall > close > garbage > reject.
struct FaultConfig {
  double reject_fraction = 0.0;         // answered 503 / ACK AR / protobuf nack
  double close_fraction = 0.0;          // connection closed without an answer
  double garbage_fraction = 0.0;        // answered with bytes that are no valid answer
  Duration stall_start{};               // from start(): answers are held from here …
  Duration stall_duration{};            // … for this long (0: no stall)
  std::optional<Duration> crash_after;  // from start(): every socket closes, nothing answers
  std::uint64_t seed = 1;
  AfterAckFaultConfig after_ack;
  bool operator==(const FaultConfig&) const = default;
};

// What the target holds at once, whatever its peers send (YAML section `limits`).
struct LimitsConfig {
  // Open connections on all listeners together. Start-up raises the process's open-file
  // limit to its hard limit and lowers this to fit under it, if it must.
  std::size_t max_connections = 2048;
  // Request bodies and partial frames held at once, all connections together. An HTTP
  // request whose body does not fit is answered 503 with Retry-After and the connection
  // closes; an MLLP or protobuf connection is not read until room is free (TCP pushes
  // back on the sender) and is closed if that outlasts its idle_timeout.
  std::size_t body_memory_budget_bytes = 128u << 20;
  Duration retry_after = std::chrono::seconds(1);  // what a 503 tells a client to wait
  // Patients whose rule state is held, all workers together; past it the least recently
  // heard patient is forgotten (rules::RulesEngine). Also bounds the assets whose last
  // location is kept for GET /assets/{id} and the pump alarm ids remembered for retries.
  std::size_t max_patients = 100000;
  std::size_t max_assets = 100000;
  bool operator==(const LimitsConfig&) const = default;
};

enum class LogLevel : std::uint8_t { Quiet, Error, Warn, Info, Debug };
// "quiet", "error", "warn", "info", "debug"; nullopt for anything else.
std::optional<LogLevel> log_level_from_name(std::string_view name);

struct TargetConfig {
  HttpConfig http;
  StreamListenerConfig mllp{.port = 2575};
  StreamListenerConfig proto{.port = 9095};
  MqttConfig mqtt;
  ProcessingConfig processing;
  AlertConfig alerts;
  FaultConfig faults;
  LimitsConfig limits;
  StoreConfig store;
  // The alerting rules (YAML section `rules`, see rules_yaml.cpp for its keys).
  rules::RuleSet rules = rules::RuleSet::defaults();
  // Wall time (Unix ms) of scenario time zero: FHIR/HL7 timestamps are mapped back to
  // device time with it, so alert trigger times are on the scenario clock.
  std::int64_t epoch_unix_ms = 0;
  LogLevel log_level = LogLevel::Quiet;
  bool operator==(const TargetConfig&) const = default;
};

// One problem in a config file: where, and what was expected / found.
struct ConfigIssue {
  std::string file;
  int line = 0;    // 1-based, 0 when unknown
  int column = 0;  // 1-based
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

// Thrown with every problem found at once.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

TargetConfig default_target_config();
// Defaults, but every listener on 127.0.0.1 port 0: for in-process use and tests.
TargetConfig loopback_ephemeral_config();

// Parses YAML text on top of the defaults. `file` names the source in messages.
// Throws ConfigError listing every problem.
TargetConfig parse_target_config(const std::string& yaml_text,
                                 const std::string& file = "<config>");
// Reads and parses a file; an unreadable file is a ConfigError too.
TargetConfig load_target_config(const std::string& path);

// Command-line style overrides: "host:port" or "port" for the broker.
void set_mqtt_broker(TargetConfig& cfg, const std::string& host_port);

}  // namespace iomtsim::reference_target
