#include "iomtsim/payloads/fhir_chart.hpp"

#include <charconv>

#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "json_read.hpp"

namespace iomtsim::payloads {
namespace {

using detail::member;
using detail::string_member;
using nlohmann::json;

// A page of _count = 1000 Observations holds some 60 values each; beyond this a server is
// sending something else.
constexpr detail::JsonBounds kPageBounds{64, 200'000};

std::optional<std::uint64_t> decimal_id(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> time_member(const json& r) {
  for (const char* k : {"effectiveDateTime", "effectiveInstant"})
    if (auto s = string_member(r, k)) return parse_fhir_time(*s);
  if (const json* p = member(r, "effectivePeriod"))
    if (auto s = string_member(*p, "start")) return parse_fhir_time(*s);
  return std::nullopt;
}

ChartObservation observation(const json& r) {
  ChartObservation o;
  o.id = string_member(r, "id").value_or("");
  if (const json* ids = member(r, "identifier"); ids && ids->is_array())
    for (const auto& i : *ids)
      if (string_member(i, "system").value_or("") == kReadingIdentifierSystem)
        o.reading_id = decimal_id(string_member(i, "value").value_or(""));
  if (const json* s = member(r, "subject")) {
    o.subject_reference = string_member(*s, "reference").value_or("");
    if (const json* id = member(*s, "identifier"))
      o.subject_identifier = string_member(*id, "system").value_or("") + "|" +
                             string_member(*id, "value").value_or("");
  }
  if (const json* c = member(r, "code"))
    if (const json* codings = member(*c, "coding"); codings && codings->is_array()) {
      for (const auto& cd : *codings)
        if (string_member(cd, "system").value_or("") == "http://loinc.org") {
          o.code = string_member(cd, "code").value_or("");
          break;
        }
      if (o.code.empty() && !codings->empty())
        o.code = string_member((*codings)[0], "code").value_or("");
    }
  if (const json* q = member(r, "valueQuantity")) {
    o.unit = string_member(*q, "code").value_or(string_member(*q, "unit").value_or(""));
    if (const json* v = member(*q, "value"); v && v->is_number()) o.value = v->get<double>();
  } else if (const json* cc = member(r, "valueCodeableConcept")) {
    if (const json* codings = member(*cc, "coding"); codings && codings->is_array())
      for (const auto& cd : *codings)
        if (string_member(cd, "system").value_or("") == "urn:iomtsim:acvpu")
          if (auto level = acvpu_from_letter(string_member(cd, "code").value_or("")))
            o.value = *level;
  }
  o.effective_unix_ns = time_member(r);
  if (const json* m = member(r, "meta")) {
    o.last_updated = string_member(*m, "lastUpdated").value_or("");
    if (!o.last_updated.empty()) o.last_updated_unix_ns = parse_fhir_time(o.last_updated);
  }
  return o;
}

}  // namespace

Decoded<ChartObservationPage> decode_observation_page(std::string_view text) {
  Decoded<ChartObservationPage> res;
  json j;
  std::string why;
  if (!detail::parse_json_bounded(text, kPageBounds, j, why)) {
    res.error = why;
    return res;
  }
  if (string_member(j, "resourceType").value_or("") != "Bundle") {
    res.error = "not a Bundle: a FHIR search answers with a searchset Bundle";
    return res;
  }
  if (const json* entries = member(j, "entry"); entries && entries->is_array()) {
    res.value.entries = entries->size();
    for (const auto& e : *entries)
      if (const json* r = member(e, "resource"))
        if (string_member(*r, "resourceType").value_or("") == "Observation")
          res.value.observations.push_back(observation(*r));
  }
  if (const json* links = member(j, "link"); links && links->is_array())
    for (const auto& l : *links)
      if (string_member(l, "relation").value_or("") == "next")
        res.value.next = string_member(l, "url").value_or("");
  return res;
}

}  // namespace iomtsim::payloads
