#include "fhir_lenient.hpp"

#include <nlohmann/json.hpp>

namespace iomtsim::reference_target {
namespace {

using nlohmann::json;

constexpr std::string_view kBpPanel = "85354-9";
constexpr std::string_view kLoinc = "http://loinc.org";

bool has_code(const json& concept_json, std::string_view code) {
  if (!concept_json.is_object() || !concept_json.contains("coding") ||
      !concept_json["coding"].is_array())
    return false;
  for (const auto& c : concept_json["coding"])
    if (c.is_object() && c.value("code", "") == code &&
        (!c.contains("system") || c.value("system", "") == kLoinc))
      return true;
  return false;
}

bool is_p_index(std::string_view id) {
  if (id.size() < 2 || id[0] != 'p') return false;
  for (char c : id.substr(1))
    if (c < '0' || c > '9') return false;
  return id.size() <= 10;
}

// Rewrites one Observation in place; may expand it into several (a panel). Error or "".
std::string rewrite_observation(json& obs, const LenientHooks& hooks, std::vector<json>& out) {
  if (!obs.is_object() || obs.value("resourceType", "") != "Observation") {
    out.push_back(std::move(obs));  // the decoder says what is wrong with it
    return {};
  }
  // Subject.
  if (auto s = obs.find("subject"); s != obs.end() && s->is_object()) {
    std::optional<std::string> id;
    if (s->contains("reference") && (*s)["reference"].is_string()) {
      std::string ref = (*s)["reference"];
      if (ref.starts_with("Patient/")) id = ref.substr(8);
    } else if (s->contains("identifier") && (*s)["identifier"].is_object()) {
      const auto& ident = (*s)["identifier"];
      const std::string system = ident.value("system", ""), value = ident.value("value", "");
      if (!hooks.patient_by_identifier) return "subject.identifier cannot be resolved here";
      id = hooks.patient_by_identifier(system, value);
      if (!id) return "subject.identifier " + system + "|" + value + " matches no Patient";
    }
    if (id && !is_p_index(*id)) {
      const auto index = hooks.intern ? hooks.intern(*id) : std::nullopt;
      if (!index) return "too many distinct patients (limits.max_patients)";
      *s = json{{"reference", "Patient/p" + std::to_string(*index)}};
    } else if (id) {
      *s = json{{"reference", "Patient/" + *id}};
    }
  }
  // Device: only our own form carries a device index.
  if (auto d = obs.find("device"); d != obs.end()) {
    const std::string ref = d->is_object() ? d->value("reference", "") : "";
    const auto dash = ref.rfind("-d");
    if (!ref.starts_with("Device/") || dash == std::string::npos ||
        !is_p_index(ref.substr(7, dash - 7)))
      obs.erase(d);
  }
  // Effective time: date-only or zone-less means UTC.
  if (auto e = obs.find("effectiveDateTime"); e != obs.end() && e->is_string()) {
    std::string t = *e;
    if (t.size() == 4)
      t += "-01-01T00:00:00Z";
    else if (t.size() == 7)
      t += "-01T00:00:00Z";
    else if (t.size() == 10)
      t += "T00:00:00Z";
    else if (t.size() >= 19 && t.find_first_of("Z+", 19) == std::string::npos &&
             t.find('-', 19) == std::string::npos)
      t += "Z";
    *e = t;
  }
  // The blood-pressure panel: one Observation per component.
  if (obs.contains("code") && has_code(obs["code"], kBpPanel)) {
    if (!obs.contains("component") || !obs["component"].is_array() || obs["component"].empty())
      return "the blood-pressure panel 85354-9 has no components";
    json base = obs;
    base.erase("component");
    base.erase("valueQuantity");
    base.erase("dataAbsentReason");
    std::size_t taken = 0;
    for (const auto& c : obs["component"]) {
      if (!c.is_object() || !c.contains("code")) continue;
      const bool known = has_code(c["code"], "8480-6") || has_code(c["code"], "8462-4") ||
                         has_code(c["code"], "8478-0");
      if (!known) continue;
      json one = base;
      one["code"] = c["code"];
      for (const char* key :
           {"valueQuantity", "valueCodeableConcept", "dataAbsentReason", "interpretation"})
        if (c.contains(key)) one[key] = c[key];
      out.push_back(std::move(one));
      ++taken;
    }
    if (taken == 0)
      return "the blood-pressure panel 85354-9 has no systolic, diastolic or mean component";
    return {};
  }
  out.push_back(std::move(obs));
  return {};
}

}  // namespace

bool needs_lenient(std::string_view reason) {
  for (std::string_view cure :
       {"is not Patient/p<index>", "missing subject.reference", "is not a full date-time",
        "'85354-9'", "is not Device/p<patient>-d<device>"}) {
    if (reason.find(cure) != std::string_view::npos) return true;
  }
  return false;
}

LenientResult rewrite_fhir(std::string_view body, const LenientHooks& hooks) {
  LenientResult r;
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    r.error = "invalid JSON";
    return r;
  }
  if (doc.value("resourceType", "") == "Bundle") {
    if (!doc.contains("entry") || !doc["entry"].is_array()) {
      r.json = doc.dump();
      return r;
    }
    json entries = json::array();
    std::size_t index = 0;
    for (auto& e : doc["entry"]) {
      if (!e.is_object() || !e.contains("resource")) {
        entries.push_back(e);
        continue;
      }
      std::vector<json> out;
      const std::string err = rewrite_observation(e["resource"], hooks, out);
      if (!err.empty()) {
        r.error = "entry " + std::to_string(index) + ": " + err;
        return r;
      }
      for (auto& o : out) {
        json copy = e;
        copy["resource"] = std::move(o);
        entries.push_back(std::move(copy));
      }
      ++index;
    }
    doc["entry"] = std::move(entries);
    r.json = doc.dump();
    return r;
  }
  std::vector<json> out;
  r.error = rewrite_observation(doc, hooks, out);
  if (!r.error.empty()) return r;
  if (out.size() == 1) {
    r.json = out[0].dump();
  } else {
    // A panel posted to [base]/Observation: its components as one Bundle.
    json bundle = {{"resourceType", "Bundle"}, {"type", "transaction"}, {"entry", json::array()}};
    for (auto& o : out) bundle["entry"].push_back({{"resource", std::move(o)}});
    r.json = bundle.dump();
  }
  return r;
}

}  // namespace iomtsim::reference_target
