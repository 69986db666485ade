// The parts of `target:` that say how to connect (an endpoint's TLS, headers, auth and MQTT
// credentials), what to provision and how alerts come back. Secrets are only ever named
// (environment variable or file): there is no key that takes a secret's value.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

bool valid_env_name(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// `<base>_env` / `<base>_file` keys of `n` into a SecretRef (at most one of them).
SecretRef read_secret_keys(const Node& n, std::string_view base, Reader& r) {
  SecretRef s;
  const std::string env_key = std::string(base) + "_env", file_key = std::string(base) + "_file";
  const Node* env = n.get(env_key);
  const Node* file = n.get(file_key);
  if (env && file) {
    r.error(file->pos, "give either '" + env_key + "' or '" + file_key + "', not both");
    return s;
  }
  if (env) {
    if (auto x = r.str(*env, env_key)) {
      if (!valid_env_name(*x))
        r.error(env->pos, env_key + ": '" + *x + "' is not an environment variable name");
      else
        s.env = *x;
    }
  }
  if (file) {
    if (auto x = r.str(*file, file_key)) {
      if (x->empty()) r.error(file->pos, file_key + " must not be empty");
      s.file = *x;
    }
  }
  return s;
}

// A header value: a plain string, or {env: VAR} / {file: PATH}.
std::optional<Header> read_header(const Node::Entry& e, Reader& r) {
  Header h;
  h.name = e.key;
  const bool token_chars = !h.name.empty() && std::all_of(h.name.begin(), h.name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
  if (!token_chars) {
    r.error(e.key_pos, "'" + h.name + "' is not an HTTP header name");
    return std::nullopt;
  }
  const Node& v = e.value;
  if (v.is_scalar()) {
    if (v.text.find_first_of("\r\n") != std::string::npos) {
      r.error(v.pos, "header " + h.name + ": a value must be one line");
      return std::nullopt;
    }
    h.value = v.text;
    return h;
  }
  if (!v.is_map() || v.entries.size() != 1 ||
      (v.get("env") == nullptr && v.get("file") == nullptr)) {
    r.error(v.pos, "header " + h.name + ": expected a value, {env: VAR} or {file: PATH}");
    return std::nullopt;
  }
  if (const Node* env = v.get("env")) {
    auto x = r.str(*env, "env");
    if (!x) return std::nullopt;
    if (!valid_env_name(*x)) {
      r.error(env->pos, "header " + h.name + ": '" + *x + "' is not an environment variable name");
      return std::nullopt;
    }
    h.secret.env = *x;
  } else {
    auto x = r.str(*v.get("file"), "file");
    if (!x || x->empty()) return std::nullopt;
    h.secret.file = *x;
  }
  return h;
}

bool http_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

AuthSpec read_auth(const Node& n, Reader& r) {
  AuthSpec a;
  if (!r.object(n, "auth", "auth")) return a;
  if (const Node* v = n.get("kind")) {
    if (auto i = r.choice(*v, "auth_kind", "auth kind")) a.kind = static_cast<AuthKind>(*i + 1);
  }
  a.token = read_secret_keys(n, "token", r);
  a.client_secret = read_secret_keys(n, "client_secret", r);
  if (const Node* v = n.get("token_url")) {
    if (auto x = r.str(*v, "token_url")) {
      if (!http_url(*x))
        r.error(v->pos, "token_url must be an http:// or https:// URL, found '" + *x + "'");
      a.token_url = *x;
    }
  }
  if (const Node* v = n.get("client_id")) {
    if (auto x = r.str(*v, "client_id")) a.client_id = *x;
  }
  if (const Node* v = n.get("client_auth")) {
    if (auto i = r.choice(*v, "client_auth", "client_auth"))
      a.client_auth = static_cast<ClientAuthMethod>(*i);
  }
  if (const Node* v = n.get("private_key_file")) {
    if (auto x = r.str(*v, "private_key_file")) a.private_key_file = *x;
  }
  if (const Node* v = n.get("algorithm")) {
    if (auto i = r.choice(*v, "jwt_algorithm", "algorithm"))
      a.algorithm = static_cast<JwtAlgorithm>(*i + 1);
  }
  if (const Node* v = n.get("key_id")) {
    if (auto x = r.str(*v, "key_id")) a.key_id = *x;
  }
  if (const Node* v = n.get("scope")) {
    if (auto x = r.str(*v, "scope")) a.scope = *x;
  }
  if (const Node* v = n.get("refresh_before")) {
    if (auto x = r.duration(*v, 0, 86400, "refresh_before")) a.refresh_before = *x;
  }
  // Which keys each kind takes; the others are mistakes worth saying so.
  struct Use {
    const char* key;
    bool bearer, client_credentials, smart;
  };
  static constexpr Use kUse[] = {
      {"token_env", true, false, false},
      {"token_file", true, false, false},
      {"token_url", false, true, true},
      {"client_id", false, true, true},
      {"client_secret_env", false, true, false},
      {"client_secret_file", false, true, false},
      {"client_auth", false, true, false},
      {"private_key_file", false, false, true},
      {"algorithm", false, false, true},
      {"key_id", false, false, true},
      {"scope", false, true, true},
      {"refresh_before", false, true, true},
  };
  const Node* kind = n.get("kind");
  if (a.kind == AuthKind::None) return a;
  for (const auto& u : kUse) {
    const Node* v = n.get(u.key);
    const bool ok = a.kind == AuthKind::Bearer              ? u.bearer
                    : a.kind == AuthKind::ClientCredentials ? u.client_credentials
                                                            : u.smart;
    if (v && !ok)
      r.error(v->pos, std::string("'") + u.key + "' does not apply to auth kind " + kind->text);
  }
  auto need = [&](bool have, const char* what) {
    if (!have) r.error(n.pos, "auth kind " + kind->text + " needs " + what);
  };
  switch (a.kind) {
    case AuthKind::Bearer:
      need(!a.token.empty() || n.get("token_env") || n.get("token_file"),
           "token_env or token_file");
      break;
    case AuthKind::ClientCredentials:
      need(n.get("token_url") != nullptr, "token_url");
      need(n.get("client_id") != nullptr, "client_id");
      need(n.get("client_secret_env") || n.get("client_secret_file"),
           "client_secret_env or client_secret_file");
      break;
    case AuthKind::SmartBackend:
      need(n.get("token_url") != nullptr, "token_url");
      need(n.get("client_id") != nullptr, "client_id");
      need(n.get("private_key_file") != nullptr, "private_key_file");
      break;
    case AuthKind::None:
      break;
  }
  return a;
}

}  // namespace

void read_connection(const Node& n, std::string_view endpoint, Endpoint& e, Reader& r) {
  Connection& c = e.connection;
  const bool http = endpoint == "http", mqtt = endpoint == "mqtt";
  auto tls_only = [&](const char* key) {
    if (const Node* v = n.get(key); v && !e.tls)
      r.error(v->pos, std::string("'") + key + "' applies to a TLS endpoint (tls: true)");
  };
  if (const Node* v = n.get("ca_file")) {
    if (auto x = r.str(*v, "ca_file")) c.ca_file = *x;
  }
  if (const Node* v = n.get("tls_verify")) {
    if (auto x = r.boolean(*v, "tls_verify")) c.verify = *x;
  }
  if (const Node* v = n.get("client_cert")) {
    if (auto x = r.str(*v, "client_cert")) c.client_cert_file = *x;
  }
  if (const Node* v = n.get("client_key")) {
    if (auto x = r.str(*v, "client_key")) c.client_key_file = *x;
  }
  for (const char* k : {"ca_file", "tls_verify", "client_cert", "client_key"}) tls_only(k);
  if ((n.get("client_cert") == nullptr) != (n.get("client_key") == nullptr)) {
    const Node* v = n.get("client_cert") ? n.get("client_cert") : n.get("client_key");
    r.error(v->pos, "mutual TLS needs both client_cert and client_key");
  }
  if (const Node* v = n.get("headers")) {
    if (!http) {
      r.error(v->pos, "'headers' applies to the http endpoint");
    } else if (!v->is_map()) {
      r.error(v->pos, "expected a mapping of header names to values for 'headers', found " +
                          std::string(kind_name(*v)));
    } else {
      for (const auto& entry : v->entries)
        if (auto h = read_header(entry, r)) c.headers.push_back(std::move(*h));
    }
  }
  if (const Node* v = n.get("auth")) {
    if (!http)
      r.error(v->pos, "'auth' applies to the http endpoint (MQTT takes username and password_env)");
    else
      c.auth = read_auth(*v, r);
  }
  if (const Node* v = n.get("fhir_write")) {
    if (!http)
      r.error(v->pos, "'fhir_write' applies to the http endpoint");
    else if (auto i = r.choice(*v, "fhir_write", "fhir_write"))
      e.fhir_write = static_cast<FhirWrite>(*i);
  }
  if (const Node* v = n.get("username")) {
    if (!mqtt)
      r.error(v->pos, "'username' applies to the mqtt endpoint");
    else if (auto x = r.str(*v, "username"))
      c.username = *x;
  }
  if (n.get("password_env") || n.get("password_file")) {
    const Node* v = n.get("password_env") ? n.get("password_env") : n.get("password_file");
    if (!mqtt) {
      r.error(v->pos, "'" + std::string(n.get("password_env") ? "password_env" : "password_file") +
                          "' applies to the mqtt endpoint");
    } else {
      c.password = read_secret_keys(n, "password", r);
      if (n.get("username") == nullptr) r.error(v->pos, "an MQTT password needs a username");
    }
  }
}

std::optional<ImagingTarget> read_imaging_target(const Node& n, Reader& r) {
  if (!r.object(n, "imaging_target", "target.imaging")) return std::nullopt;
  const Node* v = n.get("dicomweb");
  if (v == nullptr) return std::nullopt;  // a required key: object() reported it
  auto url = r.str(*v, "dicomweb");
  if (!url) return std::nullopt;
  auto bad = [&] {
    r.error(v->pos,
            "dicomweb: expected http://host[:port][/path] or https://…, found '" + *url + "'");
    return std::nullopt;
  };
  if (!http_url(*url)) return bad();
  ImagingTarget t;
  t.tls = url->starts_with("https://");
  std::string_view rest = std::string_view(*url).substr(t.tls ? 8 : 7);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  t.base_path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!t.base_path.empty() && t.base_path.back() == '/') t.base_path.pop_back();
  int port = t.tls ? 443 : 80;
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    const char* first = authority.data() + colon + 1;
    const char* last = authority.data() + authority.size();
    auto [ptr, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || ptr != last || port < 1 || port > 65535) return bad();
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad();
  t.host = std::string(authority);
  t.port = static_cast<std::uint16_t>(port);
  return t;
}

RetrySpec read_retry(const Node& n, Reader& r) {
  RetrySpec s;
  if (!r.object(n, "retry", "retry")) return s;
  if (const Node* v = n.get("attempts")) {
    if (auto x = r.integer(*v, 1, 100, "attempts")) s.attempts = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("backoff")) {
    if (auto x = r.duration(*v, 0.001, 86400, "backoff")) s.backoff = *x;
  }
  if (const Node* v = n.get("max_backoff")) {
    if (auto x = r.duration(*v, 0.001, 86400, "max_backoff")) s.max_backoff = *x;
  }
  if (const Node* v = n.get("jitter")) {
    if (auto x = r.quantity(*v, QuantityKind::Fraction, 0, 0.99, "jitter")) s.jitter = *x;
  }
  if (s.max_backoff < s.backoff) {
    const Node* v = n.get("max_backoff") ? n.get("max_backoff") : n.get("backoff");
    r.error(v->pos, "max_backoff must be at least backoff");
  }
  return s;
}

ProvisionSpec read_provision(const Node& n, Reader& r) {
  ProvisionSpec p;
  if (!r.object(n, "provision", "provision")) return p;
  if (const Node* v = n.get("patients")) {
    if (auto i = r.choice(*v, "provision_patients", "patients"))
      p.patients = static_cast<ProvisionPatients>(*i);
  }
  if (const Node* v = n.get("patients_file")) {
    if (auto x = r.str(*v, "patients_file")) p.patients_file = *x;
    if (p.patients != ProvisionPatients::Existing)
      r.error(v->pos, "'patients_file' applies to patients: existing");
  } else if (p.patients == ProvisionPatients::Existing) {
    r.error(n.pos, "patients: existing needs patients_file (the patients to use, one per line)");
  }
  if (const Node* v = n.get("devices")) {
    if (auto x = r.boolean(*v, "devices")) p.devices = *x;
  }
  if (const Node* v = n.get("identifier_system")) {
    if (auto x = r.str(*v, "identifier_system")) {
      if (x->empty() || x->find('|') != std::string::npos)
        r.error(v->pos, "identifier_system must be a URI without '|'");
      p.identifier_system = *x;
    }
  }
  if (const Node* v = n.get("device_identifier_system")) {
    if (auto x = r.str(*v, "device_identifier_system")) {
      if (x->empty() || x->find('|') != std::string::npos)
        r.error(v->pos, "device_identifier_system must be a URI without '|'");
      p.device_identifier_system = *x;
    }
  }
  if (const Node* v = n.get("batch")) {
    if (auto x = r.integer(*v, 1, 1000, "batch")) p.batch = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("cleanup")) {
    if (auto x = r.boolean(*v, "cleanup")) p.cleanup = *x;
  }
  return p;
}

void read_alert_capture(const Node& n, TargetSpec& t, Reader& r) {
  if (!r.object(n, "alerts", "alerts")) return;
  AlertCaptureSpec& a = t.alerts;
  if (const Node* p = n.get("webhook_port")) {
    if (auto x = r.integer(*p, 1, 65535, "webhook_port"))
      t.alert_webhook_port = static_cast<std::uint16_t>(*x);
  }
  if (const Node* p = n.get("mqtt_topic")) {
    if (auto x = r.str(*p, "mqtt_topic")) {
      if (x->empty()) r.error(p->pos, "mqtt_topic must not be empty");
      t.alert_mqtt_topic = *x;
    }
  }
  if (const Node* p = n.get("webhook_bind")) {
    if (auto x = r.str(*p, "webhook_bind")) {
      if (x->empty()) r.error(p->pos, "webhook_bind must name an address, e.g. 0.0.0.0");
      a.webhook_bind = *x;
    }
  }
  a.webhook_secret = read_secret_keys(n, "webhook_secret", r);
  if (const Node* p = n.get("webhook_fields")) {
    static constexpr std::string_view kFields[] = {"patient",  "rule",  "time",    "trigger",
                                                   "severity", "score", "alert_id"};
    if (!p->is_map()) {
      r.error(p->pos,
              "expected a mapping of alert properties to JSON fields for 'webhook_fields', found " +
                  std::string(kind_name(*p)));
    } else {
      for (const auto& e : p->entries) {
        if (std::find(std::begin(kFields), std::end(kFields), e.key) == std::end(kFields)) {
          r.unknown(e.key_pos, "alert property", e.key, kFields, "");
          continue;
        }
        if (auto x = r.str(e.value, e.key)) {
          if (x->empty()) r.error(e.value.pos, "webhook_fields." + e.key + " must name a field");
          a.webhook_fields[e.key] = *x;
        }
      }
      if (!a.webhook_fields.empty() && !a.webhook_fields.contains("patient"))
        r.error(p->pos, "webhook_fields needs 'patient' (the field naming the alert's patient)");
    }
  }
  if (const Node* p = n.get("webhook_url")) {
    if (auto x = r.str(*p, "webhook_url")) {
      if (!http_url(*x))
        r.error(p->pos, "webhook_url must be an http:// or https:// URL, found '" + *x + "'");
      a.webhook_url = *x;
    }
  }
  a.webhook = n.get("webhook_port") || n.get("webhook_bind") || n.get("webhook_secret_env") ||
              n.get("webhook_secret_file") || n.get("webhook_fields") || n.get("webhook_url");
  if (const Node* p = n.get("fhir_poll")) {
    if (p->is_scalar()) {
      if (auto x = r.boolean(*p, "fhir_poll"); x && *x) a.fhir_poll = FhirPollSpec{};
    } else if (r.object(*p, "fhir_poll", "fhir_poll")) {
      FhirPollSpec f;
      static constexpr std::string_view kTypes[] = {"Flag", "DetectedIssue", "RiskAssessment",
                                                    "Communication", "CommunicationRequest"};
      if (const Node* v = p->get("resources")) {
        std::vector<const Node*> items;
        if (v->is_scalar())
          items.push_back(v);
        else if (r.sequence(*v, "resources", "FHIR resource types"))
          for (const auto& i : v->items) items.push_back(&i);
        f.resources.clear();
        for (const Node* i : items) {
          auto x = r.str(*i, "resources");
          if (!x) continue;
          if (std::find(std::begin(kTypes), std::end(kTypes), *x) == std::end(kTypes)) {
            r.unknown(i->pos, "alert resource type", *x, kTypes, "");
            continue;
          }
          if (std::find(f.resources.begin(), f.resources.end(), *x) == f.resources.end())
            f.resources.push_back(*x);
        }
        if (items.empty())
          r.error(v->pos, "fhir_poll.resources must name at least one resource type");
      }
      if (const Node* v = p->get("every")) {
        if (auto x = r.duration(*v, 0.05, 3600, "every")) f.every = *x;
      }
      if (const Node* v = p->get("page_size")) {
        if (auto x = r.integer(*v, 1, 1000, "page_size"))
          f.page_size = static_cast<std::uint32_t>(*x);
      }
      if (const Node* v = p->get("max_rate")) {
        if (auto x = r.quantity(*v, QuantityKind::Number, 0.01, 1000, "max_rate"))
          f.max_rate_per_s = *x;
      }
      a.fhir_poll = f;
    }
  }
  if (const Node* p = n.get("fhir_subscription")) {
    if (auto x = r.boolean(*p, "fhir_subscription")) a.fhir_subscription = *x;
    if (a.fhir_subscription && !a.webhook)
      r.error(p->pos,
              "fhir_subscription needs the webhook the notifications go to (webhook_secret_env or "
              "webhook_secret_file, and webhook_bind/webhook_port as needed)");
  }
  if (const Node* p = n.get("mllp")) {
    if (auto x = r.str(*p, "mllp")) {
      const auto colon = x->rfind(':');
      int port = -1;
      if (colon != std::string::npos && colon > 0) {
        const char* first = x->data() + colon + 1;
        const char* last = x->data() + x->size();
        auto [ptr, ec] = std::from_chars(first, last, port);
        if (ec != std::errc() || ptr != last) port = -1;
      }
      if (port < 0 || port > 65535) {
        r.error(p->pos, "mllp: expected 'host:port' to listen on (port 0: any free port), found '" +
                            *x + "'");
      } else {
        a.mllp = ListenAddress{x->substr(0, colon), static_cast<std::uint16_t>(port)};
      }
    }
  }
}

}  // namespace iomtsim::scenarios::detail
