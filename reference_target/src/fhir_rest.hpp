#pragma once
// The FHIR REST interactions the target serves besides Observation ingest, kept out of
// the Beast TU (http_server.cpp only carries their answers):
//
//   GET  [base]/metadata                      CapabilityStatement (what this table lists)
//   GET  [base]/Observation/<id>              read
//   GET  [base]/Observation?<search>          search (fhir_search.hpp for the parameters)
//   POST [base]/Patient, [base]/Device        create; If-None-Exist: identifier=s|v makes
//                                             it conditional (200 and the existing one)
//   GET  [base]/Patient/<id>, …?identifier=   read, search (likewise Device)
//   POST [base] Bundle "batch"                each entry on its own (POST Observation,
//                                             Patient, Device; GET of the above), answered
//                                             with a "batch-response"
//   POST [base] Bundle "collection"           refused: 400 (a collection is not a request)
//   GET  [base]/Flag…                         the alerts, as before (flag_store.hpp)
#include <string>
#include <string_view>

#include "context.hpp"

namespace iomtsim::reference_target {

struct RestAnswer {
  unsigned status = 200;
  std::string body;          // the resource or Bundle; for an error status, the reason
  std::string location;      // "Patient/<id>/_history/1" for creates
  bool retry_after = false;  // 429/503: send Retry-After
};

enum class BundleType : std::uint8_t { Transaction, Batch, Collection, Other };
// Bundle.type from a cheap look at the text (no parse): a `"type":"batch"` pair. Anything
// it does not recognise is a Transaction (the hot path decodes and checks it).
BundleType sniff_bundle_type(std::string_view body);

// `path` is what follows the base ("/metadata", "/Observation/17"); `query` follows '?'.
RestAnswer fhir_get(ServerContext& ctx, std::string_view path, std::string_view query);
RestAnswer fhir_create(ServerContext& ctx, std::string_view type, std::string_view body,
                       std::string_view if_none_exist);
RestAnswer fhir_batch(ServerContext& ctx, std::string_view body);
std::string capability_statement(const TargetConfig& cfg, bool store);

}  // namespace iomtsim::reference_target
