#include "fhir_batch.hpp"

#include <nlohmann/json.hpp>

#include "../connect/secrets.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using nlohmann::json;

std::string id_from_reference(const std::string& ref) {
  const auto slash = ref.find('/');
  return slash == std::string::npos ? std::string() : ref.substr(slash + 1);
}

std::string type_of(const std::string& url) {
  const auto end = url.find_first_of("/?");
  return url.substr(0, end);
}

}  // namespace

std::string query_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string location_reference(const std::string& location, const std::string& type) {
  std::string l = location;
  if (auto h = l.find("/_history/"); h != std::string::npos) l.resize(h);
  const auto at = l.rfind(type + "/");
  if (at == std::string::npos || (at > 0 && l[at - 1] != '/')) return {};
  const std::string ref = l.substr(at);
  return payloads::valid_fhir_id(id_from_reference(ref)) ? ref : std::string();
}

HeaderList FhirBatch::headers(bool json_body) const {
  HeaderList h = {{"Accept", "application/fhir+json"}};
  if (json_body) h.emplace_back("Content-Type", "application/fhir+json");
  if (creds_ != nullptr) {
    for (const auto& x : creds_->headers()) h.push_back(x);
    if (auto a = creds_->authorization(); !a.empty()) h.emplace_back("Authorization", a);
  }
  return h;
}

std::vector<BatchAnswer> FhirBatch::run(const std::vector<BatchRequest>& requests) {
  std::vector<BatchAnswer> out;
  out.reserve(requests.size());
  for (std::size_t at = 0; at < requests.size(); at += per_bundle_) {
    const std::vector<BatchRequest> part(
        requests.begin() + static_cast<std::ptrdiff_t>(at),
        requests.begin() +
            static_cast<std::ptrdiff_t>(std::min(requests.size(), at + per_bundle_)));
    bool refused = false;
    if (batches_) {
      auto answers = run_bundle(part, refused);
      if (!refused) {
        out.insert(out.end(), answers.begin(), answers.end());
        continue;
      }
      batches_ = false;  // this server takes no batches: one by one from now on
    }
    for (const auto& r : part) out.push_back(run_one(r));
  }
  return out;
}

std::vector<BatchAnswer> FhirBatch::run_bundle(const std::vector<BatchRequest>& part,
                                               bool& refused) {
  json bundle = {{"resourceType", "Bundle"}, {"type", "batch"}, {"entry", json::array()}};
  for (const auto& r : part) {
    json e = {{"request", {{"method", r.method}, {"url", r.url}}}};
    if (!r.if_none_exist.empty()) e["request"]["ifNoneExist"] = r.if_none_exist;
    if (!r.resource.empty()) e["resource"] = json::parse(r.resource);
    bundle["entry"].push_back(std::move(e));
  }
  ++requests_;
  const HttpReply reply = fhir_.request("POST", "", bundle.dump(), headers(true));
  std::vector<BatchAnswer> out(part.size());
  if (reply.status == 0) {
    for (auto& a : out) a.reason = reply.error;
    return out;
  }
  const json j = json::parse(reply.body, nullptr, false);
  const bool is_response = j.is_object() && j.value("resourceType", "") == "Bundle" &&
                           j.value("type", "") == "batch-response" && j.contains("entry") &&
                           j["entry"].is_array() && j["entry"].size() == part.size();
  if (!is_response) {
    const unsigned s = reply.status;
    if (s == 400 || s == 404 || s == 405 || s == 422 || s == 501) {
      refused = true;
      return {};
    }
    const std::string why = redact("HTTP " + std::to_string(s) + ": " +
                                   (payloads::operation_outcome_reason(reply.body).empty()
                                        ? reply.body.substr(0, 200)
                                        : payloads::operation_outcome_reason(reply.body)));
    for (auto& a : out) {
      a.status = s;
      a.reason = why;
    }
    return out;
  }
  for (std::size_t i = 0; i < part.size(); ++i) {
    const json& e = j["entry"][i];
    BatchAnswer& a = out[i];
    if (e.contains("response") && e["response"].is_object()) {
      const json& r = e["response"];
      a.status = static_cast<unsigned>(std::atoi(r.value("status", "0").c_str()));
      a.location = location_reference(r.value("location", ""), type_of(part[i].url));
      if (r.contains("outcome"))
        a.reason = redact(payloads::operation_outcome_reason(r["outcome"].dump()));
    }
    if (e.contains("resource") && e["resource"].is_object()) {
      a.body = e["resource"].dump();
      if (a.id.empty() && e["resource"].contains("id") && e["resource"]["id"].is_string())
        a.id = e["resource"]["id"].get<std::string>();
    }
    if (!a.location.empty()) a.id = id_from_reference(a.location);
  }
  return out;
}

BatchAnswer FhirBatch::run_one(const BatchRequest& r) {
  auto h = headers(!r.resource.empty());
  if (!r.if_none_exist.empty()) h.emplace_back("If-None-Exist", r.if_none_exist);
  ++requests_;
  const HttpReply reply = fhir_.request(r.method, r.url, r.resource, h);
  BatchAnswer a;
  a.status = reply.status;
  if (reply.status == 0) {
    a.reason = reply.error;
    return a;
  }
  a.location = location_reference(reply.header("location"), type_of(r.url));
  a.body = reply.body;
  if (reply.status / 100 != 2) {
    a.reason = redact(payloads::operation_outcome_reason(reply.body));
    if (a.reason.empty()) a.reason = redact(reply.body.substr(0, 200));
  }
  const json j = json::parse(reply.body, nullptr, false);
  if (j.is_object() && j.contains("id") && j["id"].is_string()) a.id = j["id"].get<std::string>();
  if (!a.location.empty()) a.id = id_from_reference(a.location);
  return a;
}

}  // namespace iomtsim::loadgen::detail
