#pragma once
// The HTTP answers of the FHIR endpoint, built as Beast responses. Included only by
// http_server.cpp (the one Beast server TU).
#include <boost/beast/http.hpp>

#include <atomic>
#include <charconv>
#include <string>

#include "ingest.hpp"
#include "iomtsim/payloads/fhir.hpp"

namespace iomtsim::reference_target {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

inline HttpResponse make_response(unsigned status, unsigned version) {
  HttpResponse res{static_cast<boost::beast::http::status>(status), version};
  res.set(boost::beast::http::field::server, "iomtsim-target");
  return res;
}

inline HttpResponse json_response(unsigned status, std::string body, unsigned version,
                                  const char* content_type = "application/fhir+json") {
  auto res = make_response(status, version);
  res.set(boost::beast::http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

// An OperationOutcome carrying `why`; a non-zero `retry_after_s` adds Retry-After (seconds)
// for 429/503.
inline HttpResponse error_response(unsigned status, const std::string& why, unsigned version,
                                   unsigned retry_after_s = 0) {
  auto res = json_response(status, payloads::operation_outcome(why), version);
  if (retry_after_s != 0)
    res.set(boost::beast::http::field::retry_after, std::to_string(retry_after_s));
  return res;
}

// The whole answer to a connection refused at the connection limit, before any request
// was read (so HTTP/1.1, and the connection closes).
inline std::string busy_response_bytes(unsigned retry_after_s) {
  const std::string body = payloads::operation_outcome("too many connections; retry later");
  return "HTTP/1.1 503 Service Unavailable\r\nServer: iomtsim-target\r\nRetry-After: " +
         std::to_string(retry_after_s) +
         "\r\nContent-Type: application/fhir+json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline HttpResponse text_response(std::string body, unsigned version) {
  auto res = make_response(200, version);
  res.set(boost::beast::http::field::content_type, "text/plain; version=0.0.4");
  res.body() = std::move(body);
  return res;
}

// 201 Created with Location [base]/Observation/<id>/_history/1 (return=minimal).
inline HttpResponse created_response(const std::string& base, const IngestResult& r,
                                     unsigned version) {
  auto res = make_response(201, version);
  const std::string id =
      logical_id(r.reading_ids.empty() ? 0 : r.reading_ids.front(), r.first_server_number);
  res.set(boost::beast::http::field::location,
          base + "/" + r.resource_type + "/" + id + "/_history/1");
  return res;
}

// The same 201 as created_response, serialized by hand into `out` (cleared first): the
// hot path of single-Observation ingest, where Beast's field list and serializer cost
// allocations and buffer walking per request. Bytes as Beast writes them: status line,
// Server, Location, Connection when it differs from the version's default (close on 1.1,
// keep-alive on 1.0; http_server sets it before prepare_payload), Content-Length: 0.
inline void append_created_response(std::string& out, const std::string& base,
                                    const IngestResult& r, unsigned version, bool keep_alive) {
  out.clear();
  out += version == 10 ? "HTTP/1.0 201 Created\r\n" : "HTTP/1.1 201 Created\r\n";
  out += "Server: iomtsim-target\r\nLocation: ";
  out += base;
  out += '/';
  out += r.resource_type;
  out += '/';
  const std::uint64_t reading_id = r.reading_ids.empty() ? 0 : r.reading_ids.front();
  if (reading_id != 0) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, reading_id).ptr;
    out.append(digits, end);
  } else {
    out += logical_id(0, r.first_server_number);
  }
  out += "/_history/1\r\n";
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "Content-Length: 0\r\n\r\n";
}

// A transaction-response Bundle: one entry per request entry, in order.
inline HttpResponse bundle_response(const IngestResult& r, unsigned version) {
  std::string body;
  body.reserve(96 + r.reading_ids.size() * 96);
  body += R"({"resourceType":"Bundle","type":"transaction-response","entry":[)";
  for (const auto& [status, location] : r.other_entries) {
    body += R"({"response":{"status":")";
    body += status;
    body += R"(","location":")";
    body += location;
    body += R"("}})";
    if (!r.reading_ids.empty()) body += ',';
  }
  std::uint64_t server_number = r.first_server_number;
  for (std::size_t i = 0; i < r.reading_ids.size(); ++i) {
    if (i) body += ',';
    body += R"({"response":{"status":"201 Created","location":")";
    body += r.resource_type;
    body += '/';
    body += logical_id(r.reading_ids[i], r.reading_ids[i] == 0 ? server_number++ : 0);
    body += R"(/_history/1"}})";
  }
  body += "]}";
  return json_response(200, std::move(body), version);
}

}  // namespace iomtsim::reference_target
