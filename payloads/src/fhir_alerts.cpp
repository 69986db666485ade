// Alert resources through nlohmann_json's DOM: they are few (a poll page, a notification),
// unlike readings, so clarity wins over speed here.
#include "iomtsim/payloads/fhir_alerts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "civil_time.hpp"
#include "json_read.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using detail::member;
using detail::string_member;
using nlohmann::json;
using physiology::AlertSeverity;

constexpr std::string_view kFlagDetail = "http://hl7.org/fhir/StructureDefinition/flag-detail";
constexpr std::string_view kReadingSystem = "urn:iomtsim:reading";
constexpr std::string_view kScoreExtension = "urn:iomtsim:alert-score";
constexpr std::string_view kSeverityExtension = "urn:iomtsim:alert-severity";

const json* first_of(const json& obj, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (const json* v = member(obj, k)) return v;
  return nullptr;
}

// A CodeableConcept's first coding code, else its text.
std::string concept_code(const json* cc) {
  if (cc == nullptr) return {};
  if (cc->is_array()) return cc->empty() ? std::string() : concept_code(&(*cc)[0]);
  if (const json* codings = member(*cc, "coding"); codings && codings->is_array())
    for (const auto& c : *codings)
      if (auto code = string_member(c, "code"); code && !code->empty()) return *code;
  return string_member(*cc, "text").value_or("");
}

std::optional<std::int64_t> time_of(const json& r, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const json* v = member(r, k);
    if (v == nullptr) continue;
    if (v->is_string()) {
      if (auto t = parse_fhir_time(v->get<std::string>())) return t;
    } else if (v->is_object()) {  // a Period
      if (auto s = string_member(*v, "start"))
        if (auto t = parse_fhir_time(*s)) return t;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> decimal_id(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Looks at one Reference for an Observation trigger; true when `a` got one.
bool take_trigger(const json& ref, FhirAlert& a) {
  if (!ref.is_object()) return false;
  if (const json* id = member(ref, "identifier")) {
    if (string_member(*id, "system").value_or("") == kReadingSystem)
      if (auto v = decimal_id(string_member(*id, "value").value_or(""))) {
        a.trigger_reading_id = *v;
        return true;
      }
  }
  const auto text = string_member(ref, "reference").value_or("");
  const auto at = text.rfind("Observation/");
  if (at != std::string::npos && (at == 0 || text[at - 1] == '/')) {
    a.trigger_reference = text.substr(at);
    // A versioned reference still names the same Observation.
    if (auto h = a.trigger_reference.find("/_history/"); h != std::string::npos)
      a.trigger_reference.resize(h);
    return true;
  }
  return false;
}

void take_triggers(const json* list, FhirAlert& a, const char* inner = nullptr) {
  if (list == nullptr || a.trigger_reading_id != 0 || !a.trigger_reference.empty()) return;
  auto visit = [&](const json& item) {
    if (inner != nullptr) {
      const json* sub = member(item, inner);
      if (sub == nullptr) return false;
      if (sub->is_array()) {
        for (const auto& s : *sub)
          if (take_trigger(s, a)) return true;
        return false;
      }
      return take_trigger(*sub, a);
    }
    return take_trigger(item, a);
  };
  if (list->is_array()) {
    for (const auto& item : *list)
      if (visit(item)) return;
  } else {
    visit(*list);
  }
}

std::optional<AlertSeverity> severity_word(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "high" || s == "stat" || s == "asap" || s == "critical") return AlertSeverity::High;
  if (s == "moderate" || s == "medium" || s == "urgent") return AlertSeverity::Medium;
  if (s == "low" || s == "routine") return AlertSeverity::Low;
  if (s == "info" || s == "information") return AlertSeverity::Info;
  return std::nullopt;
}

std::string decode_into(const json& r, FhirAlert& a) {
  if (!r.is_object()) return "alert resource is not a JSON object";
  a.resource_type = string_member(r, "resourceType").value_or("");
  const std::string& t = a.resource_type;
  const bool flag = t == "Flag", issue = t == "DetectedIssue", risk = t == "RiskAssessment",
             comm = t == "Communication", request = t == "CommunicationRequest";
  if (!(flag || issue || risk || comm || request))
    return "resourceType '" + t + "' is not an alert resource";
  a.id = string_member(r, "id").value_or("");
  if (const json* meta = member(r, "meta"))
    a.last_updated = string_member(*meta, "lastUpdated").value_or("");

  const json* subject = member(r, issue ? "patient" : "subject");
  if (subject == nullptr || !subject->is_object())
    return t + " has no " + (issue ? "patient" : "subject");
  a.patient_reference = string_member(*subject, "reference").value_or("");
  if (const json* id = member(*subject, "identifier"))
    if (auto v = string_member(*id, "value"))
      a.patient_identifier = string_member(*id, "system").value_or("") + "|" + *v;
  if (a.patient_reference.empty() && a.patient_identifier.empty())
    return t + "." + (issue ? "patient" : "subject") + " has neither a reference nor an identifier";

  if (flag) a.time_unix_ns = time_of(r, {"period"});
  if (issue) a.time_unix_ns = time_of(r, {"identifiedDateTime", "identifiedPeriod"});
  if (risk) a.time_unix_ns = time_of(r, {"occurrenceDateTime", "occurrencePeriod"});
  if (comm) a.time_unix_ns = time_of(r, {"sent", "received"});
  if (request)
    a.time_unix_ns = time_of(r, {"authoredOn", "occurrenceDateTime", "occurrencePeriod"});

  a.rule = concept_code(first_of(r, {"code", "reasonCode", "category", "topic"}));
  if (a.rule.empty() && risk) {
    if (const json* p = member(r, "prediction"); p && p->is_array() && !p->empty())
      a.rule = concept_code(member((*p)[0], "outcome"));
  }
  if (a.rule.empty()) a.rule = t;

  if (const json* ext = member(r, "extension"); ext && ext->is_array()) {
    for (const auto& e : *ext) {
      const auto url = string_member(e, "url").value_or("");
      if (url == kFlagDetail) take_triggers(member(e, "valueReference"), a);
      if (url == kScoreExtension)
        if (const json* v = member(e, "valueDecimal"); v && v->is_number())
          a.score = v->get<double>();
      if (url == kSeverityExtension)
        if (auto v = string_member(e, "valueCode")) a.severity = severity_word(*v);
    }
  }
  if (issue) {
    take_triggers(member(r, "implicated"), a);
    take_triggers(member(r, "evidence"), a, "detail");
    if (auto s = string_member(r, "severity")) a.severity = severity_word(*s);
  }
  if (risk) {
    take_triggers(member(r, "basis"), a);
    if (const json* p = member(r, "prediction"); p && p->is_array() && !p->empty()) {
      if (const json* pr = member((*p)[0], "probabilityDecimal"); pr && pr->is_number())
        a.score = pr->get<double>();
      if (!a.severity)
        if (auto q = concept_code(member((*p)[0], "qualitativeRisk")); !q.empty())
          a.severity = severity_word(q);
    }
  }
  if (comm || request) {
    take_triggers(member(r, "about"), a);
    take_triggers(member(r, "payload"), a, "contentReference");
    if (!a.severity)
      if (auto p = string_member(r, "priority")) a.severity = severity_word(*p);
  }

  if (const json* ids = member(r, "identifier"); ids && ids->is_array())
    for (const auto& i : *ids)
      if (string_member(i, "system").value_or("") == kAlertIdentifierSystem)
        a.alert_id = string_member(i, "value").value_or("");
  if (a.alert_id.empty() && !a.id.empty()) a.alert_id = t + "/" + a.id;
  return {};
}

}  // namespace

Decoded<FhirAlert> decode_fhir_alert(std::string_view text) {
  Decoded<FhirAlert> res;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    res.error = "invalid JSON";
    return res;
  }
  res.error = decode_into(j, res.value);
  return res;
}

Decoded<FhirAlertPage> decode_alert_page(std::string_view text) {
  Decoded<FhirAlertPage> res;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    res.error = "invalid JSON";
    return res;
  }
  auto one = [&](const json& r) {
    const auto type = string_member(r, "resourceType").value_or("");
    if (type != "Flag" && type != "DetectedIssue" && type != "RiskAssessment" &&
        type != "Communication" && type != "CommunicationRequest")
      return;
    FhirAlert a;
    if (auto err = decode_into(r, a); !err.empty())
      res.value.errors.push_back(type + "/" + string_member(r, "id").value_or("?") + ": " + err);
    else
      res.value.alerts.push_back(std::move(a));
  };
  const auto type = string_member(j, "resourceType").value_or("");
  if (type != "Bundle") {
    if (type.empty())
      res.error = "not a FHIR resource";
    else
      one(j);
    return res;
  }
  if (const json* entries = member(j, "entry"); entries && entries->is_array()) {
    res.value.entries = entries->size();
    for (const auto& e : *entries)
      if (const json* r = member(e, "resource")) one(*r);
  }
  if (const json* links = member(j, "link"); links && links->is_array())
    for (const auto& l : *links)
      if (string_member(l, "relation").value_or("") == "next")
        res.value.next = string_member(l, "url").value_or("");
  return res;
}

std::string alert_flag_id(std::string_view alert_id) {
  std::string id(alert_id.substr(0, 64));
  for (auto& c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) c = '-';
  if (id.empty()) id = "alert";
  return id;
}

std::string encode_alert_flag(const physiology::Alert& a, std::string_view id,
                              std::int64_t raised_unix_ns, const FhirOptions& options) {
  const std::string when = format_fhir_time_us(raised_unix_ns);
  std::string out = R"({"resourceType":"Flag","id":")";
  out.append(id);
  out.append(R"(","meta":{"lastUpdated":")");
  out.append(when);
  out.append(R"("},"identifier":[{"system":")");
  out.append(kAlertIdentifierSystem);
  out.append(R"(","value":)");
  detail::append_json_string(out, a.alert_id);
  out.append(
      R"(}],"status":"active","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/flag-category","code":"clinical","display":"Clinical"}]}],"code":{"coding":[{"system":"urn:iomtsim:rule","code":)");
  detail::append_json_string(out, a.rule);
  out.append(R"(}],"text":)");
  detail::append_json_string(out, a.rule + " alert");
  out.append(R"(},"subject":{"reference":"Patient/)");
  const std::string* patient = options.refs ? options.refs->patient(a.patient) : nullptr;
  if (patient) {
    out.append(*patient);
  } else {
    out.push_back('p');
    detail::append_uint(out, a.patient);
  }
  out.append(R"("},"period":{"start":")");
  out.append(when);
  out.append(R"("},"extension":[)");
  if (a.trigger_reading_id != 0) {
    out.append(R"({"url":")");
    out.append(kFlagDetail);
    out.append(R"(","valueReference":{"type":"Observation","identifier":{"system":")");
    out.append(kReadingSystem);
    out.append(R"(","value":")");
    detail::append_uint(out, a.trigger_reading_id);
    out.append(R"("}}},)");
  }
  out.append(R"({"url":")");
  out.append(kScoreExtension);
  out.append(R"(","valueDecimal":)");
  const bool integral = std::isfinite(a.score) && a.score == std::round(a.score);
  detail::append_fixed(out, std::isfinite(a.score) ? a.score : 0.0, integral ? 0 : 3);
  out.append(R"(},{"url":")");
  out.append(kSeverityExtension);
  out.append(R"(","valueCode":")");
  static constexpr std::string_view kSeverity[] = {"info", "low", "medium", "high"};
  out.append(kSeverity[static_cast<std::size_t>(a.severity)]);
  out.append(R"("}]})");
  return out;
}

std::string operation_outcome_reason(std::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || string_member(j, "resourceType").value_or("") != "OperationOutcome")
    return {};
  std::string out;
  if (const json* issues = member(j, "issue"); issues && issues->is_array()) {
    for (const auto& i : *issues) {
      const auto sev = string_member(i, "severity").value_or("error");
      if (sev != "error" && sev != "fatal") continue;
      std::string why = string_member(i, "diagnostics").value_or("");
      if (why.empty())
        if (const json* d = member(i, "details")) why = string_member(*d, "text").value_or("");
      if (why.empty()) why = string_member(i, "code").value_or("");
      if (why.empty()) continue;
      if (!out.empty()) out += "; ";
      out += why;
    }
  }
  return out;
}

std::optional<std::uint64_t> observation_reading_id(std::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  if (const json* ids = member(j, "identifier"); ids && ids->is_array())
    for (const auto& i : *ids)
      if (string_member(i, "system").value_or("") == kReadingSystem)
        return decimal_id(string_member(i, "value").value_or(""));
  return std::nullopt;
}

std::vector<std::pair<std::string, std::uint64_t>> observations_by_id(std::string_view text) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  const json* entries = j.is_discarded() ? nullptr : member(j, "entry");
  if (entries == nullptr || !entries->is_array()) return out;
  for (const auto& e : *entries) {
    const json* r = member(e, "resource");
    if (r == nullptr || string_member(*r, "resourceType").value_or("") != "Observation") continue;
    const auto id = string_member(*r, "id");
    if (!id) continue;
    std::uint64_t reading = 0;
    if (const json* ids = member(*r, "identifier"); ids && ids->is_array())
      for (const auto& i : *ids)
        if (string_member(i, "system").value_or("") == kReadingSystem)
          reading = decimal_id(string_member(i, "value").value_or("")).value_or(0);
    out.emplace_back(*id, reading);
  }
  return out;
}

std::optional<std::int64_t> parse_fhir_time(std::string_view text) {
  const auto t = parse_fhir_instant(text, 0);
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

std::string format_fhir_time_us(std::int64_t unix_ns) {
  const auto t = detail::civil_from_unix_ns(unix_ns);
  std::string out;
  if (t.year < 0 || t.year > 9999) return "0001-01-01T00:00:00.000000Z";
  detail::append_padded(out, static_cast<std::uint64_t>(t.year), 4);
  out.push_back('-');
  detail::append_padded(out, t.month, 2);
  out.push_back('-');
  detail::append_padded(out, t.day, 2);
  out.push_back('T');
  detail::append_padded(out, t.hour, 2);
  out.push_back(':');
  detail::append_padded(out, t.minute, 2);
  out.push_back(':');
  detail::append_padded(out, t.second, 2);
  out.push_back('.');
  detail::append_padded(out, static_cast<std::uint64_t>(t.nanos / 1000), 6);
  out.push_back('Z');
  return out;
}

bool valid_fhir_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

}  // namespace iomtsim::payloads
