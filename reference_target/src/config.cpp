// YAML → TargetConfig. Every problem is collected with its file:line:column (yaml-cpp
// marks are 0-based) and thrown together, so a user fixes a file in one pass.
#include "iomtsim/reference_target/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "yaml_reader.hpp"

namespace iomtsim::reference_target {

std::string ConfigIssue::to_string() const {
  std::ostringstream out;
  out << file << ':' << line << ':' << column << ": " << message;
  return out.str();
}

namespace {

std::string join_issues(const std::vector<ConfigIssue>& issues) {
  std::string s;
  for (const auto& i : issues) {
    if (!s.empty()) s += '\n';
    s += i.to_string();
  }
  return s;
}

void read_tls(Reader& r, const YAML::Node& n, const std::string& what, TlsConfig& tls) {
  if (!r.check_map(n, what, {"enabled", "cert_file", "key_file", "ca_file"})) return;
  tls.enabled = true;  // a tls section turns it on unless it says otherwise
  r.get(n, "enabled", tls.enabled);
  r.get(n, "cert_file", tls.cert_file);
  r.get(n, "key_file", tls.key_file);
  r.get(n, "ca_file", tls.ca_file);
}

void read_http(Reader& r, const YAML::Node& n, HttpConfig& c) {
  if (!r.check_map(
          n, "http",
          {"enabled", "host", "port", "fhir_base_path", "body_limit_bytes", "max_json_depth",
           "max_connections", "header_timeout", "idle_timeout", "queue_full_status", "tls"}))
    return;
  r.get(n, "enabled", c.enabled);
  r.get(n, "host", c.host);
  r.get_int(n, "port", c.port, 0, 65535);
  r.get(n, "fhir_base_path", c.fhir_base_path);
  r.get_int(n, "body_limit_bytes", c.body_limit_bytes, 1024, 1ull << 30);
  r.get_int(n, "max_json_depth", c.max_json_depth, 4, 1024);
  r.get_int(n, "max_connections", c.max_connections, 1, 1u << 20);
  r.get(n, "header_timeout", c.header_timeout);
  r.get(n, "idle_timeout", c.idle_timeout);
  if (auto s = n["queue_full_status"]) {
    r.get_int(n, "queue_full_status", c.queue_full_status, 0, 999);
    if (c.queue_full_status != 429 && c.queue_full_status != 503)
      r.issue(s, "'queue_full_status' must be 429 or 503");
  }
  if (auto t = n["tls"]) {
    read_tls(r, t, "http.tls", c.tls);
    if (c.tls.enabled && (c.tls.cert_file.empty() || c.tls.key_file.empty()))
      r.issue(t, "http.tls needs cert_file and key_file");
  }
  if (!c.fhir_base_path.starts_with('/'))
    r.issue(n["fhir_base_path"], "'fhir_base_path' must start with '/'");
}

void read_stream(Reader& r, const YAML::Node& n, const std::string& what, StreamListenerConfig& c) {
  if (!r.check_map(
          n, what,
          {"enabled", "host", "port", "max_frame_bytes", "idle_timeout", "max_connections"}))
    return;
  r.get(n, "enabled", c.enabled);
  r.get(n, "host", c.host);
  r.get_int(n, "port", c.port, 0, 65535);
  r.get_int(n, "max_frame_bytes", c.max_frame_bytes, 64, 1ull << 30);
  r.get(n, "idle_timeout", c.idle_timeout);
  r.get_int(n, "max_connections", c.max_connections, 1, 1u << 20);
}

void read_mqtt(Reader& r, const YAML::Node& n, MqttConfig& c) {
  if (!r.check_map(
          n, "mqtt",
          {"enabled", "broker_host", "broker_port", "topics", "qos", "client_id", "payload",
           "keepalive", "connect_wait", "max_message_bytes", "max_json_depth", "protocol", "tls"}))
    return;
  c.enabled = true;  // an mqtt section turns ingest on unless it says otherwise
  r.get(n, "enabled", c.enabled);
  r.get(n, "broker_host", c.broker_host);
  r.get_int(n, "broker_port", c.broker_port, 1, 65535);
  r.get_int(n, "qos", c.qos, 0, 1);
  r.get(n, "client_id", c.client_id);
  r.get(n, "keepalive", c.keepalive);
  r.get(n, "connect_wait", c.connect_wait);
  // MQTT's own ceiling is 256 MiB (its Remaining Length field).
  r.get_int(n, "max_message_bytes", c.max_message_bytes, 64, (1ull << 28) - (1ull << 16));
  r.get_int(n, "max_json_depth", c.max_json_depth, 4, 1024);
  if (auto p = n["protocol"]) {
    const auto s = Reader::scalar(p);
    if (s == "5")
      c.protocol_version = 5;
    else if (s == "3.1.1")
      c.protocol_version = 4;
    else
      r.issue(p, "'protocol' must be 5 or 3.1.1, found '" + s + "'");
  }
  if (auto t = n["topics"]) {
    if (!t.IsSequence() || t.size() == 0) {
      r.issue(t, "'topics' must be a non-empty list of topic filters");
    } else {
      c.topics.clear();
      for (const auto& e : t) {
        if (!e.IsScalar() || e.Scalar().empty())
          r.issue(e, "a topic filter must be a non-empty string");
        else
          c.topics.push_back(e.Scalar());
      }
    }
  }
  if (auto p = n["payload"]) {
    const auto s = Reader::scalar(p);
    if (s == "auto")
      c.payload = MqttPayload::Auto;
    else if (s == "mqtt_json")
      c.payload = MqttPayload::MqttJson;
    else if (s == "fhir")
      c.payload = MqttPayload::Fhir;
    else
      r.issue(p, "'payload' must be auto, mqtt_json or fhir, found '" + s + "'");
  }
  if (auto t = n["tls"]) read_tls(r, t, "mqtt.tls", c.tls);
}

void read_processing(Reader& r, const YAML::Node& n, ProcessingConfig& c) {
  if (!r.check_map(n, "processing",
                   {"io_threads", "workers", "queue_bound", "service_time_per_message",
                    "service_time_per_reading", "ack_after_processing"}))
    return;
  r.get_int(n, "io_threads", c.io_threads, 1, 256);
  r.get_int(n, "workers", c.workers, 1, 256);
  r.get_int(n, "queue_bound", c.queue_bound, 1, 1ull << 32);
  r.get(n, "service_time_per_message", c.service_time_per_message);
  r.get(n, "service_time_per_reading", c.service_time_per_reading);
  r.get(n, "ack_after_processing", c.ack_after_processing);
}

void read_alerts(Reader& r, const YAML::Node& n, AlertConfig& c) {
  if (!r.check_map(n, "alerts",
                   {"flags", "max_flags", "pcd04_mllp", "webhook_url", "webhook_secret_env",
                    "mqtt_topic", "mqtt_qos", "webhook_timeout", "max_pending"}))
    return;
  r.get(n, "flags", c.flags);
  r.get_int(n, "max_flags", c.max_flags, 1, 1u << 24);
  r.get(n, "pcd04_mllp", c.pcd04_mllp);
  if (!c.pcd04_mllp.empty() && c.pcd04_mllp.rfind(':') == std::string::npos)
    r.issue(n["pcd04_mllp"], "'pcd04_mllp' must be host:port, found '" + c.pcd04_mllp + "'");
  std::string secret_env;
  r.get(n, "webhook_secret_env", secret_env);
  if (!secret_env.empty()) {
    const char* v = std::getenv(secret_env.c_str());
    if (v == nullptr || *v == '\0')
      r.issue(n["webhook_secret_env"],
              "environment variable " + secret_env + " (webhook_secret_env) is not set");
    else
      c.webhook_secret = v;
  }
  r.get(n, "webhook_url", c.webhook_url);
  r.get(n, "mqtt_topic", c.mqtt_topic);
  r.get_int(n, "mqtt_qos", c.mqtt_qos, 0, 2);
  r.get(n, "webhook_timeout", c.webhook_timeout);
  r.get_int(n, "max_pending", c.max_pending, 1, 1ull << 32);
  if (!c.webhook_url.empty() && !c.webhook_url.starts_with("http://"))
    r.issue(n["webhook_url"],
            "'webhook_url' must be an http:// URL, found '" + c.webhook_url + "'");
}

void read_limits(Reader& r, const YAML::Node& n, LimitsConfig& c) {
  if (!r.check_map(n, "limits",
                   {"max_connections", "body_memory_budget_bytes", "retry_after", "max_patients",
                    "max_assets"}))
    return;
  r.get_int(n, "max_connections", c.max_connections, 1, 1u << 20);
  r.get_int(n, "body_memory_budget_bytes", c.body_memory_budget_bytes, 1u << 16, 1ull << 40);
  r.get(n, "retry_after", c.retry_after);
  r.get_int(n, "max_patients", c.max_patients, 1, 1ull << 32);
  r.get_int(n, "max_assets", c.max_assets, 1, 1ull << 32);
}

void read_faults(Reader& r, const YAML::Node& n, FaultConfig& c) {
  if (!r.check_map(n, "faults",
                   {"reject_fraction", "close_fraction", "garbage_fraction", "stall_start",
                    "stall_duration", "crash_after", "seed", "after_ack"}))
    return;
  r.get(n, "reject_fraction", c.reject_fraction, 0.0, 1.0);
  r.get(n, "close_fraction", c.close_fraction, 0.0, 1.0);
  r.get(n, "garbage_fraction", c.garbage_fraction, 0.0, 1.0);
  r.get(n, "stall_start", c.stall_start);
  r.get(n, "stall_duration", c.stall_duration);
  r.get(n, "crash_after", c.crash_after);
  r.get_int(n, "seed", c.seed, 0, std::numeric_limits<std::uint64_t>::max());
  if (auto a = n["after_ack"]) {
    auto& f = c.after_ack;
    if (!r.check_map(a, "faults.after_ack",
                     {"drop_fraction", "delay_fraction", "delay", "duplicate_fraction",
                      "alter_fraction", "seed"}))
      return;
    r.get(a, "drop_fraction", f.drop_fraction, 0.0, 1.0);
    r.get(a, "delay_fraction", f.delay_fraction, 0.0, 1.0);
    r.get(a, "delay", f.delay);
    r.get(a, "duplicate_fraction", f.duplicate_fraction, 0.0, 1.0);
    r.get(a, "alter_fraction", f.alter_fraction, 0.0, 1.0);
    r.get_int(a, "seed", f.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (f.drop_fraction + f.delay_fraction + f.duplicate_fraction + f.alter_fraction > 1.0 + 1e-9)
      r.issue(a, "the faults.after_ack fractions add up to more than 1");
  }
}

void read_store(Reader& r, const YAML::Node& n, StoreConfig& c) {
  if (!r.check_map(n, "store",
                   {"enabled", "path", "processing_delay", "queue_bound", "batch_max",
                    "max_observations", "retention", "max_resources"}))
    return;
  r.get(n, "enabled", c.enabled);
  r.get(n, "path", c.path);
  r.get(n, "processing_delay", c.processing_delay);
  r.get_int(n, "queue_bound", c.queue_bound, 1, 1ull << 32);
  r.get_int(n, "batch_max", c.batch_max, 1, 1u << 20);
  r.get_int(n, "max_observations", c.max_observations, 0, 1ull << 40);
  r.get(n, "retention", c.retention);
  r.get_int(n, "max_resources", c.max_resources, 1, 1ull << 32);
  if (c.path.empty()) r.issue(n["path"], "'store.path' must be ':memory:' or a file path");
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : std::runtime_error(join_issues(issues)), issues_(std::move(issues)) {}

TargetConfig default_target_config() { return TargetConfig{}; }

std::optional<LogLevel> log_level_from_name(std::string_view name) {
  if (name == "quiet") return LogLevel::Quiet;
  if (name == "error") return LogLevel::Error;
  if (name == "warn") return LogLevel::Warn;
  if (name == "info") return LogLevel::Info;
  if (name == "debug") return LogLevel::Debug;
  return std::nullopt;
}

TargetConfig loopback_ephemeral_config() {
  TargetConfig c;
  c.http.host = c.mllp.host = c.proto.host = "127.0.0.1";
  c.http.port = c.mllp.port = c.proto.port = 0;
  return c;
}

TargetConfig parse_target_config(const std::string& yaml_text, const std::string& file) {
  TargetConfig cfg = default_target_config();
  Reader r(file);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    r.issue(e.mark, e.msg);
    throw ConfigError(std::move(r.issues()));
  }
  if (root.IsNull()) return cfg;  // an empty file: defaults
  if (r.check_map(root, "<top level>",
                  {"http", "mllp", "proto", "mqtt", "processing", "alerts", "faults", "limits",
                   "store", "rules", "log_level", "epoch_unix_ms"})) {
    if (auto n = root["http"]) read_http(r, n, cfg.http);
    if (auto n = root["mllp"]) read_stream(r, n, "mllp", cfg.mllp);
    if (auto n = root["proto"]) read_stream(r, n, "proto", cfg.proto);
    if (auto n = root["mqtt"]) read_mqtt(r, n, cfg.mqtt);
    if (auto n = root["processing"]) read_processing(r, n, cfg.processing);
    if (auto n = root["alerts"]) read_alerts(r, n, cfg.alerts);
    if (auto n = root["faults"]) read_faults(r, n, cfg.faults);
    if (auto n = root["limits"]) read_limits(r, n, cfg.limits);
    if (auto n = root["store"]) read_store(r, n, cfg.store);
    // A body or frame the budget can never hold would be refused forever.
    const std::size_t largest =
        std::max({cfg.http.body_limit_bytes, cfg.mllp.max_frame_bytes, cfg.proto.max_frame_bytes});
    if (cfg.limits.body_memory_budget_bytes < largest)
      r.issue(root["limits"] ? root["limits"] : root,
              "'limits.body_memory_budget_bytes' (" +
                  std::to_string(cfg.limits.body_memory_budget_bytes) +
                  ") must hold the largest body or frame allowed (" + std::to_string(largest) +
                  ")");
    if (auto n = root["rules"]) read_rules(r, n, cfg.rules);
    if (auto n = root["epoch_unix_ms"]) {
      std::uint64_t ms = 0;
      // Up to 2200-01-01: wire times relative to a later epoch would not fit in int64 ns.
      r.get_int(root, "epoch_unix_ms", ms, 0, 7'258'118'400'000);
      cfg.epoch_unix_ms = static_cast<std::int64_t>(ms);
    }
    if (auto n = root["log_level"]) {
      const auto s = Reader::scalar(n);
      if (const auto level = log_level_from_name(s))
        cfg.log_level = *level;
      else
        r.issue(n, "'log_level' must be quiet, error, warn, info or debug, found '" + s + "'");
    }
  }
  if (!r.issues().empty()) throw ConfigError(std::move(r.issues()));
  return cfg;
}

TargetConfig load_target_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({{path, 0, 0, "cannot open the target config file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_target_config(text.str(), path);
}

void set_mqtt_broker(TargetConfig& cfg, const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  std::string host = cfg.mqtt.broker_host;
  std::string port_text = host_port;
  if (colon != std::string::npos) {
    host = host_port.substr(0, colon);
    port_text = host_port.substr(colon + 1);
  }
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535)
    throw ConfigError(
        {{"--mqtt-broker", 0, 0, "expected host:port or port, found '" + host_port + "'"}});
  if (!host.empty()) cfg.mqtt.broker_host = host;
  cfg.mqtt.broker_port = static_cast<std::uint16_t>(port);
  cfg.mqtt.enabled = true;
}

}  // namespace iomtsim::reference_target
