// The target's connection, provisioning and alert capture in words (part of explain()).
#include <sstream>

#include "iomtsim/scenarios/explain.hpp"

namespace iomtsim::scenarios {
namespace {

std::string secret_words(const SecretRef& s) {
  if (!s.env.empty()) return "$" + s.env;
  return s.file;
}

std::string join(const std::vector<std::string>& parts, const char* sep = ", ") {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

std::string connection_words(const Endpoint& e) {
  const Connection& c = e.connection;
  std::vector<std::string> parts;
  if (e.tls) {
    if (!c.verify)
      parts.push_back("server NOT verified");
    else
      parts.push_back("server verified against " +
                      (c.ca_file.empty() ? std::string("the system store") : c.ca_file));
    if (!c.client_cert_file.empty()) parts.push_back("client certificate " + c.client_cert_file);
  }
  const AuthSpec& a = c.auth;
  switch (a.kind) {
    case AuthKind::Bearer:
      parts.push_back("bearer token from " + secret_words(a.token));
      break;
    case AuthKind::ClientCredentials:
      parts.push_back("OAuth2 client credentials for " + a.client_id + " at " + a.token_url +
                      " (secret from " + secret_words(a.client_secret) +
                      (a.client_auth == ClientAuthMethod::Basic ? ", client_secret_basic)"
                                                                : ", client_secret_post)"));
      break;
    case AuthKind::SmartBackend:
      parts.push_back(std::string("SMART Backend Services for ") + a.client_id + " at " +
                      a.token_url + " (" +
                      (a.algorithm == JwtAlgorithm::RS384   ? "RS384"
                       : a.algorithm == JwtAlgorithm::ES384 ? "ES384"
                                                            : "RS384/ES384 by key") +
                      " assertion signed with " + a.private_key_file + ")");
      break;
    case AuthKind::None:
      break;
  }
  if (!c.headers.empty()) {
    std::vector<std::string> names;
    for (const auto& h : c.headers)
      names.push_back(h.secret.empty() ? h.name
                                       : h.name + " (from " + secret_words(h.secret) + ")");
    parts.push_back("headers " + join(names));
  }
  switch (e.fhir_write) {
    case FhirWrite::ConditionalCreate:
      parts.push_back("Observations written by conditional create (retries store no duplicate)");
      break;
    case FhirWrite::Put:
      parts.push_back(
          "Observations written by PUT with an id of ours (retries store no duplicate)");
      break;
    case FhirWrite::Post:
      break;
  }
  if (!c.username.empty())
    parts.push_back("user " + c.username +
                    (c.password.empty() ? "" : ", password from " + secret_words(c.password)));
  return join(parts);
}

std::string retry_words(const RetrySpec& r) {
  if (r.attempts <= 1) return "one attempt per message (no retries)";
  std::ostringstream o;
  o << "up to " << r.attempts << " attempts per message, waiting "
    << describe_duration(physiology::to_seconds(r.backoff)) << " doubling to "
    << describe_duration(physiology::to_seconds(r.max_backoff));
  if (r.jitter > 0) o << " (± " << static_cast<int>(r.jitter * 100 + 0.5) << " %)";
  o << " or the server's Retry-After, on HTTP 429/5xx, resets, time-outs and HL7 AR";
  return o.str();
}

std::string provision_words(const ProvisionSpec& p, const std::string& scenario) {
  std::ostringstream o;
  if (p.patients == ProvisionPatients::Create)
    o << "provisions its Patients first (conditional create on " << p.identifier_system << "|"
      << scenario << "-p<index>: a second run reuses them)";
  else
    o << "maps its patients onto the existing ones listed in " << p.patients_file;
  if (p.devices) o << ", and their Devices (" << p.device_identifier_system << ")";
  o << ", " << p.batch << " per batch";
  if (p.cleanup) o << "; deletes what it created at the end";
  return o.str();
}

std::string alert_capture_words(const TargetSpec& t) {
  const AlertCaptureSpec& a = t.alerts;
  std::vector<std::string> parts;
  const bool any =
      a.fhir_poll || a.mllp || a.webhook || !t.alert_mqtt_topic.empty() || t.alert_webhook_port;
  if (a.fhir_poll || (!any && t.embedded)) {
    const FhirPollSpec f = a.fhir_poll.value_or(FhirPollSpec{});
    std::ostringstream o;
    o << "FHIR search for " << join(f.resources) << " every "
      << describe_duration(physiology::to_seconds(f.every)) << " (at most " << f.max_rate_per_s
      << " requests/s)";
    parts.push_back(o.str());
  }
  if (a.fhir_subscription) parts.push_back("FHIR rest-hook Subscriptions to the webhook");
  if (a.mllp)
    parts.push_back("HL7 ORU^R40 (PCD-04) on " + a.mllp->host + ":" + std::to_string(a.mllp->port));
  if (!t.alert_mqtt_topic.empty()) parts.push_back("MQTT topic " + t.alert_mqtt_topic);
  if (a.webhook || t.alert_webhook_port) {
    std::string w =
        "a webhook on " + a.webhook_bind + ":" +
        (t.alert_webhook_port ? std::to_string(*t.alert_webhook_port) : std::string("(any port)"));
    w += a.webhook_secret.empty() ? " (a secret made for the run)"
                                  : " (shared secret from " + secret_words(a.webhook_secret) + ")";
    if (!a.webhook_fields.empty()) w += ", fields mapped";
    parts.push_back(w);
  }
  if (parts.empty()) return "nowhere (no alerts will be scored)";
  return join(parts, "; ");
}

}  // namespace iomtsim::scenarios
