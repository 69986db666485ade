#include <charconv>
#include <set>

#include "iomtsim/scenarios/clock_time.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using Q = QuantityKind;

Metadata read_metadata(const Node& n, Reader& r) {
  Metadata m;
  if (!r.object(n, "metadata", "metadata")) return m;
  if (const Node* v = n.get("name")) {
    if (auto x = r.str(*v, "name")) {
      if (x->empty()) r.error(v->pos, "metadata.name must not be empty");
      m.name = *x;
    }
  }
  if (const Node* v = n.get("description")) {
    if (auto x = r.str(*v, "description")) m.description = *x;
  }
  if (const Node* v = n.get("authors")) {
    if (v->is_scalar()) {
      m.authors.push_back(v->text);
    } else if (r.sequence(*v, "authors", "names")) {
      for (const auto& a : v->items) {
        if (auto x = r.str(a, "authors")) m.authors.push_back(*x);
      }
    }
  }
  if (const Node* v = n.get("seed")) {
    if (auto x = r.integer(*v, 0, INT64_MAX, "seed")) m.seed = static_cast<std::uint64_t>(*x);
  }
  if (const Node* v = n.get("duration")) {
    if (auto x = r.duration(*v, 1, kMaxScenarioSeconds, "duration")) m.duration = *x;
  }
  if (const Node* v = n.get("start")) {
    if (auto x = r.str(*v, "start")) {
      if (auto t = parse_local_datetime(*x))
        m.start_local_s = *t;
      else
        r.error(v->pos,
                "expected a local date and time for 'start' such as '2026-03-02 07:00', "
                "found '" +
                    *x + "'");
    }
  }
  return m;
}

TimeSpec read_time(const Node& n, Reader& r) {
  TimeSpec t;
  if (n.is_scalar()) {  // `time: simulated`
    if (auto i = r.choice(n, "time_mode", "time mode")) t.mode = static_cast<TimeMode>(*i);
    return t;
  }
  if (!r.object(n, "time", "time")) return t;
  if (const Node* v = n.get("mode")) {
    if (auto i = r.choice(*v, "time_mode", "time mode")) t.mode = static_cast<TimeMode>(*i);
  }
  if (const Node* v = n.get("speed")) {
    if (t.mode != TimeMode::Accelerated) {
      r.error(v->pos, "'speed' applies only to mode accelerated");
    } else if (auto x = r.quantity(*v, Q::Number, 0.001, 1e6, "speed")) {
      t.speed = *x;
    }
  }
  if (const Node* v = n.get("ramp_up")) {
    if (auto x = r.duration(*v, 0, 86400, "ramp_up")) t.ramp_up = *x;
  }
  if (const Node* v = n.get("wall_clock_stamps")) {
    if (auto x = r.boolean(*v, "wall_clock_stamps")) t.wall_clock_stamps = *x;
    if (t.wall_clock_stamps && t.mode == TimeMode::Simulated)
      r.error(v->pos,
              "'wall_clock_stamps' applies to real-time and accelerated runs, not simulated");
  }
  return t;
}

std::optional<ReadBackSpec> read_read_back(const Node& n, Reader& r) {
  if (n.is_scalar()) {
    auto x = r.boolean(n, "read_back");
    return x && *x ? std::optional<ReadBackSpec>(ReadBackSpec{}) : std::nullopt;
  }
  if (!r.object(n, "read_back", "read_back")) return std::nullopt;
  ReadBackSpec b;
  if (const Node* v = n.get("every")) {
    if (auto x = r.duration(*v, 0.05, 3600, "every")) b.every = *x;
  }
  if (const Node* v = n.get("page_size")) {
    if (auto x = r.integer(*v, 1, 1000, "page_size")) b.page_size = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("max_rate")) {
    if (auto x = r.quantity(*v, Q::Number, 0.01, 1000, "max_rate")) b.max_rate_per_s = *x;
  }
  if (const Node* v = n.get("settle")) {
    if (auto x = r.duration(*v, 0, 86400, "settle")) b.settle = *x;
  }
  if (const Node* v = n.get("identifiers_per_search")) {
    if (auto x = r.integer(*v, 1, 500, "identifiers_per_search"))
      b.identifiers_per_search = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("max_tracked")) {
    if (auto x = r.integer(*v, 1, 1'000'000'000, "max_tracked"))
      b.max_tracked = static_cast<std::uint64_t>(*x);
  }
  return b;
}

std::optional<Endpoint> read_endpoint(const Node& n, std::string_view what, Reader& r) {
  Endpoint e;
  if (n.is_scalar()) {
    const std::string& s = n.text;
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      r.error(n.pos, "expected 'host:port' for '" + std::string(what) + "', found '" + s + "'");
      return std::nullopt;
    }
    e.host = s.substr(0, colon);
    if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
      e.host = e.host.substr(1, e.host.size() - 2);
    int port = 0;
    const char* first = s.data() + colon + 1;
    const char* last = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || ptr != last || port < 1 || port > 65535) {
      r.error(n.pos, std::string(what) + ": port '" + s.substr(colon + 1) +
                         "' is not a port number (1 to 65535)");
      return std::nullopt;
    }
    e.port = static_cast<std::uint16_t>(port);
    return e;
  }
  if (!r.object(n, "endpoint", what)) return std::nullopt;
  bool ok = n.get("host") && n.get("port");
  if (const Node* v = n.get("host")) {
    if (auto x = r.str(*v, "host"))
      e.host = *x;
    else
      ok = false;
  }
  if (const Node* v = n.get("port")) {
    if (auto x = r.integer(*v, 1, 65535, "port"))
      e.port = static_cast<std::uint16_t>(*x);
    else
      ok = false;
  }
  if (const Node* v = n.get("tls")) {
    if (auto x = r.boolean(*v, "tls")) e.tls = *x;
  }
  read_connection(n, what, e, r);
  if (!ok) return std::nullopt;
  return e;
}

TargetSpec read_target(const Node& n, Reader& r) {
  TargetSpec t;
  if (n.is_scalar() && n.text == "embedded") return t;
  if (!r.object(n, "target", "target")) return t;
  if (const Node* v = n.get("embedded")) {
    if (auto x = r.boolean(*v, "embedded")) t.embedded = *x;
  }
  const char* names[] = {"http", "mqtt", "mllp", "protobuf"};
  std::optional<Endpoint>* slots[] = {&t.http, &t.mqtt, &t.mllp, &t.protobuf};
  bool any = false;
  for (int i = 0; i < 4; ++i) {
    if (const Node* v = n.get(names[i])) {
      *slots[i] = read_endpoint(*v, names[i], r);
      any = true;
    }
  }
  // Endpoints without `embedded:` mean an external target.
  if (any && n.get("embedded") == nullptr) t.embedded = false;
  // An embedded run sends to the embedded target's own loopback ports: an http, mllp or
  // protobuf endpoint beside `embedded: true` (often from an included file) would be
  // silently ignored. (mqtt stays: it names the broker both sides use.)
  if (t.embedded && n.get("embedded") != nullptr) {
    for (int i : {0, 2, 3})
      if (const Node* v = n.get(names[i]))
        r.error(v->pos, std::string("'") + names[i] +
                            "' names an external target, but the target is embedded "
                            "(embedded: true); set embedded: false to send to it");
  }
  if (!t.embedded && !any && n.get("embedded") != nullptr) {
    r.error(n.get("embedded")->pos,
            "an external target needs at least one endpoint (http, mqtt, mllp or protobuf)");
  }
  if (const Node* v = n.get("fhir_base_path")) {
    if (auto x = r.str(*v, "fhir_base_path")) t.fhir_base_path = *x;
  }
  if (const Node* v = n.get("http_ca_file")) {
    if (auto x = r.str(*v, "http_ca_file")) t.http_ca_file = *x;
  }
  if (const Node* v = n.get("mqtt_topic")) {
    if (auto x = r.str(*v, "mqtt_topic")) t.mqtt_topic = *x;
  }
  if (const Node* v = n.get("mqtt_qos")) {
    if (auto x = r.integer(*v, 0, 2, "mqtt_qos")) t.mqtt_qos = static_cast<int>(*x);
  }
  if (const Node* v = n.get("mqtt_client_id")) {
    if (auto x = r.str(*v, "mqtt_client_id")) t.mqtt_client_id = *x;
  }
  if (const Node* v = n.get("mqtt_keepalive")) {
    if (auto x = r.duration(*v, 0, 65535, "mqtt_keepalive")) t.mqtt_keepalive = *x;
  }
  if (const Node* v = n.get("mqtt_clean_session")) {
    if (auto x = r.boolean(*v, "mqtt_clean_session")) t.mqtt_clean_session = *x;
  }
  if (const Node* v = n.get("mqtt_ca_file")) {
    if (auto x = r.str(*v, "mqtt_ca_file")) t.mqtt_ca_file = *x;
  }
  if (const Node* v = n.get("mqtt_version")) {
    if (auto x = r.str(*v, "mqtt_version")) {
      if (*x == "3.1.1" || *x == "4")
        t.mqtt_version = 4;
      else if (*x == "5" || *x == "5.0")
        t.mqtt_version = 5;
      else
        r.error(v->pos, "mqtt_version: expected 3.1.1 or 5, found '" + *x + "'");
    }
  }
  if (const Node* v = n.get("imaging")) t.imaging = read_imaging_target(*v, r);
  if (const Node* v = n.get("alerts")) read_alert_capture(*v, t, r);
  if (const Node* v = n.get("read_back")) {
    t.read_back = read_read_back(*v, r);
    if (t.read_back && !t.embedded && !t.http)
      r.error(v->pos,
              "read_back searches the target's FHIR server: the target needs an 'http' endpoint");
  }
  if (const Node* v = n.get("provision")) {
    t.provision = read_provision(*v, r);
    if (t.embedded)
      r.error(v->pos,
              "'provision' sets up resources on an external FHIR server; the embedded target needs "
              "none");
    else if (!t.http)
      r.error(v->pos, "'provision' needs the FHIR server: an 'http' endpoint");
  }
  if (const Node* v = n.get("alerts")) {
    const auto& a = t.alerts;
    if (a.fhir_poll && !t.embedded && !t.http)
      r.error(v->get("fhir_poll")->pos,
              "fhir_poll searches the FHIR server: the target needs an 'http' endpoint");
    if (a.fhir_subscription && !t.embedded && !t.http)
      r.error(v->get("fhir_subscription")->pos,
              "fhir_subscription needs the FHIR server: an 'http' endpoint");
    if (a.fhir_subscription && t.embedded)
      r.error(v->get("fhir_subscription")->pos,
              "the embedded target offers no Subscriptions; it serves its Flags to fhir_poll");
    // Anyone who can reach the webhook could otherwise feed the run alerts.
    if (a.webhook && a.webhook_secret.empty() && !t.embedded)
      r.error(v->pos,
              "the alert webhook needs a shared secret: webhook_secret_env or webhook_secret_file");
    if (!t.alert_mqtt_topic.empty() && !t.mqtt && !t.embedded)
      r.error(v->get("mqtt_topic")->pos,
              "alerts.mqtt_topic subscribes on the target's broker: the target needs an 'mqtt' "
              "endpoint");
  }
  if (const Node* v = n.get("request_timeout")) {
    if (auto x = r.duration(*v, 0.001, 3600, "request_timeout")) t.request_timeout = *x;
  }
  if (const Node* v = n.get("retry")) t.retry = read_retry(*v, r);
  if (const Node* v = n.get("config_file")) {
    if (auto x = r.str(*v, "config_file")) t.config_file = *x;
  }
  return t;
}

std::vector<Expectation> read_expectations(const Node& n, Reader& r) {
  std::vector<Expectation> out;
  if (!r.sequence(n, "expectations", "thresholds such as 'ingest_latency.p99 < 2s'")) return out;
  for (const auto& item : n.items) {
    auto s = r.str(item, "expectations");
    if (!s) continue;
    SourceLocation where;
    if (item.pos.file) where = {item.pos.file->name, item.pos.line, item.pos.column};
    auto parsed = parse_expectation(*s, where);
    if (auto* e = std::get_if<Expectation>(&parsed)) {
      out.push_back(*e);
    } else {
      const auto& err = std::get<ExpectationError>(parsed);
      // The caret goes to the problem inside the text.
      Pos p = offset_pos(item, err.offset);
      r.error(p, err.message);
    }
  }
  return out;
}

}  // namespace

Scenario read_scenario(const Node& root, Reader& r) {
  Scenario s;
  if (root.kind == Node::Kind::Null) {
    r.error(root.pos, "empty scenario: expected a mapping with metadata and cohorts");
    return s;
  }
  if (!r.object(root, "scenario", "scenario")) return s;
  if (const Node* v = root.get("metadata")) s.metadata = read_metadata(*v, r);
  s.network_profiles = read_profiles(root.get("network_profiles"), r);
  if (const Node* v = root.get("time")) s.time = read_time(*v, r);
  if (const Node* v = root.get("target")) s.target = read_target(*v, r);
  if (const Node* v = root.get("expectations")) s.expectations = read_expectations(*v, r);
  if (const Node* v = root.get("capacity")) s.capacity = read_capacity(*v, s.metadata, r);
  if (const Node* v = root.get("cohorts")) {
    if (r.sequence(*v, "cohorts", "cohorts")) {
      if (v->items.empty()) r.error(v->pos, "a scenario needs at least one cohort");
      std::set<std::string> names;
      std::uint64_t total = 0;
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        auto c = read_cohort(v->items[i], i, s.metadata, s.network_profiles, r);
        if (!c) continue;
        warn_cohort(v->items[i], *c, s.metadata, r);
        if (!names.insert(c->physiology.name).second) {
          const Node* at = v->items[i].get("name");
          r.error(at ? at->pos : v->items[i].pos, "two cohorts named '" + c->physiology.name + "'");
        }
        c->physiology.first_index = static_cast<std::uint32_t>(total);
        c->physiology.start_second_of_day =
            static_cast<std::uint32_t>(second_of_day(s.metadata.start_local_s));
        total += c->physiology.count;
        if (total > kMaxPatients) {
          r.error(v->items[i].pos, "more than " + std::to_string(kMaxPatients) +
                                       " patients in all cohorts together");
          total = 0;  // report once
        }
        s.cohorts.push_back(std::move(*c));
      }
    }
  }
  // An external target must listen for every payload format the devices send.
  if (!s.target.embedded) {
    const Node* target = root.get("target");
    for (const auto& c : s.cohorts) {
      for (const auto& d : c.devices) {
        // Presence in the file, not a parsed value: a malformed endpoint is reported
        // once, where it is written.
        const char* key = "http";
        switch (d.format) {
          case PayloadFormat::FhirR4:
            key = "http";
            break;
          case PayloadFormat::MqttJson:
            key = "mqtt";
            break;
          case PayloadFormat::Hl7v2:
            key = "mllp";
            break;
          case PayloadFormat::Protobuf:
            key = "protobuf";
            break;
        }
        const char* needed = target != nullptr && target->get(key) == nullptr ? key : nullptr;
        if (needed != nullptr && target != nullptr) {
          r.error(target->pos, "device '" + d.model.name + "' of cohort '" + c.physiology.name +
                                   "' needs a '" + needed + "' endpoint on the external target");
        }
      }
    }
  }
  return s;
}

}  // namespace iomtsim::scenarios::detail
