#include "fhir_rest.hpp"

#include <nlohmann/json.hpp>

#include "iomtsim/payloads/fhir.hpp"

namespace iomtsim::reference_target {
namespace {

using nlohmann::json;

// Entries one batch may carry: each is handled synchronously on the io thread.
constexpr std::size_t kMaxBatchEntries = 1000;

std::string status_text(unsigned status) {
  switch (status) {
    case 200:
      return "200 OK";
    case 201:
      return "201 Created";
    case 400:
      return "400 Bad Request";
    case 404:
      return "404 Not Found";
    case 405:
      return "405 Method Not Allowed";
    case 412:
      return "412 Precondition Failed";
    case 429:
      return "429 Too Many Requests";
    case 503:
      return "503 Service Unavailable";
    case 507:
      return "507 Insufficient Storage";
    default:
      return std::to_string(status);
  }
}

RestAnswer from_store(StoreAnswer a) {
  return {a.status, std::move(a.body), std::move(a.location)};
}

RestAnswer no_store() { return {404, "this target keeps no record (store.enabled: false)", {}}; }

// "Patient" / "Device" when `path` is "/Patient…" / "/Device…"; the rest after it.
std::optional<std::pair<std::string_view, std::string_view>> resource_path(std::string_view path) {
  for (std::string_view type : {"Observation", "Patient", "Device"}) {
    if (path.size() > type.size() && path[0] == '/' && path.substr(1, type.size()) == type &&
        (path.size() == type.size() + 1 || path[type.size() + 1] == '/'))
      return std::make_pair(type, path.substr(type.size() + 1));
    if (path.size() == type.size() + 1 && path.substr(1) == type)
      return std::make_pair(type, std::string_view());
  }
  return std::nullopt;
}

}  // namespace

BundleType sniff_bundle_type(std::string_view body) {
  // The first "type" member whose value is a string naming a Bundle type. An Observation
  // has no top-level "type"; a Device's type is a CodeableConcept (an object).
  std::size_t at = 0;
  while ((at = body.find("\"type\"", at)) != std::string_view::npos) {
    at += 6;
    std::size_t i = at;
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
      ++i;
    if (i >= body.size() || body[i] != ':') continue;
    ++i;
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
      ++i;
    const std::string_view rest = body.substr(i);
    if (rest.starts_with("\"batch\"")) return BundleType::Batch;
    if (rest.starts_with("\"collection\"")) return BundleType::Collection;
    if (rest.starts_with("\"transaction\"")) return BundleType::Transaction;
    if (rest.starts_with("\"document\"") || rest.starts_with("\"message\"") ||
        rest.starts_with("\"searchset\"") || rest.starts_with("\"history\""))
      return BundleType::Other;
  }
  return BundleType::Transaction;
}

RestAnswer fhir_get(ServerContext& ctx, std::string_view path, std::string_view query) {
  if (path == "/metadata") return {200, capability_statement(ctx.cfg, ctx.store != nullptr), {}};
  const auto rp = resource_path(path);
  if (!rp) return {404, "no such endpoint: " + std::string(path), {}};
  if (ctx.store == nullptr) return no_store();
  const auto [type, rest] = *rp;
  if (rest.empty()) {
    return from_store(type == "Observation" ? ctx.store->search_observations(query)
                                            : ctx.store->search_resources(type, query));
  }
  const std::string_view id = rest.substr(1);
  if (id.empty() || id.find('/') != std::string_view::npos)
    return {404, "no such endpoint: " + std::string(path), {}};
  return from_store(type == "Observation" ? ctx.store->read_observation(id)
                                          : ctx.store->read_resource(type, id));
}

RestAnswer fhir_create(ServerContext& ctx, std::string_view type, std::string_view body,
                       std::string_view if_none_exist) {
  if (ctx.store == nullptr) return no_store();
  return from_store(ctx.store->create(type, body, if_none_exist));
}

RestAnswer fhir_batch(ServerContext& ctx, std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return {400, "invalid JSON", {}};
  const json* entries = doc.contains("entry") ? &doc["entry"] : nullptr;
  if (entries && !entries->is_array()) return {400, "Bundle.entry is not an array", {}};
  if (entries && entries->size() > kMaxBatchEntries)
    return {400, "a batch may carry at most " + std::to_string(kMaxBatchEntries) + " entries", {}};
  json out = {{"resourceType", "Bundle"}, {"type", "batch-response"}, {"entry", json::array()}};
  if (entries) {
    for (const auto& e : *entries) {
      RestAnswer a;
      const json* req = e.is_object() && e.contains("request") ? &e["request"] : nullptr;
      const std::string method = req && req->is_object() ? req->value("method", "") : "";
      const std::string url = req && req->is_object() ? req->value("url", "") : "";
      std::string_view path = url;
      std::string_view query;
      if (const auto q = path.find('?'); q != std::string_view::npos) {
        query = path.substr(q + 1);
        path = path.substr(0, q);
      }
      const std::string rooted = "/" + std::string(path);
      if (method == "GET") {
        a = fhir_get(ctx, rooted, query);
      } else if (method == "POST" && (path == "Patient" || path == "Device")) {
        if (!e.contains("resource") || !e["resource"].is_object())
          a = {400, "a POST entry needs a resource", {}};
        else
          a = fhir_create(ctx, path, e["resource"].dump(),
                          req->contains("ifNoneExist") && (*req)["ifNoneExist"].is_string()
                              ? (*req)["ifNoneExist"].get<std::string>()
                              : std::string());
      } else if (method == "POST" && path == "Observation") {
        if (!e.contains("resource") || !e["resource"].is_object()) {
          a = {400, "a POST entry needs a resource", {}};
        } else {
          const auto r =
              ctx.ingest.handle(Protocol::Http, PayloadKind::FhirObservation, e["resource"].dump());
          if (r.outcome == Outcome::Accepted)
            a = {201,
                 {},
                 "Observation/" +
                     logical_id(r.reading_ids.empty() ? 0 : r.reading_ids.front(),
                                r.first_server_number) +
                     "/_history/1"};
          else
            a = {r.outcome == Outcome::QueueFull ? ctx.cfg.http.queue_full_status : 400u,
                 r.error,
                 {}};
        }
      } else {
        a = {405,
             "a batch entry may POST Observation, Patient or Device, or GET them; found " +
                 (method.empty() ? std::string("no request.method") : method + " " + url),
             {}};
      }
      json response = {{"status", status_text(a.status)}};
      if (!a.location.empty()) response["location"] = a.location;
      json entry = {{"response", response}};
      if (a.status >= 400)
        entry["response"]["outcome"] = json::parse(payloads::operation_outcome(a.body));
      else if (!a.body.empty())
        entry["resource"] = json::parse(a.body, nullptr, false);
      out["entry"].push_back(std::move(entry));
    }
  }
  return {200, out.dump(), {}};
}

std::string capability_statement(const TargetConfig& cfg, bool store) {
  json resources = json::array();
  auto search_param = [](const char* name, const char* type) {
    return json{{"name", name}, {"type", type}};
  };
  if (store) {
    resources.push_back(
        {{"type", "Observation"},
         {"interaction",
          json::array({{{"code", "create"}}, {{"code", "read"}}, {{"code", "search-type"}}})},
         {"searchParam",
          json::array({search_param("identifier", "token"), search_param("code", "token"),
                       search_param("subject", "reference"), search_param("patient", "reference"),
                       search_param("date", "date"), search_param("_lastUpdated", "date"),
                       search_param("_count", "number")})}});
    for (const char* type : {"Patient", "Device"})
      resources.push_back(
          {{"type", type},
           {"interaction",
            json::array({{{"code", "create"}}, {{"code", "read"}}, {{"code", "search-type"}}})},
           {"conditionalCreate", true},
           {"searchParam", json::array({search_param("identifier", "token")})}});
  } else {
    resources.push_back(
        {{"type", "Observation"}, {"interaction", json::array({{{"code", "create"}}})}});
  }
  resources.push_back(
      {{"type", "DiagnosticReport"}, {"interaction", json::array({{{"code", "create"}}})}});
  if (cfg.alerts.flags)
    resources.push_back(
        {{"type", "Flag"},
         {"interaction", json::array({{{"code", "read"}}, {{"code", "search-type"}}})},
         {"searchParam",
          json::array({search_param("_lastUpdated", "date"), search_param("subject", "reference"),
                       search_param("patient", "reference"), search_param("_count", "number")})}});
  json cap = {{"resourceType", "CapabilityStatement"},
              {"status", "active"},
              {"date", "2026-01-01"},
              {"kind", "instance"},
              {"software", {{"name", "iomtsim reference target"}}},
              {"implementation",
               {{"description", "iomtsim reference target"}, {"url", cfg.http.fhir_base_path}}},
              {"fhirVersion", "4.0.1"},
              {"format", json::array({"application/fhir+json"})},
              {"rest", json::array({{{"mode", "server"},
                                     {"resource", resources},
                                     {"interaction", json::array({{{"code", "batch"}},
                                                                  {{"code", "transaction"}}})}}})}};
  return cap.dump();
}

}  // namespace iomtsim::reference_target
