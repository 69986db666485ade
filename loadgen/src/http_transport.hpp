#pragma once
// FHIR R4 over HTTP/1.1 (Boost.Beast): a keep-alive pool of connections per engine thread.
// One request per connection at a time (no pipelining, as FHIR servers expect); requests
// wait in a FIFO when every connection is busy, and that wait counts in the latency.
//
// Outcomes: 2xx -> Acknowledged; any other status -> Rejected (counted by status);
// no answer within `timeout` -> TimedOut (the connection is closed, the answer may never
// come); connect refused, reset, EOF or an unparseable answer -> Failed and the connection
// reconnects with back-off. A request that waited in the queue longer than `timeout` is
// TimedOut without being sent, or Failed if no connection could be opened meanwhile.
// Retryable (Completion::retryable, for the device side's retry policy): 408, 429 and 5xx
// with the server's Retry-After (delta-seconds or HTTP-date, retry_after.hpp), time-outs and
// connection failures; never another 4xx (the content or the credentials were refused).
// `resend_stale`: a request that fails on a reused keep-alive connection before any answer
// is written once more on a fresh one (the server may have closed an idle socket); off when
// the device side retries itself.
//
// Writes (`fhir.write`, payloads/fhir.hpp): a single Observation is POSTed to Observation,
// with If-None-Exist under conditional create, or PUT to Observation/<delivery key>; a batch
// goes as a transaction Bundle whose entries say the same.
//
// HTTPS (`tls`): each connection does a TLS handshake after connecting, verifying the
// server's certificate chain against `tls_settings.ca_file` (PEM; empty: the system's
// default trust store) and its name against `host` (DNS name or IP address,
// subjectAltName), with a client certificate when one is set (connect/tls_client.hpp). A
// failed handshake (wrong CA, wrong name, not TLS at all) counts like a refused connect:
// the connection backs off and retries, and readings that waited longer than `timeout` are
// Failed, with the reason (e.g. the certificate verification error) in their completion.
// A TLS file that cannot be loaded throws TransportError from the constructor.
//
// Every request carries the endpoint's custom headers and its current Authorization
// (connect/credentials.hpp); a 401 asks the credentials for a fresh token. A refusal's
// completion carries the server's reason: the OperationOutcome's diagnostics, and for a
// 401 the WWW-Authenticate error description (redacted).
//
// References: with a provisioned `refs` map the Observations name the server's Patient and
// Device ids (payloads/fhir.hpp).
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "connect/credentials.hpp"
#include "connect/tls_client.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "transport.hpp"

namespace boost::asio {
class io_context;
}

namespace iomtsim::loadgen::detail {

struct HttpTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string base_path = "/fhir";
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // wall
  unsigned connections = 4;
  std::chrono::nanoseconds ramp_interval{};  // wall, between opening connection i and i+1
  std::int64_t epoch_unix_ms = 0;            // FHIR effectiveDateTime base
  bool tls = false;                          // https://
  TlsClientSettings tls_settings;            // CA (empty: system trust), verify, client cert
  std::shared_ptr<const Credentials> credentials{};  // headers and Authorization; nullptr: none
  std::shared_ptr<const payloads::ReferenceMap>
      refs{};                      // provisioned ids; nullptr: p<N>, p<N>-d<M>
  double device_time_scale = 1.0;  // effective times: payloads::FhirOptions (wall-clock stamps)
  payloads::FhirWrite write = payloads::FhirWrite::Post;
  std::uint64_t delivery_run = 0;  // FhirOptions::delivery_run
  bool resend_stale = true;
  // What pre-encoded bodies are and what is asked back; the FHIR server's by default. The
  // imaging target (DICOMweb STOW-RS) sets multipart/related and application/dicom+json.
  std::string content_type = "application/fhir+json";
  std::string accept = "application/fhir+json";
  const char* protocol = "fhir_r4";  // Completion::protocol: the report's outcome codes
  // STOW-RS: a 2xx whose FailedSOPSequence lists the instance is a refusal, not a store
  // (payloads::read_stow_answer), and a refusal's reason is read from it.
  bool stow_answers = false;
};

// A transport that cannot be set up from its target (a CA file that does not load).
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::unique_ptr<Transport> make_http_transport(boost::asio::io_context& io,
                                               const HttpTarget& target, CompletionFn done);

}  // namespace iomtsim::loadgen::detail
