#include "target_access.hpp"

#include <openssl/rand.h>

#include <ostream>

#include <algorithm>

#include "connect/jwt_assertion.hpp"
#include "connect/secrets.hpp"
#include "iomtsim/scenarios/explain.hpp"

namespace iomtsim::loadgen::detail {
namespace {

std::string random_secret() {
  unsigned char b[24];
  if (RAND_bytes(b, sizeof b) != 1) throw SecretError("no random bytes for the webhook secret");
  std::string s = base64url(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
  remember_secret(s);
  return s;
}

bool asks_for_webhook(const scenarios::TargetSpec& t) {
  return t.alerts.webhook || t.alert_webhook_port.has_value();
}

// MQTT filters cannot be published to: the embedded target publishes on the filter with
// its wildcards made concrete ({patient} where a level is open).
std::string publish_topic(const std::string& filter) {
  std::string out;
  std::size_t start = 0;
  while (start <= filter.size()) {
    auto slash = filter.find('/', start);
    if (slash == std::string::npos) slash = filter.size();
    const auto level = filter.substr(start, slash - start);
    if (!out.empty() || start > 0) out += '/';
    out += level == "+" || level == "#" ? "{patient}" : level;
    start = slash + 1;
  }
  return out;
}

}  // namespace

TlsClientSettings http_tls(const scenarios::TargetSpec& t) {
  if (!t.http) return {};
  auto s = TlsClientSettings::from(t.http->connection);
  if (s.ca_file.empty()) s.ca_file = t.http_ca_file;
  return s;
}

TlsClientSettings mqtt_tls(const scenarios::TargetSpec& t) {
  if (!t.mqtt) return {};
  auto s = TlsClientSettings::from(t.mqtt->connection);
  if (s.ca_file.empty()) s.ca_file = t.mqtt_ca_file;
  return s;
}

TargetAccess connect_target(const scenarios::Scenario& s, const sim::ShardSpec& shard,
                            std::ostream& log) {
  TargetAccess a;
  const auto& t = s.target;
  if (asks_for_webhook(t)) {
    if (!t.alerts.webhook_secret.empty())
      a.webhook_secret = read_secret(t.alerts.webhook_secret, "the alert webhook's shared secret");
    else if (t.embedded)
      a.webhook_secret = random_secret();  // only our own target is told it
    else
      throw SecretError(
          "the alert webhook needs a shared secret: alerts.webhook_secret_env or "
          "webhook_secret_file");
  } else if (t.alerts.fhir_subscription) {
    a.webhook_secret = random_secret();
  }
  if (t.embedded || !t.http) return a;
  for (const auto* ep : {&t.http, &t.mqtt, &t.mllp, &t.protobuf})
    if (*ep && (*ep)->tls && !(*ep)->connection.verify)
      log << "WARNING: TLS to " << (*ep)->host << ":" << (*ep)->port
          << " does not verify the server (tls_verify: false)\n";
  a.fhir =
      Url{t.http->tls, t.http->host, t.http->port, t.fhir_base_path == "/" ? "" : t.fhir_base_path};
  while (!a.fhir->path.empty() && a.fhir->path.back() == '/') a.fhir->path.pop_back();
  a.fhir_tls = http_tls(t);
  a.fhir_credentials = std::make_shared<Credentials>(t.http->connection, a.fhir_tls);
  a.fhir_credentials->start_refresh();
  if (t.provision.enabled()) {
    HttpClient fhir(*a.fhir, a.fhir_tls, "FHIR provisioning",
                    t.request_timeout > std::chrono::seconds(30)
                        ? std::chrono::duration_cast<std::chrono::milliseconds>(t.request_timeout)
                        : std::chrono::milliseconds(30000));
    a.provisioned = provision(s, shard, fhir, a.fhir_credentials.get());
    a.directory = a.provisioned->directory;
    log << "provisioning: " << a.provisioned->patients << " patients and " << a.provisioned->devices
        << " devices on " << a.fhir->origin() << a.fhir->path << " ("
        << a.provisioned->created.size() << " created, " << a.provisioned->reused
        << " already there, " << a.provisioned->requests << " requests)\n";
  }
  return a;
}

AlertCaptureSetup alert_capture_setup(const scenarios::Scenario& s, const TargetAccess& access) {
  const auto& t = s.target;
  const auto& spec = t.alerts;
  AlertCaptureSetup c;
  c.directory = access.directory;
  if (asks_for_webhook(t) || spec.fhir_subscription) {
    WebhookOptions w;
    w.bind = spec.webhook_bind;
    w.port = t.alert_webhook_port.value_or(0);
    w.secret = access.webhook_secret;
    w.fields = spec.webhook_fields;
    c.webhook = w;
  }
  c.pcd04 = spec.mllp;
  if (!t.alert_mqtt_topic.empty() && t.mqtt) {
    MqttAlertOptions m;
    m.host = t.mqtt->host;
    m.port = t.mqtt->port;
    m.topic = t.alert_mqtt_topic;
    m.tls = t.mqtt->tls;
    m.tls_settings = mqtt_tls(t);
    m.username = t.mqtt->connection.username;
    if (!t.mqtt->connection.password.empty())
      m.password = read_secret(t.mqtt->connection.password, "the MQTT password");
    m.fields = spec.webhook_fields;
    c.mqtt = m;
  }
  c.poll = spec.fhir_poll;
  const bool anything = spec.fhir_poll || spec.mllp || asks_for_webhook(t) ||
                        !t.alert_mqtt_topic.empty() || spec.fhir_subscription;
  if (t.embedded && !anything) c.poll = scenarios::FhirPollSpec{};  // the embedded target's Flags
  c.fhir = access.fhir;  // the embedded target's is set when it has started
  c.fhir_tls = access.fhir_tls;
  c.fhir_creds = access.fhir_credentials;
  c.subscribe = spec.fhir_subscription;
  if (spec.fhir_poll) c.subscription_types = spec.fhir_poll->resources;
  return c;
}

void point_embedded_alerts(reference_target::TargetConfig& cfg, const scenarios::Scenario& s,
                           const AlertCapture& capture, const TargetAccess& access) {
  cfg.alerts.flags = true;
  if (const auto url = capture.webhook_url(); !url.empty()) {
    cfg.alerts.webhook_url = url;
    cfg.alerts.webhook_secret = access.webhook_secret;
  }
  if (const auto port = capture.pcd04_port(); port != 0)
    cfg.alerts.pcd04_mllp = "127.0.0.1:" + std::to_string(port);
  if (!s.target.alert_mqtt_topic.empty())
    cfg.alerts.mqtt_topic = publish_topic(s.target.alert_mqtt_topic);
}

void finish_target(const scenarios::Scenario& s, TargetAccess& access, ProvisionCounts& out,
                   std::ostream& log) {
  if (!access.provisioned) return;
  const auto& p = *access.provisioned;
  out.patients = p.patients;
  out.devices = p.devices;
  out.reused = p.reused;
  out.created = p.created.size();
  out.requests = p.requests;
  if (!s.target.provision.cleanup || p.created.empty()) return;
  HttpClient fhir(*access.fhir, access.fhir_tls, "FHIR clean-up");
  out.deleted = clean_up(p, s.target.provision, fhir, access.fhir_credentials.get(), log);
  out.requests += fhir.requests();
}

std::size_t trigger_lookback_for(const scenarios::Scenario& s, double speed) {
  const auto& a = s.target.alerts;
  const bool other = a.mllp || asks_for_webhook(s.target) || !s.target.alert_mqtt_topic.empty();
  const bool late = a.fhir_poll || a.fhir_subscription || (s.target.embedded && !other);
  if (!late) return 0;
  const double every_s =
      physiology::to_seconds(a.fhir_poll.value_or(scenarios::FhirPollSpec{}).every);
  double per_device_per_hour = 0.0;
  std::uint64_t devices = 0;
  for (const auto& c : s.cohorts) {
    devices += static_cast<std::uint64_t>(c.physiology.count) * c.devices.size();
    for (const auto& d : c.devices)
      per_device_per_hour = std::max(per_device_per_hour, scenarios::readings_per_hour(d.model));
  }
  // A polling interval, the reads of the triggers and the end of the run's last rounds.
  const double wanted = per_device_per_hour / 3600.0 * speed * (every_s + 15.0);
  const double budget = static_cast<double>((std::size_t{256} << 20) / 64) /
                        static_cast<double>(std::max<std::uint64_t>(1, devices));
  return static_cast<std::size_t>(std::clamp(std::min(wanted, budget), 64.0, 4096.0));
}

AlertCaptureCounts capture_counts(const AlertCaptureStats& s) {
  AlertCaptureCounts c;
  c.heard = s.heard;
  c.scored = s.scored;
  c.duplicates = s.duplicates;
  c.unmapped = s.unmapped;
  c.other_shards = s.other_shards;
  c.refused = s.refused;
  c.unreadable = s.unreadable;
  c.fhir_requests = s.fhir_requests;
  c.polls = s.polls;
  return c;
}

}  // namespace iomtsim::loadgen::detail
