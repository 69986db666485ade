#pragma once
// FHIR batch interactions for provisioning and clean-up: a list of requests sent as batch
// Bundles of `per_bundle` entries (POST [base]), each entry answered on its own; when the
// server refuses batches as such (400, 404, 405, 422, 501 for the Bundle), the same requests
// go one by one, with If-None-Exist as a header for conditional creates.
#include <cstdint>
#include <string>
#include <vector>

#include "../connect/credentials.hpp"
#include "../connect/http_client.hpp"

namespace iomtsim::loadgen::detail {

struct BatchRequest {
  std::string method;         // POST, GET, DELETE
  std::string url;            // relative: "Patient", "Patient?identifier=…", "Device/abc"
  std::string resource;       // JSON for POST, else empty
  std::string if_none_exist;  // conditional create: a search query without the type
};

struct BatchAnswer {
  unsigned status = 0;   // 0: no answer at all
  std::string location;  // "Patient/<id>" (versions and base cut off), when given
  std::string id;        // the resource's id (from location or the returned resource)
  std::string body;      // the returned resource (or Bundle) as JSON, when given
  std::string reason;    // OperationOutcome text, or why there was no answer
};

class FhirBatch {
 public:
  FhirBatch(HttpClient& fhir, const Credentials* creds, std::uint32_t per_bundle)
      : fhir_(fhir), creds_(creds), per_bundle_(per_bundle == 0 ? 1 : per_bundle) {}
  std::vector<BatchAnswer> run(const std::vector<BatchRequest>& requests);
  std::uint64_t requests() const { return requests_; }

 private:
  HeaderList headers(bool json_body) const;
  std::vector<BatchAnswer> run_bundle(const std::vector<BatchRequest>& part, bool& refused);
  BatchAnswer run_one(const BatchRequest& r);
  HttpClient& fhir_;
  const Credentials* creds_;
  std::uint32_t per_bundle_;
  bool batches_ = true;
  std::uint64_t requests_ = 0;
};

// "Patient/<id>" from a Location ("[base]/Patient/<id>/_history/<v>", absolute or not).
std::string location_reference(const std::string& location, const std::string& type);
// Percent-encodes a query parameter value (keeps unreserved characters, ':' and '/').
std::string query_encode(const std::string& s);

}  // namespace iomtsim::loadgen::detail
