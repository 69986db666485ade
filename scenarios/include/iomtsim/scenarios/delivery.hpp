#pragma once
// How devices deliver to the target: retries (target.retry, every protocol) and how FHIR
// writes are made idempotent (target.http.fhir_write). Plain values; the device side turns
// RetrySpec into its RetryPolicy (sim/device_side/message.hpp), the FHIR encoder and
// sender follow FhirWrite (payloads/fhir.hpp, loadgen's HTTP transport).
//
//   target:
//     retry: {attempts: 4, backoff: 1s, max_backoff: 30s, jitter: 0.2}
//     http: {host: fhir.example.org, port: 443, tls: true, fhir_write: conditional_create}
//
// A device retries what a real sender retries: HTTP 429 and 5xx (after the server's
// Retry-After when it gives one), a connection reset or time-out, an HL7 AR/CR (rejected for
// reasons unrelated to the content) and a protobuf batch the target refused as overloaded;
// never an HTTP 4xx refusal of the content or an HL7 AE/CE. Without idempotent writes a
// retry after a reset that came after the server stored the reading stores it twice.
#include <chrono>
#include <cstdint>

#include "iomtsim/physiology/time.hpp"

namespace iomtsim::scenarios {

struct RetrySpec {
  std::uint32_t attempts = 1;  // per message, the first included; 1: no retries
  physiology::Duration backoff = std::chrono::seconds(1);       // wait after the first failure
  physiology::Duration max_backoff = std::chrono::seconds(30);  // the doubling stops here
  // Each wait is scaled by a factor in [1 - jitter, 1 + jitter], drawn from the scenario
  // seed and the message's id (the same run waits the same), so that devices failing
  // together do not retry together.
  double jitter = 0.0;
  bool operator==(const RetrySpec&) const = default;
};

// How FHIR Observations are written (scenario names: post, conditional_create, put).
enum class FhirWrite : std::uint8_t {
  Post,               // plain create: a retry after a lost answer may store a duplicate
  ConditionalCreate,  // create unless the delivery identifier exists (If-None-Exist /
                      // Bundle entry request.ifNoneExist)
  Put,                // update with a client-assigned id (PUT Observation/<id>)
};

}  // namespace iomtsim::scenarios
