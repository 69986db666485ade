#include "mapped_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using nlohmann::json;

const json* at_path(const json& j, const std::string& path) {
  const json* cur = &j;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    const std::string key = path.substr(start, dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    start = dot + 1;
  }
  return cur;
}

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number()) return v.dump();
  return {};
}

std::optional<physiology::AlertSeverity> severity_of(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto v = payloads::severity_from_name(s)) return v;
  if (s == "critical" || s == "stat" || s == "asap") return physiology::AlertSeverity::High;
  if (s == "moderate" || s == "urgent") return physiology::AlertSeverity::Medium;
  if (s == "routine") return physiology::AlertSeverity::Low;
  return std::nullopt;
}

HeardAlert from_fhir(const payloads::FhirAlert& a, const char* source) {
  HeardAlert h;
  h.source = source;
  h.alert_id = a.alert_id;
  h.patient_reference = a.patient_reference;
  h.patient_identifier = a.patient_identifier;
  h.rule = a.rule;
  h.severity = a.severity;
  h.score = a.score;
  h.time_unix_ns = a.time_unix_ns;
  h.trigger_reading_id = a.trigger_reading_id;
  h.trigger_reference = a.trigger_reference;
  return h;
}

std::string read_mapped(const json& j, const std::map<std::string, std::string>& fields,
                        const char* source, HeardAlert& h) {
  if (!j.is_object()) return "an alert is not a JSON object";
  h.source = source;
  auto field = [&](const char* property) -> const json* {
    auto it = fields.find(property);
    return it == fields.end() ? nullptr : at_path(j, it->second);
  };
  const json* patient = field("patient");
  if (patient == nullptr) return "no '" + fields.at("patient") + "' (the patient) in an alert";
  if (patient->is_number_unsigned())
    h.patient_reference = "p" + text_of(*patient);
  else if (patient->is_string())
    h.patient_reference = patient->get<std::string>();
  else
    return "'" + fields.at("patient") + "' is neither text nor a number";
  if (h.patient_reference.find('|') != std::string::npos)
    std::swap(h.patient_reference, h.patient_identifier);
  if (const json* v = field("rule")) h.rule = text_of(*v);
  if (h.rule.empty()) h.rule = "webhook";
  if (const json* v = field("alert_id")) h.alert_id = text_of(*v);
  if (const json* v = field("severity"); v && v->is_string())
    h.severity = severity_of(v->get<std::string>());
  if (const json* v = field("score"); v && v->is_number()) h.score = v->get<double>();
  if (const json* v = field("time")) {
    if (v->is_string()) {
      h.time_unix_ns = payloads::parse_fhir_time(v->get<std::string>());
      if (!h.time_unix_ns)
        return "'" + fields.at("time") + "' is not an ISO 8601 date-time with a zone";
    } else if (v->is_number()) {
      h.time_unix_ns = static_cast<std::int64_t>(std::llround(v->get<double>() * 1e9));
    }
  }
  if (const json* v = field("trigger")) {
    const std::string t = text_of(*v);
    if (t.find("Observation/") != std::string::npos) {
      h.trigger_reference = t.substr(t.find("Observation/"));
    } else {
      char* end = nullptr;
      const auto id = std::strtoull(t.c_str(), &end, 10);
      if (!t.empty() && end != nullptr && *end == '\0') h.trigger_reading_id = id;
    }
  }
  return {};
}

}  // namespace

std::string read_alert_json(std::string_view body, const std::map<std::string, std::string>& fields,
                            const char* source, std::vector<HeardAlert>& out) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return "invalid JSON";
  if (j.is_object() && j.contains("resourceType")) {
    auto page = payloads::decode_alert_page(body);
    if (!page.ok()) return page.error;
    for (const auto& a : page.value.alerts) out.push_back(from_fhir(a, source));
    return page.value.errors.empty() ? std::string() : page.value.errors.front();
  }
  if (fields.empty()) {
    auto decoded = payloads::decode_alerts_json(body);
    if (!decoded.ok()) return decoded.error;
    for (const auto& a : decoded.value) {
      HeardAlert h;
      h.source = source;
      h.alert_id = a.alert_id;
      h.patient = a.patient;
      h.rule = a.rule;
      h.severity = a.severity;
      h.score = a.score;
      h.trigger_time = a.trigger_time;
      h.trigger_reading_id = a.trigger_reading_id;
      out.push_back(std::move(h));
    }
    return {};
  }
  std::vector<const json*> items;
  if (j.is_array())
    for (const auto& x : j) items.push_back(&x);
  else
    items.push_back(&j);
  for (const json* x : items) {
    HeardAlert h;
    if (auto err = read_mapped(*x, fields, source, h); !err.empty()) {
      // iomtsim's own alert JSON still reads (the embedded target posts it beside the
      // pipeline's own alerts).
      auto own = payloads::decode_alert_json(x->dump());
      if (!own.ok()) return err;
      h = HeardAlert{};
      h.source = source;
      h.alert_id = own.value.alert_id;
      h.patient = own.value.patient;
      h.rule = own.value.rule;
      h.severity = own.value.severity;
      h.score = own.value.score;
      h.trigger_time = own.value.trigger_time;
      h.trigger_reading_id = own.value.trigger_reading_id;
    }
    out.push_back(std::move(h));
  }
  return {};
}

}  // namespace iomtsim::loadgen::detail
